// What the annotation page's modules share: the page's data, its sentences, the annotations and the selection.
import { Api } from "./api.js";
import { $ } from "./dom.js";
import { Highlights } from "./highlights.js";

export const data = JSON.parse($("article-data").textContent);
export const api = new Api(data.csrf_token);
export const tags = new Map(data.tags.map((tag, order) => [tag.slug, { ...tag, order }]));
export const tagByKey = new Map(data.tags.filter((t) => t.shortcut).map((t) => [t.shortcut, t.slug]));

export const docEl = $("document");
export const listEl = $("annotation-list");
const sentenceEls = Array.from(docEl.querySelectorAll(".s"));
export const sentences = sentenceEls.map((el, index) => ({
  el,
  index,
  start: Number(el.dataset.start),
  end: Number(el.dataset.end),
  text: el.textContent,
}));

export const indexOfElement = new Map(sentenceEls.map((el, index) => [el, index]));
export const highlights = new Highlights({ sentences, tags, username: data.user.username });

// Annotations by a local key; `id` is the server's once it has answered.
export const annotations = new Map();
export const bySentence = new Map(); // sentence index -> Set of keys drawn on it
export const itemEls = new Map(); // key -> <li> in the side panel
// Suggested tags still open for this user, by sentence index, in tag order (suggestions.js).
export const suggestedBySentence = new Map();
export const FINAL = ":final"; // the view of the final tags (no username holds a colon)

// One object rather than exported `let`s: an importer cannot assign to an imported binding.
export const ui = {
  cursor: 0,
  anchor: 0,
  exactRange: null, // {start, end} in code points when the exact-selection option is on
  pointerSelected: false, // a drag just selected text: the click ending it must not reset it
  viewAuthor: "", // "" mine, "*" everyone, FINAL, or a username
  panelFilter: "",
  showSuggestions: true, // the "Show suggestions" switch (remembered in localStorage)
};

let nextKey = 1;

export function remember(serverRow, state = "saved") {
  const ann = { key: nextKey++, ...serverRow, state, error: "" };
  annotations.set(ann.key, ann);
  return ann;
}

export function isMine(ann) {
  // Final tags are the adjudication's, even those the signed-in editor accepted.
  return !ann.final && ann.author === data.user.username;
}

export function anyUnsaved() {
  return [...annotations.values()].some((a) => a.state !== "saved");
}
