// What the keyboard and the mouse do on the article: move and extend the selection, tag, note, delete,
// answer suggested tags, undo.
import { $ } from "./dom.js";
import {
  closeFind,
  findIsOpen,
  findStep,
  jumpToOtherReviewers,
  jumpToTagged,
  jumpToUntagged,
  openFind,
} from "./find.js";
import { codePointLength } from "./offsets.js";
import { noteEdit, setPanelFilter } from "./panel.js";
import { markPassed, markReadUpTo, sentencesRead, tracksReading } from "./read.js";
import { annotationCreate, annotationsDelete, undo } from "./saving.js";
import { focusSentence, moveCursor, quoteOf, selectSentence, selection, showSelection } from "./sentences.js";
import { acceptAtSelection, acceptTagAtSelection, dismissAtSelection } from "./suggestions.js";
import { FINAL, annotations, data, docEl, indexOfElement, isMine, itemEls, sentences, tagByKey, ui } from "./state.js";
import { say } from "./status.js";

// ---------------------------------------------------------------- commands

function mineAt(range) {
  return [...annotations.values()].filter(
    (ann) => !ann.deleted && isMine(ann) && ann.start < range.end && ann.end > range.start,
  );
}

function finalViewRefuses() {
  if (ui.viewAuthor !== FINAL) return false;
  say("The final tags are read-only. Show “Mine” to tag.", "error");
  return true;
}

export function tagSelection(slug) {
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
  if (ui.panelFilter && here.tag !== ui.panelFilter) setPanelFilter("");
  noteEdit(here);
}

// ---------------------------------------------------------------- keyboard

export function onKey(event) {
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

function moveOn(extend) {
  markPassed(ui.cursor);
  moveCursor(1, extend);
}

export function markReadHere() {
  if (!tracksReading()) return say("Your role reads articles without keeping a read-through.", "error");
  const here = Math.max(ui.anchor, ui.cursor);
  if (!markReadUpTo(here)) return say(`You have read past here already (${sentencesRead()} sentences).`);
  say(`Marked read up to here: ${here + 1} of ${sentences.length} sentences.`);
}

function handleKey(key, shift) {
  if (key === "j" || key === "ArrowDown" || (shift && key === "ArrowRight")) moveOn(shift);
  else if (key === "k" || key === "ArrowUp" || (shift && key === "ArrowLeft")) moveCursor(-1, shift);
  else if (key === "J") moveOn(true);
  else if (key === "K") moveCursor(-1, true);
  else if (tagByKey.has(key)) tagSelection(tagByKey.get(key));
  else if (/^[0-9]$/.test(key)) say(`No tag has the key ${key}. The palette shows each tag's key.`);
  else if (key === "n") noteAtSelection();
  else if (key === "m") markReadHere();
  else if (key === "a") acceptAtSelection();
  else if (key === "A") acceptTagAtSelection();
  else if (key === "x") dismissAtSelection();
  else if (key === "Delete" || key === "Backspace") finalViewRefuses() || annotationsDelete(mineAt(selection()));
  else if (key === "?") $("shortcuts").showModal();
  else if (key === "/") openFind();
  else if (key === "Enter" && findIsOpen() && docEl.contains(document.activeElement)) findStep(shift ? -1 : 1);
  else if (key === "u" || key === "U") jumpToUntagged(shift ? -1 : 1);
  else if (key === "f" || key === "F") jumpToTagged(shift ? -1 : 1);
  else if (key === "o" || key === "O") jumpToOtherReviewers(shift ? -1 : 1);
  else if (key === "Escape") {
    if (findIsOpen()) closeFind();
    selectSentence(ui.cursor, false);
  } else return false;
  return true;
}

// ---------------------------------------------------------------- mouse

export function onPointerUp(event) {
  const picked = window.getSelection();
  if (!picked || picked.isCollapsed || !docEl.contains(picked.anchorNode)) return;
  const range = picked.getRangeAt(0);
  const covered = sentences.filter((s) => range.intersectsNode(s.el) && range.toString().trim());
  if (!covered.length) return;
  ui.pointerSelected = true;
  const first = covered[0].index;
  const last = covered[covered.length - 1].index;
  if ($("exact-toggle").checked) {
    const exact = exactOffsets(range, sentences[first], sentences[last]);
    if (exact) {
      ui.exactRange = exact;
      ui.anchor = first;
      ui.cursor = last;
      showSelection();
      picked.removeAllRanges();
      focusSentence(ui.cursor);
      return;
    }
  }
  ui.anchor = event.shiftKey ? ui.anchor : first;
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

export function onClick(event) {
  if (ui.pointerSelected) {
    // The click that ends a drag: the selection taken on mouseup (then cleared) stands.
    ui.pointerSelected = false;
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
