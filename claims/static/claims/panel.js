// The side panel: one item per annotation in document order, with its note, controls and save state.
import { $, element, shorten } from "./dom.js";
import { showHistoryButton, toggleHistory } from "./history.js";
import { annotationChange, annotationsDelete, retryOperation } from "./saving.js";
import { focusSentence, reveal } from "./sentences.js";
import { annotations, data, highlights, isMine, itemEls, listEl, tags, ui } from "./state.js";
import { say } from "./status.js";
import { mayReadThread, showThreadButton, threadButton } from "./threads.js";

export function newItem(ann) {
  const li = document.createElement("li");
  li.className = "item";
  li.dataset.key = ann.key;
  itemEls.set(ann.key, li);
  fillItem(li, ann);
  return li;
}

export function panelInsert(ann) {
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

export function panelInsertMany(list) {
  // Many at once (a whole tag's suggestions accepted): one sort, and the items already listed
  // stay where they are (a note being written keeps its focus).
  const fresh = new Set(list.map((ann) => newItem(ann)));
  const ordered = [...itemEls.keys()].map((key) => annotations.get(key)).sort(highlights.order);
  let next = null;
  for (let k = ordered.length - 1; k >= 0; k--) {
    const li = itemEls.get(ordered[k].key);
    if (fresh.has(li)) listEl.insertBefore(li, next);
    next = li;
  }
  panelCounts();
}

export function panelRemove(ann) {
  itemEls.get(ann.key)?.remove();
  itemEls.delete(ann.key);
  panelCounts();
}

export function panelCounts() {
  $("panel-empty").hidden = itemEls.size > 0;
}

export function setPanelFilter(slug) {
  ui.panelFilter = slug;
  $("panel-filter").value = slug;
  for (const [key, li] of itemEls) li.hidden = Boolean(slug) && annotations.get(key).tag !== slug;
}

export function fillItem(li, ann) {
  // A note being written and an open history survive the redraw (a save answering while the
  // reviewer types).
  const editing = li.querySelector(".note-form");
  const history = li.querySelector(".history");
  const thread = li.querySelector(".thread");
  const typing = Boolean(editing?.contains(document.activeElement));
  const inThread = thread?.contains(document.activeElement) ? document.activeElement : null;
  const own = isMine(ann);
  li.hidden = Boolean(ui.panelFilter) && ann.tag !== ui.panelFilter;
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
  if (thread) parts.push(thread);
  li.replaceChildren(...parts);
  showHistoryButton(li);
  showThreadButton(li);
  inThread?.focus();
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
  if (mayReadThread(ann)) actions.append(threadButton(ann));
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

export function noteEdit(ann) {
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
    focusSentence(ui.cursor);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (area.value !== ann.note) annotationChange(ann, { note: area.value });
    done();
  });
  cancel.addEventListener("click", done);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    if (event.key !== "Escape") return;
    // A note being typed is not thrown away by one stray Escape: the first one warns.
    if (area.value === ann.note || area.dataset.warned === area.value) return done();
    area.dataset.warned = area.value;
    say("The note is not saved: Ctrl+Enter saves it, Escape again discards it.");
  });
  li.querySelector(".note")?.replaceWith(form);
  li.scrollIntoView({ block: "nearest" });
  area.focus();
}
