// The annotation page's entry: loads the annotations in view (mine, someone's, the final ones) and the
// suggested tags, wires the controls.
import { $, element } from "./dom.js";
import { forgetOtherReviewers, setUpFind } from "./find.js";
import { markReadHere, onClick, onKey, onPointerUp, tagSelection } from "./input.js";
import { setUpLayout } from "./layout.js";
import { newItem, panelCounts, setPanelFilter } from "./panel.js";
import { showNextAssigned } from "./queue.js";
import { onReadChange, saveReading, sentencesRead, setUpReading, tracksReading } from "./read.js";
import { undo } from "./saving.js";
import { focusSentence, redrawSentences, selectSentence, showProgress, showSelection } from "./sentences.js";
import {
  FINAL,
  annotations,
  anyUnsaved,
  api,
  bySentence,
  data,
  docEl,
  highlights,
  indexOfElement,
  itemEls,
  listEl,
  remember,
  sentences,
  tags,
  ui,
} from "./state.js";
import { say } from "./status.js";
import { drawSuggestions, fetchSuggestions, setUpSuggestions } from "./suggestions.js";
import { loadReplyCounts } from "./threads.js";

// ---------------------------------------------------------------- loading and views

async function loadAnnotations() {
  say("Loading annotations…");
  const params = new URLSearchParams({ article: data.article.id, page_size: 500, ordering: "id" });
  if (ui.viewAuthor === FINAL) params.set("final", "true");
  else if (ui.viewAuthor === "") params.set("author", data.user.username);
  else if (ui.viewAuthor !== "*") params.set("author", ui.viewAuthor);
  let rows;
  try {
    rows = await api.getAll(`${data.api.annotations}?${params}`);
  } catch (error) {
    say(`Could not load the annotations: ${error.message} Reload the page to try again.`, "error");
    return;
  }
  showAll(rows);
  loadReplyCounts();
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

// ---------------------------------------------------------------- the reviewer's assignment, marked done

function onReviewButton() {
  const done = !data.assignment.done;
  if (done && anyUnsaved()) {
    return say("Some changes are not saved yet: retry or undo them before marking your review done.", "error");
  }
  const unread = sentences.length - sentencesRead();
  if (done && tracksReading() && unread > 0) {
    // Done with sentences unread is allowed, once the reviewer has said so.
    const them = unread === 1 ? "1 sentence is" : `${unread} sentences are`;
    $("unread-message").textContent =
      `${them} not marked read yet (of ${sentences.length}). Mark your review done anyway?`;
    return $("unread-warning").showModal();
  }
  return markReviewDone(done);
}

async function markReviewDone(done) {
  const button = $("review-button");
  button.disabled = true;
  try {
    await saveReading();
    const assignment = await api.patch(data.assignment.url, { done });
    data.assignment.done = assignment.done;
    showAssignment();
    const unread = assignment.sentences_unread;
    const left = unread ? ` (${unread} of ${sentences.length} sentences not read)` : "";
    say(assignment.done ? `Your review is marked done${left}.` : "Your review is open again.");
    showNextAssigned(assignment.done);
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
      focusSentence(ui.cursor);
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
    ui.viewAuthor = select.value;
    forgetOtherReviewers();
    loadAnnotations();
  });
}

function start() {
  setUpLayout();
  buildPalette();
  buildViewSelect();
  showProgress();
  document.addEventListener("keydown", onKey);
  docEl.addEventListener("mousedown", () => {
    ui.pointerSelected = false;
  });
  docEl.addEventListener("mouseup", onPointerUp);
  docEl.addEventListener("click", onClick);
  $("undo-button").addEventListener("click", undo);
  if (data.assignment) {
    $("review-button").addEventListener("click", onReviewButton);
    // The answer is read from the button pressed, as in the "accept a whole tag" box.
    $("unread-warning")
      .querySelector("form")
      .addEventListener("submit", (event) => {
        if (event.submitter?.value === "done") markReviewDone(true);
      });
    $("unread-warning").addEventListener("close", () => focusSentence(ui.cursor));
  }
  setUpReading();
  onReadChange(showProgress);
  $("read-button")?.addEventListener("click", () => {
    markReadHere();
    focusSentence(ui.cursor);
  });
  $("help-button").addEventListener("click", () => $("shortcuts").showModal());
  $("panel-filter").addEventListener("change", (event) => setPanelFilter(event.target.value));
  $("exact-toggle").addEventListener("change", () => {
    ui.exactRange = null;
    showSelection();
  });
  window.addEventListener("beforeunload", (event) => {
    if (anyUnsaved()) event.preventDefault();
  });
  setUpSuggestions();
  setUpFind();
  if (sentences.length) {
    selectSentence(linkedSentence() ?? 0, false);
  }
  // A link to a sentence ("Sentence 20" in a report or the history) selects it, so the next
  // key acts on the sentence the reviewer was sent to.
  window.addEventListener("hashchange", () => {
    const index = linkedSentence();
    if (index !== null) selectSentence(index, false);
  });
  load();
}

function linkedSentence() {
  const match = /^#s(\d+)$/.exec(window.location.hash);
  const index = match ? Number(match[1]) : -1;
  return index >= 0 && index < sentences.length ? index : null;
}

async function load() {
  const suggested = fetchSuggestions();
  await loadAnnotations();
  drawSuggestions(await suggested);
}

start();
