// The annotation page: select sentences, tag them, write notes; every change goes through the
// REST API at once, is drawn before the server answers, and stays visibly pending until saved.
// Also: the final (adjudicated) tags, read-only; a reviewer marking their assigned review done;
// and, for editors, each annotation's history.
import { Api, ApiError } from "./api.js";
import { Highlights } from "./highlights.js";
import { codePointLength } from "./offsets.js";

const data = JSON.parse(document.getElementById("article-data").textContent);
const api = new Api(data.csrf_token);
const tags = new Map(data.tags.map((tag, order) => [tag.slug, { ...tag, order }]));
const tagByKey = new Map(data.tags.filter((t) => t.shortcut).map((t) => [t.shortcut, t.slug]));

const $ = (id) => document.getElementById(id);
const docEl = $("document");
const listEl = $("annotation-list");
const sentenceEls = Array.from(docEl.querySelectorAll(".s"));
const sentences = sentenceEls.map((el, index) => ({
  el,
  index,
  start: Number(el.dataset.start),
  end: Number(el.dataset.end),
  text: el.textContent,
}));

const indexOfElement = new Map(sentenceEls.map((el, index) => [el, index]));
const highlights = new Highlights({ sentences, tags, username: data.user.username });

// Annotations by a local key; `id` is the server's once it has answered.
const annotations = new Map();
const bySentence = new Map(); // sentence index -> Set of keys drawn on it
const itemEls = new Map(); // key -> <li> in the side panel
const undoStack = [];
let nextKey = 1;
let cursor = 0;
let anchor = 0;
let exactRange = null; // {start, end} in code points when the exact-selection option is on
let pointerSelected = false; // a drag just selected text: the click ending it must not reset it
const FINAL = ":final"; // the view of the final tags (no username holds a colon)
let viewAuthor = ""; // "" mine, "*" everyone, FINAL, or a username
let panelFilter = "";

// ---------------------------------------------------------------- sentences and spans

function selection() {
  if (exactRange) return exactRange;
  const [from, to] = anchor <= cursor ? [anchor, cursor] : [cursor, anchor];
  return { start: sentences[from].start, end: sentences[to].end };
}

// ---------------------------------------------------------------- drawing

function draw(ann) {
  for (const i of highlights.sentencesOf(ann)) {
    if (!bySentence.has(i)) bySentence.set(i, new Set());
    bySentence.get(i).add(ann.key);
  }
  redrawSentences(highlights.sentencesOf(ann));
}

function undraw(ann) {
  const indexes = highlights.sentencesOf(ann);
  for (const i of indexes) {
    const keys = bySentence.get(i);
    if (keys) {
      keys.delete(ann.key);
      if (!keys.size) bySentence.delete(i);
    }
  }
  redrawSentences(indexes);
}

function redrawSentences(indexes) {
  for (const i of indexes) {
    const keys = bySentence.get(i) || [];
    highlights.drawSentence(sentences[i], [...keys].map((key) => annotations.get(key)));
  }
  showProgress();
}

function showSelection() {
  for (const el of docEl.querySelectorAll(".selected")) el.classList.remove("selected");
  const { start, end } = selection();
  for (let i = highlights.sentenceAt(start); i < sentences.length && sentences[i].start < end; i++) {
    sentences[i].el.classList.add("selected");
  }
}

function showProgress() {
  $("progress").textContent = `${bySentence.size} / ${sentences.length} sentences tagged`;
}

function say(message, kind = "info") {
  const line = $("status");
  line.textContent = message;
  line.dataset.kind = kind;
}

// ---------------------------------------------------------------- the side panel

function newItem(ann) {
  const li = document.createElement("li");
  li.className = "item";
  li.dataset.key = ann.key;
  itemEls.set(ann.key, li);
  fillItem(li, ann);
  return li;
}

function panelInsert(ann) {
  // Before the first item that comes after it in document order: one pass, no sort.
  let next = null;
  for (const [key, el] of itemEls) {
    const other = annotations.get(key);
    if (highlights.order(other, ann) > 0 && (!next || highlights.order(other, next.ann) < 0)) {
      next = { ann: other, el };
    }
  }
  listEl.insertBefore(newItem(ann), next ? next.el : null);
  panelCounts();
}

function panelRemove(ann) {
  itemEls.get(ann.key)?.remove();
  itemEls.delete(ann.key);
  panelCounts();
}

function panelCounts() {
  $("panel-empty").hidden = itemEls.size > 0;
}

function isMine(ann) {
  // Final tags are the adjudication's, even those the signed-in editor accepted.
  return !ann.final && ann.author === data.user.username;
}

function fillItem(li, ann) {
  // A note being written and an open history survive the redraw (a save answering while the
  // reviewer types).
  const editing = li.querySelector(".note-form");
  const history = li.querySelector(".history");
  const typing = Boolean(editing?.contains(document.activeElement));
  const own = isMine(ann);
  li.hidden = Boolean(panelFilter) && ann.tag !== panelFilter;
  li.classList.toggle("failed", ann.state === "failed");
  const go = element("button", { className: "goto", type: "button" });
  go.append(highlights.chip(ann), element("q", { textContent: shorten(ann.quote, 140) }));
  go.addEventListener("click", () => reveal(ann));
  const parts = [go];
  if (ann.final) parts.push(element("p", { className: "author", textContent: `Final, accepted by ${ann.author}` }));
  else if (!own) parts.push(element("p", { className: "author", textContent: `by ${ann.author}` }));
  parts.push(noteView(ann, own));
  const actions = itemActions(ann, own);
  if (actions.childElementCount) parts.push(actions);
  if (ann.state !== "saved") parts.push(stateLine(ann));
  if (history) parts.push(history);
  li.replaceChildren(...parts);
  showHistoryButton(li);
  if (editing) {
    li.querySelector(".note")?.replaceWith(editing);
    if (typing) editing.querySelector("textarea").focus();
  }
}

function noteView(ann, own) {
  const note = element("p", { className: "note", textContent: ann.note || (own ? "" : "No note.") });
  note.hidden = !ann.note && own;
  return note;
}

function itemActions(ann, own) {
  const actions = element("div", { className: "actions" });
  if (own) actions.append(...editControls(ann));
  if (data.user.can_see_history && ann.id !== null) {
    const button = element("button", { type: "button", className: "history-button" });
    button.addEventListener("click", () => toggleHistory(ann));
    actions.append(button);
  }
  return actions;
}

function editControls(ann) {
  const tag = tags.get(ann.tag);
  const select = element("select", { ariaLabel: "Tag" });
  for (const t of tags.values()) {
    select.append(element("option", { value: t.slug, textContent: t.name, selected: t.slug === ann.tag }));
  }
  if (!tag) select.append(element("option", { value: ann.tag, textContent: ann.tag, selected: true }));
  select.addEventListener("change", () => annotationChange(ann, { tag: select.value }));
  const noteButton = element("button", { type: "button", textContent: ann.note ? "Edit note" : "Add note" });
  noteButton.addEventListener("click", () => noteEdit(ann));
  const remove = element("button", { type: "button", className: "danger", textContent: "Delete" });
  remove.addEventListener("click", () => annotationsDelete([ann]));
  return [select, noteButton, remove];
}

function stateLine(ann) {
  const line = element("p", { className: `state state-${ann.state}` });
  if (ann.state === "saving") line.textContent = "Saving…";
  if (ann.state === "failed") {
    line.textContent = `Not saved: ${ann.error} `;
    const retry = element("button", { type: "button", textContent: "Retry" });
    retry.addEventListener("click", () => retryOperation(ann));
    line.append(retry);
  }
  return line;
}

function noteEdit(ann) {
  const li = itemEls.get(ann.key);
  if (!li || !isMine(ann)) return;
  const form = element("form", { className: "note-form" });
  const area = element("textarea", { value: ann.note, rows: 3, ariaLabel: "Note" });
  area.maxLength = 10000;
  const save = element("button", { type: "submit", textContent: "Save note" });
  const cancel = element("button", { type: "button", textContent: "Cancel" });
  form.append(area, save, cancel);
  const done = () => {
    form.remove();
    fillItem(li, ann);
    focusSentence(cursor);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (area.value !== ann.note) annotationChange(ann, { note: area.value });
    done();
  });
  cancel.addEventListener("click", done);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    if (event.key === "Escape") done();
  });
  li.querySelector(".note")?.replaceWith(form);
  li.scrollIntoView({ block: "nearest" });
  area.focus();
}

function reveal(ann) {
  const index = highlights.sentenceAt(ann.start);
  anchor = index;
  cursor = highlights.sentenceAt(ann.end - 1);
  exactRange = ann.start === sentences[index].start && ann.end === sentences[cursor].end ? null : { start: ann.start, end: ann.end };
  showSelection();
  focusSentence(index, "center");
}

// ---------------------------------------------------------------- saving

function remember(serverRow, state = "saved") {
  const ann = { key: nextKey++, ...serverRow, state, error: "" };
  annotations.set(ann.key, ann);
  return ann;
}

function refresh(ann) {
  undraw(ann);
  draw(ann);
  const li = itemEls.get(ann.key);
  if (li) fillItem(li, ann);
}

async function annotationCreate({ tag, start, end, note = "" }, { undoable = true } = {}) {
  const quote = quoteOf(start, end);
  const ann = remember(
    { id: null, tag, start, end, quote, note, author: data.user.username },
    "saving",
  );
  ann.operation = "create";
  draw(ann);
  panelInsert(ann);
  if (undoable) pushUndo({ kind: "create", ann });
  await send(ann);
  return ann;
}

async function annotationChange(ann, changes, { undoable = true } = {}) {
  const before = { tag: ann.tag, note: ann.note };
  Object.assign(ann, changes);
  ann.pendingChanges = { ...(ann.pendingChanges || {}), ...changes };
  if (!ann.operation) ann.operation = "update";
  ann.state = "saving";
  refresh(ann);
  if (undoable) pushUndo({ kind: "change", ann, before });
  await send(ann);
}

async function annotationsDelete(list, { undoable = true } = {}) {
  const own = list.filter((ann) => isMine(ann) && !ann.deleted);
  if (!own.length) return;
  for (const ann of own) {
    ann.deleted = true;
    if (ann.operation !== "create" || ann.state === "failed") ann.operation = "delete";
    undraw(ann);
    panelRemove(ann);
  }
  if (undoable) pushUndo({ kind: "delete", anns: own });
  say(`Deleted ${own.length === 1 ? "an annotation" : `${own.length} annotations`}. Ctrl+Z undoes it.`);
  await Promise.all(own.map(send));
}

function send(ann) {
  // One request at a time per annotation; changes made meanwhile are sent when it answers.
  if (!ann.sending) {
    ann.sending = sendAll(ann).finally(() => {
      ann.sending = null;
    });
  }
  return ann.sending;
}

async function sendAll(ann) {
  let failed = null;
  try {
    while (ann.operation) {
      failed = ann.operation;
      await sendStep(ann);
      ann.operation = ann.deleted && ann.id !== null ? "delete" : ann.pendingChanges ? "update" : null;
      if (ann.deleted && !annotations.has(ann.key)) ann.operation = null;
    }
    ann.state = "saved";
    ann.error = "";
    if (!ann.deleted) {
      refresh(ann);
      say(`Saved: ${tags.get(ann.tag)?.name || ann.tag}.`);
    }
  } catch (error) {
    ann.state = "failed";
    ann.operation = failed;
    ann.error = error instanceof ApiError ? error.message : "the server could not be reached.";
    if (failed === "create" && ann.deleted) {
      annotations.delete(ann.key); // never saved, and no longer wanted
      return;
    }
    say(`Not saved: ${ann.error} It stays marked until you retry.`, "error");
    if (ann.deleted) {
      // A delete that failed puts the annotation back, marked, so it is not lost from view.
      ann.deleted = false;
      draw(ann);
      panelInsert(ann);
    } else {
      refresh(ann);
    }
  }
}

async function sendStep(ann) {
  if (ann.operation === "create") {
    if (ann.deleted) {
      annotations.delete(ann.key); // deleted before it was ever saved
      return;
    }
    const row = await createOnServer(ann);
    ann.id = row.id;
    keepServerFields(ann, row);
  } else if (ann.operation === "update") {
    const changes = ann.pendingChanges;
    ann.pendingChanges = null;
    try {
      keepServerFields(ann, await api.patch(`${data.api.annotations}${ann.id}/`, changes));
    } catch (error) {
      ann.pendingChanges = { ...changes, ...(ann.pendingChanges || {}) };
      throw error;
    }
  } else if (ann.operation === "delete") {
    if (ann.id !== null) await api.delete(`${data.api.annotations}${ann.id}/`);
    annotations.delete(ann.key);
  }
}

function keepServerFields(ann, row) {
  // The server's quote and times win; a tag or note changed while the request ran stays.
  Object.assign(ann, row, ann.pendingChanges || {});
}

async function createOnServer(ann) {
  const body = { article: data.article.id, tag: ann.tag, start: ann.start, end: ann.end };
  if (ann.note) body.note = ann.note;
  try {
    return await api.post(data.api.annotations, body);
  } catch (error) {
    // Saved already (a retry after a lost answer): adopt the stored one.
    if (error instanceof ApiError && error.status === 409 && error.body?.annotation) {
      return api.get(`${data.api.annotations}${error.body.annotation}/`);
    }
    throw error;
  }
}

function retryOperation(ann) {
  ann.state = "saving";
  if (ann.operation === "delete") {
    ann.deleted = true;
    undraw(ann);
    panelRemove(ann);
  } else {
    refresh(ann);
  }
  send(ann);
}

function quoteOf(start, end) {
  // The quote is only shown until the server answers with its own.
  const first = highlights.sentenceAt(start);
  let text = "";
  for (let i = first; i < sentences.length && sentences[i].start < end; i++) {
    const s = sentences[i];
    text += `${text ? " " : ""}${s.text.slice(highlights.toUnit(s, Math.max(start, s.start)), highlights.toUnit(s, Math.min(end, s.end)))}`;
  }
  return text;
}

// ---------------------------------------------------------------- undo

function pushUndo(entry) {
  undoStack.push(entry);
  if (undoStack.length > 200) undoStack.shift();
  $("undo-button").disabled = false;
}

async function undo() {
  const entry = undoStack.pop();
  $("undo-button").disabled = undoStack.length === 0;
  if (!entry) return say("Nothing to undo.");
  if (entry.kind === "create") {
    await annotationsDelete([entry.ann], { undoable: false });
    say("Undone: the tag is removed.");
  } else if (entry.kind === "delete") {
    await Promise.all(entry.anns.map((ann) => ann.sending));
    for (const ann of entry.anns) {
      if (!ann.deleted) {
        // Its delete failed, so it is still stored: only the failure mark goes.
        Object.assign(ann, { operation: null, state: "saved", error: "" });
        refresh(ann);
        continue;
      }
      await annotationCreate(
        { tag: ann.tag, start: ann.start, end: ann.end, note: ann.note },
        { undoable: false },
      );
    }
    say("Undone: restored.");
  } else if (entry.kind === "change" && !entry.ann.deleted) {
    await annotationChange(entry.ann, entry.before, { undoable: false });
    say("Undone: the change is reverted.");
  }
}

// ---------------------------------------------------------------- commands

function mineAt(range) {
  return [...annotations.values()].filter(
    (ann) => !ann.deleted && isMine(ann) && ann.start < range.end && ann.end > range.start,
  );
}

function finalViewRefuses() {
  if (viewAuthor !== FINAL) return false;
  say("The final tags are read-only. Show “Mine” to tag.", "error");
  return true;
}

function tagSelection(slug) {
  if (!data.user.can_annotate) return say("Your role can read annotations but not make them.", "error");
  if (finalViewRefuses()) return;
  if (!sentences.length) return;
  const range = selection();
  const same = mineAt(range).filter((a) => a.tag === slug && a.start === range.start && a.end === range.end);
  if (same.length) return annotationsDelete(same);
  return annotationCreate({ tag: slug, ...range });
}

function noteAtSelection() {
  if (finalViewRefuses()) return;
  const here = mineAt(selection()).sort((a, b) => b.key - a.key)[0];
  if (!here) return say("Tag the selection first; the note belongs to a tag.");
  if (panelFilter && here.tag !== panelFilter) setPanelFilter("");
  noteEdit(here);
}

function moveCursor(step, extend) {
  if (!sentences.length) return;
  const target = Math.min(sentences.length - 1, Math.max(0, cursor + step));
  exactRange = null;
  cursor = target;
  if (!extend) anchor = target;
  showSelection();
  focusSentence(cursor);
}

function focusSentence(index, block = "nearest") {
  const previous = docEl.querySelector('.s[tabindex="0"]');
  if (previous) previous.tabIndex = -1;
  const el = sentences[index]?.el;
  if (!el) return;
  el.tabIndex = 0;
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block });
}

function selectSentence(index, extend) {
  exactRange = null;
  cursor = index;
  if (!extend) anchor = index;
  showSelection();
  focusSentence(index);
}

function onKey(event) {
  const target = event.target;
  if (target.closest("input, textarea, select, dialog") || target.isContentEditable) return;
  const key = event.key;
  if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "z") {
    event.preventDefault();
    undo();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const handled = handleKey(key, event.shiftKey);
  if (handled) event.preventDefault();
}

function handleKey(key, shift) {
  if (key === "j" || key === "ArrowDown" || (shift && key === "ArrowRight")) moveCursor(1, shift);
  else if (key === "k" || key === "ArrowUp" || (shift && key === "ArrowLeft")) moveCursor(-1, shift);
  else if (key === "J") moveCursor(1, true);
  else if (key === "K") moveCursor(-1, true);
  else if (tagByKey.has(key)) tagSelection(tagByKey.get(key));
  else if (key === "n") noteAtSelection();
  else if (key === "Delete" || key === "Backspace") finalViewRefuses() || annotationsDelete(mineAt(selection()));
  else if (key === "?") $("shortcuts").showModal();
  else if (key === "Escape") selectSentence(cursor, false);
  else return false;
  return true;
}

function onPointerUp(event) {
  const picked = window.getSelection();
  if (!picked || picked.isCollapsed || !docEl.contains(picked.anchorNode)) return;
  const range = picked.getRangeAt(0);
  const covered = sentences.filter((s) => range.intersectsNode(s.el) && range.toString().trim());
  if (!covered.length) return;
  pointerSelected = true;
  const first = covered[0].index;
  const last = covered[covered.length - 1].index;
  if ($("exact-toggle").checked) {
    const exact = exactOffsets(range, sentences[first], sentences[last]);
    if (exact) {
      exactRange = exact;
      anchor = first;
      cursor = last;
      showSelection();
      picked.removeAllRanges();
      focusSentence(cursor);
      return;
    }
  }
  anchor = event.shiftKey ? anchor : first;
  selectSentence(last, true);
  picked.removeAllRanges();
}

function exactOffsets(range, first, last) {
  // Offsets are code points into the article text; the DOM counts UTF-16 units.
  let start = pointOffset(range.startContainer, range.startOffset, first, "start");
  let end = pointOffset(range.endContainer, range.endOffset, last, "end");
  const text = quoteOf(start, end);
  const lead = text.length - text.trimStart().length;
  const trail = text.length - text.trimEnd().length;
  start += codePointLength(text.slice(0, lead));
  end -= codePointLength(text.slice(text.length - trail));
  return end > start ? { start, end } : null;
}

function pointOffset(node, offset, fallback, side) {
  const host = (node.nodeType === Node.TEXT_NODE ? node.parentElement : node)?.closest(".s");
  if (!host || host.closest("#document") !== docEl || node.nodeType !== Node.TEXT_NODE) {
    return side === "start" ? fallback.start : fallback.end;
  }
  const sentence = sentences[indexOfElement.get(host)];
  let units = 0;
  const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text && text !== node; text = walker.nextNode()) {
    units += text.length;
  }
  return sentence.start + codePointLength(sentence.text.slice(0, units + offset));
}

function onClick(event) {
  if (pointerSelected) {
    // The click that ends a drag: the selection taken on mouseup (then cleared) stands.
    pointerSelected = false;
    return;
  }
  const chip = event.target.closest(".chip");
  if (chip && docEl.contains(chip)) {
    const li = itemEls.get(Number(chip.dataset.key));
    if (li) {
      li.scrollIntoView({ block: "nearest" });
      li.querySelector("button")?.focus();
    }
  }
  const el = event.target.closest(".s");
  if (!el || !window.getSelection().isCollapsed) return;
  selectSentence(indexOfElement.get(el), event.shiftKey);
}

// ---------------------------------------------------------------- loading and views

async function loadAnnotations() {
  say("Loading annotations…");
  const params = new URLSearchParams({ article: data.article.id, page_size: 500, ordering: "id" });
  if (viewAuthor === FINAL) params.set("final", "true");
  else if (viewAuthor === "") params.set("author", data.user.username);
  else if (viewAuthor !== "*") params.set("author", viewAuthor);
  let url = `${data.api.annotations}?${params}`;
  const rows = [];
  try {
    while (url) {
      const page = await api.get(url);
      rows.push(...page.results);
      url = page.next;
    }
  } catch (error) {
    say(`Could not load the annotations: ${error.message} Reload the page to try again.`, "error");
    return;
  }
  showAll(rows);
  say(rows.length ? `${rows.length} annotations.` : "No annotations yet.");
  document.body.dataset.ready = "true";
  performance.mark("annotations-drawn");
}

function showAll(rows) {
  // Keep anything not yet saved; replace the rest.
  const unsaved = [...annotations.values()].filter((a) => a.state !== "saved");
  annotations.clear();
  bySentence.clear();
  itemEls.clear();
  for (const ann of unsaved) annotations.set(ann.key, ann);
  for (const row of rows) remember(row);
  const ordered = [...annotations.values()].filter((ann) => !ann.deleted).sort(highlights.order);
  const touched = new Set();
  for (const ann of ordered) {
    for (const i of highlights.sentencesOf(ann)) {
      if (!bySentence.has(i)) bySentence.set(i, new Set());
      bySentence.get(i).add(ann.key);
      touched.add(i);
    }
  }
  for (const el of docEl.querySelectorAll(".s.tagged, .s:has(.chip)")) touched.add(indexOfElement.get(el));
  redrawSentences(touched);
  const fragment = document.createDocumentFragment();
  for (const ann of ordered) fragment.append(newItem(ann));
  listEl.replaceChildren(fragment);
  panelCounts();
}

function setPanelFilter(slug) {
  panelFilter = slug;
  $("panel-filter").value = slug;
  for (const [key, li] of itemEls) li.hidden = Boolean(slug) && annotations.get(key).tag !== slug;
}

// ---------------------------------------------------------------- the reviewer's assignment

async function toggleReviewDone() {
  const done = !data.assignment.done;
  if (done && [...annotations.values()].some((a) => a.state !== "saved")) {
    return say("Some changes are not saved yet: retry or undo them before marking your review done.", "error");
  }
  const button = $("review-button");
  button.disabled = true;
  try {
    const assignment = await api.patch(data.assignment.url, { done });
    data.assignment.done = assignment.done;
    showAssignment();
    say(assignment.done ? "Your review is marked done." : "Your review is open again.");
  } catch (error) {
    say(`Your review was not marked: ${error.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

function showAssignment() {
  const { done } = data.assignment;
  $("review-button").textContent = done ? "Reopen my review" : "Mark my review done";
  const state = $("assignment-state");
  state.textContent = done ? "Your review is done" : "Assigned to you";
  state.classList.toggle("done", done);
}

// ---------------------------------------------------------------- history (editors)

async function toggleHistory(ann) {
  const open = itemEls.get(ann.key)?.querySelector(".history");
  if (open) {
    open.remove();
  } else {
    let events;
    try {
      events = await api.get(`${data.api.annotations}${ann.id}/history/`);
    } catch (error) {
      return say(`Could not load the history: ${error.message}`, "error");
    }
    // The item may be gone (deleted, or the view switched) or opened by a second click.
    const li = itemEls.get(ann.key);
    if (!li || li.querySelector(".history")) return;
    li.append(historyList(events));
  }
  showHistoryButton(itemEls.get(ann.key));
}

function showHistoryButton(li) {
  const button = li?.querySelector(".history-button");
  if (!button) return;
  const open = Boolean(li.querySelector(".history"));
  button.textContent = open ? "Hide history" : "History";
  button.setAttribute("aria-expanded", String(open));
}

function historyList(events) {
  // Notes and quotes are reviewers' text: everything goes in as text, never as markup.
  const list = element("ol", { className: "history", ariaLabel: "History" });
  for (const event of events) {
    const when = element("time", { dateTime: event.at, textContent: new Date(event.at).toLocaleString() });
    const item = element("li");
    item.append(element("strong", { textContent: event.kind_label }), ` by ${event.actor}, `, when);
    for (const line of eventDetails(event)) item.append(element("p", { className: "change", textContent: line }));
    list.append(item);
  }
  return list;
}

function eventDetails({ kind, data: about = {} }) {
  if (kind === "changed") {
    const before = about.before || {};
    const after = about.after || {};
    return Object.keys(before).map((field) => changeLine(field, before[field], after[field]));
  }
  if (kind === "created" || kind === "deleted") {
    const lines = [`${tagName(about.tag)}: “${shorten(about.quote || "", 140)}”`];
    if (about.note) lines.push(`note: ${quoted(about.note)}`);
    return lines;
  }
  if (kind === "accepted" || kind === "rejected") {
    return [`${tagName(about.tag)} on sentence ${about.sentence + 1}`];
  }
  return about.reviewer ? [`reviewer: ${about.reviewer}`] : [];
}

function changeLine(field, before, after) {
  if (field === "tag") return `tag: ${tagName(before)} → ${tagName(after)}`;
  if (field === "note") return `note changed: ${quoted(before)} → ${quoted(after)}`;
  return `${field}: ${before} → ${after}`;
}

function tagName(slug) {
  return tags.get(slug)?.name || slug;
}

function quoted(text) {
  return text ? `“${shorten(text, 80)}”` : "(none)";
}

// ---------------------------------------------------------------- set-up

function buildPalette() {
  const palette = $("palette");
  const filter = $("panel-filter");
  for (const tag of tags.values()) {
    const button = element("button", { type: "button", className: "tag-button" });
    button.dataset.tag = tag.slug;
    button.style.setProperty("--tag-colour", tag.colour);
    const definition = element("span", { className: "definition", role: "tooltip", id: `def-${tag.slug}`, textContent: tag.definition });
    button.setAttribute("aria-describedby", definition.id);
    button.append(
      element("span", { className: "swatch", ariaHidden: "true" }),
      tag.shortcut ? element("kbd", { textContent: tag.shortcut }) : "",
      ` ${tag.name}`,
      definition,
    );
    button.addEventListener("click", () => {
      tagSelection(tag.slug);
      focusSentence(cursor);
    });
    palette.append(button);
    filter.append(element("option", { value: tag.slug, textContent: tag.name }));
  }
  if (!data.user.can_annotate) palette.classList.add("read-only");
}

function buildViewSelect() {
  const select = $("view-select");
  if (!select) return;
  for (const name of data.reviewers.filter((n) => n !== data.user.username)) {
    select.append(element("option", { value: name, textContent: name }));
  }
  select.addEventListener("change", () => {
    viewAuthor = select.value;
    loadAnnotations();
  });
}

function element(tag, props = {}) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "ariaLabel") el.setAttribute("aria-label", value);
    else if (name === "ariaHidden") el.setAttribute("aria-hidden", value);
    else el[name] = value;
  }
  return el;
}

function shorten(text, limit) {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function start() {
  buildPalette();
  buildViewSelect();
  showProgress();
  document.addEventListener("keydown", onKey);
  docEl.addEventListener("mousedown", () => {
    pointerSelected = false;
  });
  docEl.addEventListener("mouseup", onPointerUp);
  docEl.addEventListener("click", onClick);
  $("undo-button").addEventListener("click", undo);
  if (data.assignment) $("review-button").addEventListener("click", toggleReviewDone);
  $("help-button").addEventListener("click", () => $("shortcuts").showModal());
  $("panel-filter").addEventListener("change", (event) => setPanelFilter(event.target.value));
  $("exact-toggle").addEventListener("change", () => {
    exactRange = null;
    showSelection();
  });
  window.addEventListener("beforeunload", (event) => {
    if ([...annotations.values()].some((a) => a.state !== "saved")) event.preventDefault();
  });
  if (sentences.length) {
    selectSentence(0, false);
  }
  loadAnnotations();
}

start();
