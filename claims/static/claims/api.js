// Calls to Claimscope's REST API from the browser: JSON in and out, the CSRF header on every
// write, and errors that carry the server's own message.
export class ApiError extends Error {
  constructor(status, body) {
    super(messageOf(status, body));
    this.status = status;
    this.body = body;
  }
}

function messageOf(status, body) {
  if (body && typeof body === "object") {
    if (typeof body.detail === "string") return body.detail;
    const fields = Object.entries(body).map(([field, errors]) => `${field}: ${[].concat(errors).join(" ")}`);
    if (fields.length) return fields.join("; ");
  }
  return `the server answered ${status}.`;
}

export class Api {
  constructor(csrfToken) {
    this.csrfToken = csrfToken;
  }

  get(url) {
    return this.request("GET", url);
  }

  async getAll(url) {
    // Every page of a paged list, followed through its `next` links.
    const rows = [];
    for (let next = url; next; ) {
      const page = await this.get(next);
      rows.push(...page.results);
      next = page.next;
    }
    return rows;
  }

  post(url, body) {
    return this.request("POST", url, body);
  }

  patch(url, body) {
    return this.request("PATCH", url, body);
  }

  put(url, body, options = {}) {
    return this.request("PUT", url, body, options);
  }

  delete(url) {
    return this.request("DELETE", url);
  }

  async request(method, url, body, { keepalive = false } = {}) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = this.csrfToken;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      keepalive,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return null;
    const payload = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  }
}
