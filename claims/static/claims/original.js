// "The original page": the uploaded HTML page, sanitised by the server (no scripts, styles or
// images), in a sandboxed frame in the side panel, loaded when first opened. The frame runs
// nothing; this module finds the selected sentence's words in it and marks them.
import { $, element } from "./dom.js";
import { docEl, sentences, ui } from "./state.js";

const view = $("original-view");
const statusEl = $("original-status");
const HIGHLIGHT = "current-sentence";
let frame = null;
let loaded = false;

function folded(text) {
  return text.normalize("NFKC").toLowerCase();
}

// The frame's text as one string of letters and digits, each mapped back to its text node.
function textIndex(doc) {
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  let text = "";
  const where = []; // for each character of `text`: [node, offset in node]
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = folded(node.data);
    for (let i = 0; i < value.length; i++) {
      if (/[\p{L}\p{N}]/u.test(value[i])) {
        text += value[i];
        where.push([node, i]);
      }
    }
  }
  return { text, where };
}

let index = null;

function locate(sentenceText) {
  const doc = frame.contentDocument;
  if (!doc || !doc.body) return null;
  index ??= textIndex(doc);
  const wanted = [...folded(sentenceText)].filter((c) => /[\p{L}\p{N}]/u.test(c)).join("");
  if (!wanted) return null;
  const at = index.text.indexOf(wanted);
  if (at < 0) return null;
  const [startNode, startOffset] = index.where[at];
  const [endNode, endOffset] = index.where[at + wanted.length - 1];
  const range = doc.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset + 1);
  return range;
}

function markSelection() {
  if (!loaded || !view.open) return;
  const sentence = sentences[ui.cursor];
  const highlights = frame.contentWindow.CSS.highlights;
  highlights.delete(HIGHLIGHT);
  const range = sentence && locate(sentence.el.textContent);
  if (!range) {
    statusEl.textContent = sentence ? "This sentence was not found in the page as shown." : "";
    return;
  }
  highlights.set(HIGHLIGHT, new frame.contentWindow.Highlight(range));
  range.startContainer.parentElement.scrollIntoView({ block: "center" });
  statusEl.textContent = "";
}

function open() {
  if (frame) return;
  statusEl.textContent = "Loading the page…";
  frame = element("iframe", { title: "The original page, without scripts" });
  // Same origin so that this module may read and mark it; no scripts, forms or navigation.
  frame.setAttribute("sandbox", "allow-same-origin allow-popups allow-popups-to-escape-sandbox");
  frame.addEventListener("load", () => {
    loaded = true;
    statusEl.textContent = "";
    markSelection();
  });
  frame.src = view.dataset.url;
  view.append(frame);
}

if (view) {
  view.addEventListener("toggle", () => {
    if (view.open) open();
    markSelection();
  });
  docEl.addEventListener("selectionshown", markSelection);
}
