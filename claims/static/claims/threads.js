// Each annotation's thread in its side panel item: the reviewer who made it and the editors
// discuss it there. A count on the item's button, the replies oldest first, a reply box, and
// Edit and Delete on one's own replies; all through the REST API.
import { element, moment } from "./dom.js";
import { api, data, itemEls } from "./state.js";
import { say } from "./status.js";

const REPLY_MAX = 5000;
export const replyCounts = new Map(); // annotation id -> its number of replies

export async function loadReplyCounts() {
  let body;
  try {
    body = await api.get(data.api.reply_counts);
  } catch (error) {
    return say(`Could not load the reply counts: ${error.message}`, "error");
  }
  replyCounts.clear();
  for (const row of body.counts) replyCounts.set(row.annotation, row.replies);
  for (const li of itemEls.values()) showThreadButton(li);
}

export function mayReadThread(ann) {
  // As the server decides: editors and readers read every thread, a reviewer their own's.
  return ann.id !== null && (data.user.sees_all || ann.author === data.user.username);
}

function mayReply(ann) {
  return data.user.is_editor || (data.user.is_reviewer && ann.author === data.user.username);
}

export function threadButton(ann) {
  const button = element("button", { type: "button", className: "thread-button" });
  button.dataset.annotation = ann.id;
  button.addEventListener("click", () => toggleThread(ann));
  return button;
}

export function showThreadButton(li) {
  const button = li?.querySelector(".thread-button");
  if (!button) return;
  const open = Boolean(li.querySelector(".thread"));
  const count = replyCounts.get(Number(button.dataset.annotation)) || 0;
  button.replaceChildren(open ? "Hide replies" : "Replies");
  if (count) button.append(" ", element("span", { className: "badge", textContent: String(count) }));
  button.setAttribute("aria-expanded", String(open));
}

async function toggleThread(ann) {
  const li = itemEls.get(ann.key);
  const open = li?.querySelector(".thread");
  if (open) {
    open.remove();
    showThreadButton(li);
    return li.querySelector(".thread-button")?.focus();
  }
  let replies;
  try {
    replies = await api.get(threadUrl(ann));
  } catch (error) {
    return say(`Could not load the replies: ${error.message}`, "error");
  }
  // The item may be gone (deleted, or the view switched) or opened by a second click.
  const now = itemEls.get(ann.key);
  if (!now || now.querySelector(".thread")) return;
  const thread = threadSection(ann, replies);
  now.append(thread);
  showThreadButton(now);
  (thread.querySelector("textarea") || thread).focus();
}

function threadUrl(ann) {
  return `${data.api.annotations}${ann.id}/replies/`;
}

function threadSection(ann, replies) {
  const section = element("section", { className: "thread", tabIndex: -1, ariaLabel: `Replies on ${ann.quote.slice(0, 60)}` });
  const list = element("ol", { className: "replies" });
  list.append(...replies.map((reply) => replyItem(ann, reply)));
  section.append(list);
  if (!replies.length) section.append(element("p", { className: "muted no-replies", textContent: "No replies yet." }));
  if (mayReply(ann)) section.append(replyForm(ann, list));
  return section;
}

function replyItem(ann, reply) {
  // Replies are people's text: in as text, never as markup.
  const li = element("li", { className: "reply" });
  li.dataset.reply = reply.id;
  const when = element("time", { dateTime: reply.created_at, textContent: moment(reply.created_at) });
  const meta = element("p", { className: "reply-meta" });
  meta.append(element("strong", { textContent: reply.author }), " ", when);
  if (reply.edited_at) meta.append(" (edited)");
  li.append(meta, element("p", { className: "reply-body", textContent: reply.body }));
  if (reply.author === data.user.username) li.append(ownActions(ann, reply, li));
  return li;
}

function ownActions(ann, reply, li) {
  const actions = element("div", { className: "actions" });
  const edit = element("button", { type: "button", textContent: "Edit reply" });
  edit.addEventListener("click", () => editReply(ann, reply, li));
  const remove = element("button", { type: "button", className: "danger", textContent: "Delete reply" });
  remove.addEventListener("click", () => deleteReply(ann, reply, li));
  actions.append(edit, remove);
  return actions;
}

function textBox(label, value) {
  const area = element("textarea", { value, rows: 3, ariaLabel: label });
  area.maxLength = REPLY_MAX;
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) area.form.requestSubmit();
  });
  return area;
}

function replyForm(ann, list) {
  const form = element("form", { className: "reply-form" });
  const area = textBox("Your reply", "");
  area.placeholder = "Write a reply (Ctrl+Enter sends it)";
  form.append(area, element("button", { type: "submit", textContent: "Send reply" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const reply = await api.post(threadUrl(ann), { body: area.value });
      list.append(replyItem(ann, reply));
      list.parentElement.querySelector(".no-replies")?.remove();
      area.value = "";
      countBy(ann, 1);
      say("Reply sent.");
    } catch (error) {
      say(`The reply was not sent: ${error.message}`, "error");
    } finally {
      button.disabled = false;
      area.focus();
    }
  });
  return form;
}

function editReply(ann, reply, li) {
  const form = element("form", { className: "reply-edit" });
  const area = textBox("Edit your reply", reply.body);
  const cancel = element("button", { type: "button", textContent: "Cancel" });
  form.append(area, element("button", { type: "submit", textContent: "Save reply" }), cancel);
  const body = li.querySelector(".reply-body");
  const actions = li.querySelector(".actions");
  body.hidden = actions.hidden = true;
  li.append(form);
  area.focus();
  const close = () => {
    form.remove();
    body.hidden = actions.hidden = false;
    actions.querySelector("button").focus();
  };
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const changed = await api.patch(`${data.api.replies}${reply.id}/`, { body: area.value });
      li.replaceWith(replyItem(ann, changed));
      itemEls.get(ann.key)?.querySelector(`[data-reply="${reply.id}"] .actions button`)?.focus();
      say("Reply saved.");
    } catch (error) {
      say(`The reply was not saved: ${error.message}`, "error");
    }
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && area.value === reply.body) close();
  });
}

async function deleteReply(ann, reply, li) {
  try {
    await api.delete(`${data.api.replies}${reply.id}/`);
  } catch (error) {
    return say(`The reply was not deleted: ${error.message}`, "error");
  }
  const thread = li.closest(".thread");
  li.remove();
  countBy(ann, -1);
  (thread?.querySelector("textarea") || thread)?.focus();
  say("Reply deleted.");
}

function countBy(ann, step) {
  replyCounts.set(ann.id, Math.max(0, (replyCounts.get(ann.id) || 0) + step));
  showThreadButton(itemEls.get(ann.key));
}
