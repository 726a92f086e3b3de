// The corpus search page: the form's fields go to GET /api/v1/search/, and each matching
// sentence is listed with its publisher, a link to it in its article and its tags.
import { Api } from "./api.js";
import { $, element } from "./dom.js";

const form = $("search-form");
const api = new Api("");
const status = $("search-status");
const list = $("search-results");
const more = $("search-more");
let next = null;

function articleUrl(row) {
  return `${form.dataset.articleUrl.replace("/0/", `/${row.article.id}/`)}#s${row.index}`;
}

function hit(row) {
  const li = element("li", { className: "search-hit" });
  const where = element("a", { href: articleUrl(row), textContent: row.article.title });
  const by = element("span", { className: "muted", textContent: ` ${row.article.publisher}` });
  const text = element("q", { textContent: row.text });
  const tags = element("span", { className: "seen-tags" });
  for (const tag of row.tags) {
    const chip = element("span", { className: "seen-tag", textContent: `${tag.name} ×${tag.count}` });
    chip.style.setProperty("--tag-colour", tag.colour);
    tags.append(chip, " ");
  }
  if (!row.in_text) tags.append(element("span", { className: "muted", textContent: "(found in a note)" }));
  li.append(where, by, text, tags);
  return li;
}

async function fetchPage(url, replace) {
  status.textContent = "Searching…";
  try {
    const page = await api.get(url);
    if (replace) list.replaceChildren();
    list.append(...page.results.map(hit));
    next = page.next;
    more.hidden = !next;
    status.textContent = list.children.length ? "" : "Nothing matches.";
  } catch (error) {
    status.textContent = `The search failed: ${error.message}`;
  }
}

function search() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
  history.replaceState(null, "", `?${params}`);
  fetchPage(`${form.dataset.url}?${params}`, true);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});
more.addEventListener("click", () => next && fetchPage(next, false));

// A shared link (?q=...) searches on arrival.
const given = new URLSearchParams(window.location.search);
for (const [name, value] of given) if (form.elements[name]) form.elements[name].value = value;
if (given.get("q")) search();
