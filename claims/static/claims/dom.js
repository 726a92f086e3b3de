// Small DOM helpers for the annotation page's modules: look-up by id, elements built from properties.
export const $ = (id) => document.getElementById(id);

export function element(tag, props = {}) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "ariaLabel") el.setAttribute("aria-label", value);
    else if (name === "ariaHidden") el.setAttribute("aria-hidden", value);
    else el[name] = value;
  }
  return el;
}

// One way to write a moment everywhere, as the server's pages do: "2026-12-01 21:44 UTC".
export function moment(iso) {
  const at = new Date(iso);
  const two = (n) => String(n).padStart(2, "0");
  return `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())} ` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`;
}

export function shorten(text, limit) {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
