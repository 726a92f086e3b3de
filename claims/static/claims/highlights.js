// Drawing annotations on the article's sentences: colour, sub-sentence marks and labels.
// Offsets arrive in code points; the sentence text in the page is counted in UTF-16 units.
import { utf16Index } from "./offsets.js";

const NO_COLOUR = "#888";

export class Highlights {
  constructor({ sentences, tags, username }) {
    this.sentences = sentences; // [{el, index, start, end, text}] in reading order
    this.tags = tags; // slug -> {name, colour, order, ...}
    this.username = username;
    this.order = (a, b) =>
      a.start - b.start ||
      a.end - b.end ||
      (this.tags.get(a.tag)?.order ?? 99) - (this.tags.get(b.tag)?.order ?? 99) ||
      a.key - b.key;
  }

  sentenceAt(offset) {
    // The first sentence whose end is past `offset` (binary search over ordered sentences).
    let lo = 0;
    let hi = this.sentences.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sentences[mid].end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  sentencesOf(ann) {
    const indexes = [];
    const { sentences } = this;
    for (let i = this.sentenceAt(ann.start); i < sentences.length && sentences[i].start < ann.end; i++) {
      indexes.push(i);
    }
    return indexes;
  }

  toUnit(sentence, offset) {
    return utf16Index(sentence.text, offset - sentence.start);
  }

  colour(slug) {
    return this.tags.get(slug)?.colour || NO_COLOUR;
  }

  drawSentence(sentence, annotations, suggested = []) {
    // Whole-sentence tags colour the sentence; shorter ones mark their words; each annotation
    // ending here (or running past the last sentence) gets its label. Suggested tags (always
    // whole sentences) get a dashed outline and a label of their own after the annotations'.
    const { el } = sentence;
    this.outline(el, suggested);
    const drawn = [...annotations].sort(this.order);
    const whole = drawn.filter((a) => a.start <= sentence.start && a.end >= sentence.end);
    const partial = drawn.filter((a) => !whole.includes(a));
    el.classList.toggle("tagged", whole.length > 0);
    if (whole.length) el.style.setProperty("--tag-colour", this.colour(whole[0].tag));
    else el.style.removeProperty("--tag-colour");
    el.classList.toggle("multi", new Set(whole.map((a) => a.tag)).size > 1);
    const parts = partial.length ? this.segments(sentence, partial) : [document.createTextNode(sentence.text)];
    const last = sentence.index === this.sentences.length - 1;
    const labelled = drawn.filter((a) => a.end <= sentence.end || last);
    el.replaceChildren(
      ...parts,
      ...labelled.map((ann) => this.chip(ann)),
      ...suggested.map((suggestion) => this.suggestionChip(suggestion)),
    );
  }

  segments(sentence, partial) {
    // Cut the sentence's text at every boundary of a sub-sentence highlight.
    const cuts = new Set([0, sentence.text.length]);
    const spans = partial.map((a) => ({
      ann: a,
      from: this.toUnit(sentence, Math.max(a.start, sentence.start)),
      to: this.toUnit(sentence, Math.min(a.end, sentence.end)),
    }));
    for (const s of spans) cuts.add(s.from).add(s.to);
    const points = [...cuts].sort((x, y) => x - y);
    const nodes = [];
    for (let k = 0; k < points.length - 1; k++) {
      const [from, to] = [points[k], points[k + 1]];
      const text = sentence.text.slice(from, to);
      const covering = spans.filter((s) => s.from <= from && s.to >= to);
      if (!covering.length) {
        nodes.push(document.createTextNode(text));
        continue;
      }
      const mark = document.createElement("mark");
      mark.className = "hl";
      mark.textContent = text;
      mark.style.setProperty("--tag-colour", this.colour(covering[0].ann.tag));
      nodes.push(mark);
    }
    return nodes;
  }

  chip(ann) {
    // The label sits in a data attribute drawn by CSS, so it is never part of the text
    // (selections and offsets skip it) and never parsed as markup.
    const chip = document.createElement("span");
    chip.className = `chip state-${ann.state}`;
    chip.dataset.key = ann.key;
    chip.dataset.label = this.label(ann);
    chip.style.setProperty("--tag-colour", this.colour(ann.tag));
    return chip;
  }

  label(ann) {
    const name = this.tags.get(ann.tag)?.name || ann.tag;
    const who = ann.final ? " · final" : ann.author !== this.username ? ` · ${ann.author}` : "";
    const origin = ann.from_suggestion ? " · from suggestion" : "";
    const state = ann.state === "failed" ? " ⚠ not saved" : ann.state === "saving" ? " …" : "";
    return `${name}${who}${origin}${state}`;
  }

  drawSuggested(sentence, suggested) {
    // Only its suggested tags changed: their outline and labels; text and annotations stay.
    const { el } = sentence;
    this.outline(el, suggested);
    for (const chip of el.querySelectorAll(".chip.suggestion")) chip.remove();
    if (suggested.length) el.append(...suggested.map((s) => this.suggestionChip(s)));
  }

  outline(el, suggested) {
    el.classList.toggle("suggested", suggested.length > 0);
    if (suggested.length) el.style.setProperty("--suggest-colour", this.colour(suggested[0].tag));
    else el.style.removeProperty("--suggest-colour");
  }

  suggestionChip(suggestion) {
    // Dashed, and saying "suggested" in words: never taken for an annotation, by sight or by
    // a screen reader (which reads the label given here, the CSS one being decoration).
    const chip = document.createElement("span");
    chip.className = "chip suggestion";
    chip.dataset.suggestion = suggestion.id;
    const text = this.suggestionText(suggestion);
    chip.dataset.label = `suggested: ${this.tags.get(suggestion.tag)?.name || suggestion.tag}`;
    chip.setAttribute("role", "note");
    chip.setAttribute("aria-label", text);
    chip.title = text;
    chip.style.setProperty("--tag-colour", this.colour(suggestion.tag));
    return chip;
  }

  suggestionText(suggestion) {
    const name = this.tags.get(suggestion.tag)?.name || suggestion.tag;
    return `Suggested: ${name}, score ${suggestion.score.toFixed(2)}. ${suggestion.reason}`;
  }
}
