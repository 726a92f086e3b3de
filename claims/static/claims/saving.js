// Saving and undo: each change is drawn at once, sent to the REST API, and marked pending until saved.
import { ApiError } from "./api.js";
import { $ } from "./dom.js";
import { fillItem, panelInsert, panelRemove } from "./panel.js";
import { draw, quoteOf, undraw } from "./sentences.js";
import { annotations, api, data, isMine, itemEls, remember, tags } from "./state.js";
import { say } from "./status.js";

const undoStack = [];

function refresh(ann) {
  undraw(ann);
  draw(ann);
  const li = itemEls.get(ann.key);
  if (li) fillItem(li, ann);
}

export async function annotationCreate({ tag, start, end, note = "" }, { undoable = true } = {}) {
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

export async function annotationChange(ann, changes, { undoable = true } = {}) {
  const before = { tag: ann.tag, note: ann.note };
  Object.assign(ann, changes);
  ann.pendingChanges = { ...(ann.pendingChanges || {}), ...changes };
  if (!ann.operation) ann.operation = "update";
  ann.state = "saving";
  refresh(ann);
  if (undoable) pushUndo({ kind: "change", ann, before });
  await send(ann);
}

export async function annotationsDelete(list, { undoable = true } = {}) {
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

export function retryOperation(ann) {
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

// ---------------------------------------------------------------- undo

// An entry is {kind: "create" | "delete" | "change", ...}, or one that undoes itself
// ({undo: async () => ...}: suggestions.js's accepts and dismisses).
export function pushUndo(entry) {
  undoStack.push(entry);
  if (undoStack.length > 200) undoStack.shift();
  $("undo-button").disabled = false;
}

export async function undo() {
  const entry = undoStack.pop();
  $("undo-button").disabled = undoStack.length === 0;
  if (!entry) return say("Nothing to undo.");
  if (entry.undo) return entry.undo();
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
