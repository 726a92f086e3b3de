// "Seen elsewhere": the sentences of other articles making the selected sentence's claim
// (GET /api/v1/sentences/{article}/{index}/similar/), and one click to tag one of them as the
// selected sentence is tagged (POST /api/v1/annotations/).
import { $, element, shorten } from "./dom.js";
import { say } from "./status.js";
import { annotations, api, bySentence, data, docEl, isMine, sentences, tags, ui } from "./state.js";

const section = $("seen-elsewhere");
const listEl = $("seen-elsewhere-list");
const statusEl = $("seen-elsewhere-status");
const WAIT_MS = 250; // j/k held down: ask once the cursor rests
const SHOWN = 10;

let timer = 0;
let asked = 0; // the newest request: older answers are dropped
let shown = []; // the last answer's rows, drawn again when my tags on the selection change

function similarUrl(index) {
  return section.dataset.url.replace("/0/0/similar/", `/${data.article.id}/${index}/similar/`);
}

function articleUrl(row) {
  return `${section.dataset.articleUrl.replace("/0/", `/${row.article.id}/`)}#s${row.index}`;
}

function selectedIndex() {
  const sentence = sentences[ui.cursor];
  return sentence ? Number(sentence.el.id.slice(1)) : null;
}

function myTagsOnSelection() {
  // The tags I gave the sentence under the cursor: the ones a listed sentence can be given.
  const slugs = new Set();
  for (const key of bySentence.get(ui.cursor) || []) {
    const ann = annotations.get(key);
    if (ann && isMine(ann) && tags.has(ann.tag)) slugs.add(ann.tag);
  }
  return [...slugs].map((slug) => tags.get(slug));
}

function tagChips(row) {
  const chips = element("span", { className: "seen-tags" });
  for (const tag of row.tags) {
    const chip = element("span", { className: "seen-tag", textContent: `${tag.name} ×${tag.count}` });
    chip.style.setProperty("--tag-colour", tag.colour);
    chips.append(chip, " ");
  }
  if (!row.tags.length) chips.append(element("span", { className: "muted", textContent: "not tagged" }));
  return chips;
}

async function tagAlike(row, tag, button) {
  button.disabled = true;
  const body = { article: row.article.id, tag: tag.slug, sentences: [row.index, row.index] };
  try {
    await api.post(data.api.annotations, body);
    const shown = row.tags.find((t) => t.slug === tag.slug);
    if (shown) shown.count += 1;
    else row.tags.push({ slug: tag.slug, name: tag.name, colour: tag.colour, count: 1 });
    button.textContent = `Tagged ${tag.name}`;
    say(`Tagged “${shorten(row.text, 60)}” (${row.article.publisher || row.article.title}) ${tag.name}.`);
  } catch (error) {
    button.disabled = error.status === 409; // already tagged so: nothing more to do
    if (error.status === 409) button.textContent = `Already ${tag.name}`;
    say(`Not tagged: ${error.message}`, "error");
  }
}

function item(row, mine) {
  const li = element("li", { className: "seen-item" });
  const where = element("a", { href: articleUrl(row), textContent: row.article.publisher || row.article.title });
  where.title = row.article.title;
  const score = element("span", { className: "muted", textContent: ` ${Math.round(row.score * 100)}% alike` });
  li.append(element("div", { className: "seen-where" }), element("q", { textContent: row.text }), tagChips(row));
  li.firstChild.append(where, score);
  if (data.user.can_annotate && mine.length) {
    const actions = element("div", { className: "seen-actions" });
    for (const tag of mine) {
      const button = element("button", { type: "button", textContent: `Tag ${tag.name}` });
      button.dataset.tag = tag.slug;
      button.addEventListener("click", async () => {
        await tagAlike(row, tag, button);
        li.replaceChild(tagChips(row), li.querySelector(".seen-tags"));
      });
      actions.append(button, " ");
    }
    li.append(actions);
  }
  return li;
}

async function show() {
  const index = selectedIndex();
  if (index === null) return;
  const request = ++asked;
  statusEl.textContent = "Looking…";
  try {
    const page = await api.get(`${similarUrl(index)}?page_size=${SHOWN}`);
    if (request !== asked) return;
    shown = page.results;
    draw();
  } catch (error) {
    if (request === asked) statusEl.textContent = `Could not look: ${error.message}`;
  }
}

function draw() {
  const mine = myTagsOnSelection();
  listEl.replaceChildren(...shown.map((row) => item(row, mine)));
  statusEl.textContent = shown.length
    ? mine.length || !data.user.can_annotate
      ? ""
      : "Tag this sentence to tag these the same way in one click."
    : "No other article makes this claim.";
}

function soon() {
  clearTimeout(timer);
  timer = setTimeout(show, WAIT_MS);
}

if (section) {
  docEl.addEventListener("selectionshown", soon);
  // The panel's list changes as annotations load, are made or are removed: so may the tags
  // the listed sentences can be given.
  new MutationObserver(() => shown.length && draw()).observe($("annotation-list"), { childList: true });
  soon();
}
