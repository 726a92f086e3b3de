// Finding in the article: a search over the sentences already on the page (ignoring case and
// accents) whose matches are selected one by one, and jumps to the next untagged sentence, the
// next tagged one, and (for editors and readers) the next one another reviewer tagged.
import { $ } from "./dom.js";
import { focusSentence, selectSentence } from "./sentences.js";
import { annotations, api, bySentence, data, docEl, highlights, sentences, ui } from "./state.js";
import { say } from "./status.js";

const box = $("find");
const input = $("find-input");
const count = $("find-count");
const opener = $("find-button");

const MARKS_PER_FRAME = 1000;

let folded = null; // each sentence's text as fold() leaves it, made once, on the first search
let matches = []; // the indexes of the sentences holding the query, in reading order
let marked = new Set(); // the sentences drawn as found
let marking = 0; // the frame that goes on marking, when a change is too big for one
let othersTagged = null; // a promise of the sentences other reviewers tagged, fetched once

export function fold(text) {
  // "Zürich", "ZURICH" and "zurich" all become "zurich" (and "ﬁ" becomes "fi").
  return text.toLowerCase().normalize("NFKD").replace(/\p{M}+/gu, "");
}

// ---------------------------------------------------------------- the find box

export function setUpFind() {
  input.addEventListener("input", search);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") findStep(event.shiftKey ? -1 : 1);
    else if (event.key === "Escape") closeFind();
    else return;
    event.preventDefault();
  });
  opener.addEventListener("click", openFind);
  $("find-next").addEventListener("click", () => findStep(1));
  $("find-previous").addEventListener("click", () => findStep(-1));
  $("find-close").addEventListener("click", closeFind);
  // "3 of 17" follows the selection, whichever way it moved.
  docEl.addEventListener("selectionshown", () => findIsOpen() && showCount());
}

export function findIsOpen() {
  return !box.hidden;
}

export function openFind() {
  box.hidden = false;
  opener.setAttribute("aria-expanded", "true");
  input.focus();
  input.select();
  search();
}

export function closeFind() {
  box.hidden = true;
  opener.setAttribute("aria-expanded", "false");
  mark(new Set());
  focusSentence(ui.cursor);
}

function search() {
  const query = fold(input.value);
  folded ??= sentences.map((sentence) => fold(sentence.text));
  matches = [];
  if (query.trim()) {
    for (let i = 0; i < folded.length; i++) if (folded[i].includes(query)) matches.push(i);
  }
  mark(new Set(matches));
  showCount();
}

function mark(found) {
  // Only the sentences that change are touched, nearest the selection first, a frame's worth
  // at a time: a letter that makes most of a long article match (or stop matching) restyles
  // thousands of sentences, and the keystroke must not wait for them all. `marked` is what
  // the page shows, so a keystroke arriving half-way picks up from there.
  cancelAnimationFrame(marking);
  const changes = [...marked].filter((i) => !found.has(i));
  for (const i of found) if (!marked.has(i)) changes.push(i);
  changes.sort((a, b) => Math.abs(a - ui.cursor) - Math.abs(b - ui.cursor));
  const apply = (from) => {
    const to = Math.min(changes.length, from + MARKS_PER_FRAME);
    for (let k = from; k < to; k++) {
      const index = changes[k];
      const on = found.has(index);
      sentences[index].el.classList.toggle("found", on);
      if (on) marked.add(index);
      else marked.delete(index);
    }
    if (to < changes.length) marking = requestAnimationFrame(() => apply(to));
  };
  apply(0);
}

function showCount() {
  const at = matches.indexOf(ui.cursor);
  if (!input.value.trim()) count.textContent = "";
  else if (!matches.length) count.textContent = "No match";
  else if (at >= 0) count.textContent = `${at + 1} of ${matches.length}`;
  else count.textContent = matches.length === 1 ? "1 match" : `${matches.length} matches`;
}

export function findStep(step) {
  // The match after (or before) the selection, going round at the end of the article.
  if (!matches.length) {
    return say(input.value.trim() ? "Nothing in the article matches that." : "Type what to find first.");
  }
  const after = step > 0 ? matches.find((i) => i > ui.cursor) : matches.findLast((i) => i < ui.cursor);
  go(after ?? matches.at(step > 0 ? 0 : -1), after === undefined, step);
}

function go(index, wentRound, step) {
  selectSentence(index, false, "center");
  if (wentRound) say(`Went round to the ${step > 0 ? "start" : "end"} of the article.`);
}

// ---------------------------------------------------------------- jumps

function jump(holds, step, what) {
  const total = sentences.length;
  for (let k = 1; k <= total; k++) {
    const index = (((ui.cursor + step * k) % total) + total) % total;
    if (holds(index)) return go(index, step > 0 ? index <= ui.cursor : index >= ui.cursor, step);
  }
  say(`No ${what} in the article.`);
}

export function jumpToUntagged(step) {
  jump((i) => !bySentence.has(i), step, "untagged sentence");
}

export function jumpToTagged(step) {
  jump((i) => bySentence.has(i), step, "tagged sentence");
}

export async function jumpToOtherReviewers(step) {
  if (!data.user.sees_all) return say("Only editors and readers see other reviewers' tags.");
  let tagged;
  try {
    tagged = await sentencesOthersTagged();
  } catch (error) {
    othersTagged = null;
    return say(`Could not load the other reviewers' tags: ${error.message}`, "error");
  }
  jump((i) => tagged.has(i), step, "sentence another reviewer tagged");
}

export function forgetOtherReviewers() {
  // Called when the view changes: the next jump asks the server again.
  othersTagged = null;
}

function sentencesOthersTagged() {
  const others = (ann) => !ann.deleted && !ann.final && ann.author !== data.user.username;
  // Showing everyone's annotations, the page holds them all already.
  if (ui.viewAuthor === "*") return Promise.resolve(sentencesOf([...annotations.values()].filter(others)));
  othersTagged ??= (async () => {
    say("Loading the other reviewers' tags…");
    const params = new URLSearchParams({ article: data.article.id, page_size: 500, ordering: "id" });
    const rows = await api.getAll(`${data.api.annotations}?${params}`);
    say("");
    return sentencesOf(rows.filter(others));
  })();
  return othersTagged;
}

function sentencesOf(list) {
  return new Set(list.flatMap((ann) => highlights.sentencesOf(ann)));
}
