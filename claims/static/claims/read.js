// The reviewer's read-through: how far they have read the article, from the first sentence on.
// Moving on with j reads the sentence left behind, "Mark read up to here" (m) everything up to
// the selection. The mark is saved after a pause, one request for many keystrokes (the server
// keeps the larger of its mark and ours), and only the one sentence marking the edge is touched.
import { api, data, sentences } from "./state.js";
import { say } from "./status.js";

const SAVE_AFTER_MS = 600;
const readThrough = data.read_through; // null for those who cannot annotate
let readUpTo = readThrough?.read_up_to ?? -1;
let savedUpTo = readUpTo;
let timer = 0;
const listeners = [];

export function tracksReading() {
  return Boolean(readThrough);
}

export function sentencesRead() {
  return readUpTo + 1;
}

export function onReadChange(listener) {
  listeners.push(listener);
}

export function markPassed(index) {
  // Reading on from where the reviewer had got to; a jump ahead (a link, a click) reads
  // nothing it skipped, until "Mark read up to here" says so.
  if (index <= readUpTo + 1) markReadUpTo(index);
}

export function markReadUpTo(index) {
  if (!readThrough || index <= readUpTo || index >= sentences.length) return false;
  sentences[readUpTo]?.el.classList.remove("read-edge");
  readUpTo = index;
  sentences[index].el.classList.add("read-edge");
  for (const listener of listeners) listener();
  clearTimeout(timer);
  timer = setTimeout(saveReading, SAVE_AFTER_MS);
  return true;
}

export async function saveReading() {
  clearTimeout(timer);
  if (!readThrough || readUpTo <= savedUpTo) return;
  const sending = readUpTo;
  try {
    const state = await api.put(readThrough.url, { read_up_to: sending });
    savedUpTo = Math.max(savedUpTo, state.read_up_to);
    document.body.dataset.readSaved = String(savedUpTo);
  } catch (error) {
    say(`How far you have read was not saved: ${error.message}`, "error");
  }
}

function saveOnLeaving() {
  // The page is going away: the request must outlive it.
  if (readThrough && readUpTo > savedUpTo) {
    api.put(readThrough.url, { read_up_to: readUpTo }, { keepalive: true }).catch(() => {});
    savedUpTo = readUpTo;
  }
}

export function setUpReading() {
  if (!readThrough) return;
  sentences[readUpTo]?.el.classList.add("read-edge");
  window.addEventListener("pagehide", saveOnLeaving);
}
