// The article's sentences: the tags drawn on them, the selection and the roving focus.
import { $ } from "./dom.js";
import { sentencesRead, tracksReading } from "./read.js";
import { annotations, bySentence, docEl, highlights, sentences, suggestedBySentence, ui } from "./state.js";

export function selection() {
  if (ui.exactRange) return ui.exactRange;
  const [from, to] = ui.anchor <= ui.cursor ? [ui.anchor, ui.cursor] : [ui.cursor, ui.anchor];
  return { start: sentences[from].start, end: sentences[to].end };
}

export function draw(ann) {
  for (const i of highlights.sentencesOf(ann)) {
    if (!bySentence.has(i)) bySentence.set(i, new Set());
    bySentence.get(i).add(ann.key);
  }
  redrawSentences(highlights.sentencesOf(ann));
}

export function undraw(ann) {
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

export function redrawSentences(indexes) {
  for (const i of indexes) {
    const keys = bySentence.get(i) || [];
    const suggested = (ui.showSuggestions && suggestedBySentence.get(i)) || [];
    highlights.drawSentence(sentences[i], [...keys].map((key) => annotations.get(key)), suggested);
  }
  showProgress();
}

export function redrawSuggested(indexes) {
  // Quicker than redrawSentences where only suggested tags changed (a thousand on loading).
  for (const i of indexes) {
    highlights.drawSuggested(sentences[i], (ui.showSuggestions && suggestedBySentence.get(i)) || []);
  }
}

export function showSelection() {
  for (const el of docEl.querySelectorAll(".selected")) el.classList.remove("selected");
  const { start, end } = selection();
  for (let i = highlights.sentenceAt(start); i < sentences.length && sentences[i].start < end; i++) {
    sentences[i].el.classList.add("selected");
  }
  // The side panel's suggestions follow the selection (suggestions.js listens).
  docEl.dispatchEvent(new CustomEvent("selectionshown"));
}

export function showProgress() {
  const read = tracksReading() ? ` / ${sentencesRead()} read` : "";
  $("progress").textContent = `${bySentence.size} tagged${read} / ${sentences.length} sentences`;
}

export function quoteOf(start, end) {
  // The quote is only shown until the server answers with its own.
  const first = highlights.sentenceAt(start);
  let text = "";
  for (let i = first; i < sentences.length && sentences[i].start < end; i++) {
    const s = sentences[i];
    text += `${text ? " " : ""}${s.text.slice(highlights.toUnit(s, Math.max(start, s.start)), highlights.toUnit(s, Math.min(end, s.end)))}`;
  }
  return text;
}

export function reveal(ann) {
  const index = highlights.sentenceAt(ann.start);
  ui.anchor = index;
  ui.cursor = highlights.sentenceAt(ann.end - 1);
  ui.exactRange =
    ann.start === sentences[index].start && ann.end === sentences[ui.cursor].end ? null : { start: ann.start, end: ann.end };
  showSelection();
  focusSentence(index, "center");
}

export function moveCursor(step, extend) {
  if (!sentences.length) return;
  const target = Math.min(sentences.length - 1, Math.max(0, ui.cursor + step));
  ui.exactRange = null;
  ui.cursor = target;
  if (!extend) ui.anchor = target;
  showSelection();
  focusSentence(ui.cursor);
}

export function focusSentence(index, block = "nearest") {
  const previous = docEl.querySelector('.s[tabindex="0"]');
  if (previous) previous.tabIndex = -1;
  const el = sentences[index]?.el;
  if (!el) return;
  el.tabIndex = 0;
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block });
}

export function selectSentence(index, extend, block = "nearest") {
  ui.exactRange = null;
  ui.cursor = index;
  if (!extend) ui.anchor = index;
  showSelection();
  focusSentence(index, block);
}
