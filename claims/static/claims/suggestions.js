// Suggested tags on the annotation page: drawn on their sentences, listed for the selection in
// the side panel, accepted (each becomes the reviewer's own annotation) or dismissed, one at a
// time or a whole tag at once, and undone through the API's reopen endpoints.
import { ApiError } from "./api.js";
import { $, element } from "./dom.js";
import { fillItem, panelInsert, panelInsertMany, panelRemove } from "./panel.js";
import { pushUndo } from "./saving.js";
import { draw, focusSentence, quoteOf, redrawSuggested, selection, undraw } from "./sentences.js";
import {
  FINAL,
  annotations,
  api,
  data,
  docEl,
  highlights,
  itemEls,
  remember,
  sentences,
  suggestedBySentence,
  tags,
  ui,
} from "./state.js";
import { say } from "./status.js";

const SHOWN_KEY = "claimscope.showSuggestions";
// Every suggestion the page was given, by id: the server's row, with `state` (open, accepted,
// dismissed) kept up to date and `busy` while a request about it is under way.
const byId = new Map();
let loaded = false;
let blind = false;
let listed = ""; // the ids the panel lists now: it is redrawn (and announced) only on a change
let tagToAccept = ""; // the tag the confirmation dialog is asking about

// ---------------------------------------------------------------- loading and drawing

export function fetchSuggestions() {
  // Asked for alongside the annotations, drawn after them: never a rejection left unhandled.
  return api.get(data.api.suggestions).then(
    (answer) => ({ answer }),
    (error) => ({ error }),
  );
}

export function drawSuggestions({ answer, error }) {
  if (error) {
    document.body.dataset.suggestions = "failed";
    return say(`Could not load the suggested tags: ${error.message}`, "error");
  }
  loaded = true;
  blind = answer.blind;
  for (const row of answer.results) byId.set(row.id, row);
  redrawSuggested(reindex(answer.results));
  showControls();
  document.body.dataset.suggestions = blind ? "blind" : "drawn";
  performance.mark("suggestions-drawn");
}

function reindex(rows) {
  // Recompute the open suggestions of the rows' sentences; returns those sentences' indexes.
  const touched = new Set(rows.map((s) => s.sentence));
  for (const i of touched) suggestedBySentence.delete(i);
  for (const s of byId.values()) {
    if (!touched.has(s.sentence) || s.state !== "open" || s.busy || blind) continue;
    if (!suggestedBySentence.has(s.sentence)) suggestedBySentence.set(s.sentence, []);
    suggestedBySentence.get(s.sentence).push(s);
  }
  for (const i of touched) suggestedBySentence.get(i)?.sort(byTagOrder);
  return touched;
}

function byTagOrder(a, b) {
  return (tags.get(a.tag)?.order ?? 99) - (tags.get(b.tag)?.order ?? 99) || a.id - b.id;
}

function redraw(rows) {
  redrawSuggested(reindex(rows));
  showControls();
}

function showControls() {
  const open = [...suggestedBySentence.values()].reduce((sum, list) => sum + list.length, 0);
  $("suggestion-count").textContent = blind ? "" : `(${open})`;
  $("suggestions-switch").hidden = blind;
  $("suggestions-blind").hidden = !blind;
  showForSelection();
}

function tagName(slug) {
  return tags.get(slug)?.name || slug;
}

// ---------------------------------------------------------------- the side panel

function openAtSelection() {
  const { start, end } = selection();
  const found = [];
  for (let i = highlights.sentenceAt(start); i < sentences.length && sentences[i].start < end; i++) {
    found.push(...(suggestedBySentence.get(i) || []));
  }
  return found;
}

function showForSelection() {
  if (!loaded) return;
  const box = $("suggestions-here");
  box.hidden = blind || !ui.showSuggestions || !sentences.length;
  const here = box.hidden ? [] : openAtSelection();
  $("suggestions-none").hidden = box.hidden || here.length > 0;
  const ids = here.map((s) => s.id).join(",");
  if (ids === listed) return;
  listed = ids;
  $("suggestion-list").replaceChildren(...here.map(suggestionItem));
}

function suggestionItem(suggestion) {
  const name = tagName(suggestion.tag);
  const li = element("li", { className: "suggestion-item" });
  li.dataset.suggestion = suggestion.id;
  li.style.setProperty("--tag-colour", highlights.colour(suggestion.tag));
  const head = element("p", { className: "suggestion-head" });
  head.append(
    element("span", { className: "suggestion-tag", textContent: `Suggested: ${name}` }),
    ` · score ${suggestion.score.toFixed(2)}`,
  );
  li.append(head, element("p", { className: "reason", textContent: suggestion.reason }));
  if (!data.user.can_annotate) return li;
  const actions = element("div", { className: "actions" });
  const open = countOpen(suggestion.tag);
  const all = button(`Accept all ${open}`, `Accept all ${open} suggested ${name}`);
  // The dialog it opens takes the focus, and gives it back to the sentence when it closes.
  all.addEventListener("click", () => confirmAcceptTag(suggestion.tag));
  actions.append(
    button("Accept", `Accept suggested ${name}`, () => suggestionAccept(suggestion)),
    button("Dismiss", `Dismiss suggested ${name}`, () => suggestionDismiss(suggestion)),
    all,
  );
  li.append(actions);
  return li;
}

function button(text, label, action = null) {
  const el = element("button", { type: "button", textContent: text, ariaLabel: label });
  if (action) {
    el.addEventListener("click", () => {
      action();
      focusSentence(ui.cursor); // the keys keep working where the reviewer is
    });
  }
  return el;
}

function countOpen(slug) {
  let count = 0;
  for (const s of byId.values()) if (s.tag === slug && s.state === "open" && !s.busy) count++;
  return count;
}

// ---------------------------------------------------------------- commands (input.js binds the keys)

function refusal() {
  if (blind) return "Suggestions are hidden for this review (blind pass).";
  if (!data.user.can_annotate) return "Your role can read annotations but not make them.";
  if (ui.viewAuthor === FINAL) return "The final tags are read-only. Show “Mine” to accept suggestions.";
  if (!ui.showSuggestions) return "Suggestions are hidden: tick “Show suggestions” to see them.";
  return "";
}

function firstAtSelection() {
  const refused = refusal();
  if (refused) {
    say(refused, "error");
    return null;
  }
  const found = openAtSelection()[0];
  if (!found) say("No open suggestion at the selection.");
  return found || null;
}

export function acceptAtSelection() {
  const suggestion = firstAtSelection();
  if (suggestion) suggestionAccept(suggestion);
}

export function dismissAtSelection() {
  const suggestion = firstAtSelection();
  if (suggestion) suggestionDismiss(suggestion);
}

export function acceptTagAtSelection() {
  const suggestion = firstAtSelection();
  if (suggestion) confirmAcceptTag(suggestion.tag);
}

function actionUrl(suggestion, action) {
  return data.api.suggestion.replace("{id}", suggestion.id).replace("{action}", action);
}

function answered(suggestion, error) {
  // Already answered (in another tab, say): it is no longer open here either.
  if (error instanceof ApiError && error.status === 409 && error.body?.code?.startsWith("already_")) {
    suggestion.state = error.body.code.slice("already_".length);
  }
  say(`Not saved: ${error.message}`, "error");
}

// ---------------------------------------------------------------- accept and dismiss one

async function suggestionAccept(suggestion) {
  suggestion.busy = true;
  redraw([suggestion]);
  const ann = remember(
    {
      id: null,
      tag: suggestion.tag,
      start: suggestion.start,
      end: suggestion.end,
      quote: quoteOf(suggestion.start, suggestion.end),
      note: "",
      author: data.user.username,
      from_suggestion: true,
    },
    "saving",
  );
  draw(ann);
  panelInsert(ann);
  const entry = { undo: () => undoOne(entry), suggestion, ann: null };
  pushUndo(entry);
  entry.done = (async () => {
    try {
      const answer = await api.post(actionUrl(suggestion, "accept"));
      suggestion.state = "accepted";
      entry.ann = adopt(ann, answer.annotation);
      say(`Accepted: ${tagName(suggestion.tag)}. Ctrl+Z undoes it.`);
      return true;
    } catch (error) {
      forget(ann);
      answered(suggestion, error);
      return false;
    } finally {
      suggestion.busy = false;
      redraw([suggestion]);
    }
  })();
  await entry.done;
}

function adopt(ann, row) {
  // The reviewer had tagged the sentence so already: the server linked that annotation.
  const existing = [...annotations.values()].find((other) => other !== ann && other.id === row.id);
  if (existing) {
    forget(ann);
    return null;
  }
  Object.assign(ann, row, { state: "saved", error: "" });
  undraw(ann);
  draw(ann);
  const li = itemEls.get(ann.key);
  if (li) fillItem(li, ann);
  return ann;
}

function forget(ann) {
  // Gone from the page as from the server (an undone accept, or one never saved).
  if (!annotations.has(ann.key)) return;
  ann.deleted = true;
  undraw(ann);
  panelRemove(ann);
  annotations.delete(ann.key);
}

async function suggestionDismiss(suggestion) {
  suggestion.busy = true;
  redraw([suggestion]);
  const entry = { undo: () => undoOne(entry), suggestion, ann: null };
  pushUndo(entry);
  entry.done = (async () => {
    try {
      Object.assign(suggestion, await api.post(actionUrl(suggestion, "dismiss")));
      say(`Dismissed: ${tagName(suggestion.tag)}. Ctrl+Z undoes it.`);
      return true;
    } catch (error) {
      answered(suggestion, error);
      return false;
    } finally {
      suggestion.busy = false;
      redraw([suggestion]);
    }
  })();
  await entry.done;
}

async function undoOne(entry) {
  const { suggestion } = entry;
  if (!(await entry.done)) return say("Nothing to undo: that answer was never saved.");
  suggestion.busy = true;
  try {
    Object.assign(suggestion, await api.post(actionUrl(suggestion, "reopen")));
  } catch (error) {
    return say(`Not undone: ${error.message}`, "error");
  } finally {
    suggestion.busy = false;
  }
  // The server deleted the annotation the accept made, whatever was changed on it since.
  if (entry.ann && !entry.ann.deleted) forget(entry.ann);
  redraw([suggestion]);
  say(`Undone: the suggested ${tagName(suggestion.tag)} is open again.`);
}

// ---------------------------------------------------------------- a whole tag at once

function confirmAcceptTag(slug) {
  const count = countOpen(slug);
  if (!count) return say(`No open ${tagName(slug)} suggestion left.`);
  tagToAccept = slug;
  const them = count === 1 ? "the 1 open suggestion" : `all ${count} open suggestions`;
  $("accept-all-message").textContent =
    `Accept ${them} of “${tagName(slug)}” in this article? Each becomes your annotation; Undo takes them all back.`;
  const dialog = $("accept-all");
  dialog.showModal();
}

// The answer is read when the button is pressed, not from the dialog's "close" event: that
// event is queued, and one left over from a cancelled dialog could run after the next opening.
function onConfirmSubmitted(event) {
  const slug = tagToAccept;
  tagToAccept = "";
  if (event.submitter?.value === "accept" && slug) suggestionsAcceptTag(slug);
}

function onConfirmClosed() {
  focusSentence(ui.cursor);
}

async function suggestionsAcceptTag(slug) {
  const pending = [...byId.values()].filter((s) => s.tag === slug && s.state === "open" && !s.busy);
  for (const s of pending) s.busy = true;
  redraw(pending);
  say(`Accepting the ${tagName(slug)} suggestions…`);
  let answer;
  try {
    answer = await api.post(data.api.suggestions_accept, { tag: slug });
  } catch (error) {
    return say(`Not saved: ${error.message}`, "error");
  } finally {
    for (const s of pending) s.busy = false;
  }
  const accepted = answer.accepted.map(({ suggestion }) => byId.get(suggestion)).filter(Boolean);
  for (const s of accepted) s.state = "accepted";
  redraw(pending);
  const made = answer.accepted.map(({ annotation }) => remember(annotation));
  for (const ann of made) draw(ann);
  panelInsertMany(made);
  const entry = { undo: () => undoTag(entry), slug, accepted, made };
  pushUndo(entry);
  say(`Accepted ${made.length} ${tagName(slug)} suggestion${made.length === 1 ? "" : "s"}. Ctrl+Z undoes it.`);
}

async function undoTag(entry) {
  if (!entry.accepted.length) return say("Nothing to undo: no suggestion was accepted.");
  try {
    await api.post(data.api.suggestions_reopen, { suggestions: entry.accepted.map((s) => s.id) });
  } catch (error) {
    return say(`Not undone: ${error.message}`, "error");
  }
  for (const s of entry.accepted) Object.assign(s, { state: "open", annotation: null });
  for (const ann of entry.made) if (!ann.deleted) forget(ann);
  redraw(entry.accepted);
  say(`Undone: ${entry.accepted.length} ${tagName(entry.slug)} suggestions are open again.`);
}

// ---------------------------------------------------------------- switches

function setShown(shown) {
  ui.showSuggestions = shown;
  localStorage.setItem(SHOWN_KEY, String(shown));
  // Every sentence that has or had one: the index keeps them while they are hidden.
  redrawSuggested(suggestedBySentence.keys());
  showControls();
}

async function setReviewersSee(checkbox) {
  checkbox.disabled = true;
  try {
    const article = await api.patch(data.api.article, { suggestions_blind: !checkbox.checked });
    checkbox.checked = !article.suggestions_blind;
    say(
      article.suggestions_blind
        ? "Reviewers no longer see suggested tags on this article (a blind pass)."
        : "Reviewers see suggested tags on this article.",
    );
  } catch (error) {
    checkbox.checked = !checkbox.checked;
    say(`Not changed: ${error.message}`, "error");
  } finally {
    checkbox.disabled = false;
  }
}

export function setUpSuggestions() {
  ui.showSuggestions = localStorage.getItem(SHOWN_KEY) !== "false";
  const toggle = $("suggestions-toggle");
  toggle.checked = ui.showSuggestions;
  toggle.addEventListener("change", () => setShown(toggle.checked));
  const reviewersSee = $("reviewers-see-suggestions");
  reviewersSee?.addEventListener("change", () => setReviewersSee(reviewersSee));
  $("accept-all").addEventListener("close", onConfirmClosed);
  $("accept-all").querySelector("form").addEventListener("submit", onConfirmSubmitted);
  docEl.addEventListener("selectionshown", showForSelection);
}
