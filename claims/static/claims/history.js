// Each annotation's history, shown to editors in its side panel item on request.
import { element, moment, shorten } from "./dom.js";
import { api, data, itemEls, tags } from "./state.js";
import { say } from "./status.js";

export async function toggleHistory(ann) {
  const open = itemEls.get(ann.key)?.querySelector(".history");
  if (open) {
    open.remove();
  } else {
    let events;
    try {
      events = await api.get(`${data.api.annotations}${ann.id}/history/`);
    } catch (error) {
      return say(`Could not load the history: ${error.message}`, "error");
    }
    // The item may be gone (deleted, or the view switched) or opened by a second click.
    const li = itemEls.get(ann.key);
    if (!li || li.querySelector(".history")) return;
    li.append(historyList(events));
  }
  showHistoryButton(itemEls.get(ann.key));
}

export function showHistoryButton(li) {
  const button = li?.querySelector(".history-button");
  if (!button) return;
  const open = Boolean(li.querySelector(".history"));
  button.textContent = open ? "Hide history" : "History";
  button.setAttribute("aria-expanded", String(open));
}

function historyList(events) {
  // Notes and quotes are reviewers' text: everything goes in as text, never as markup.
  const list = element("ol", { className: "history", ariaLabel: "History" });
  for (const event of events) {
    const when = element("time", { dateTime: event.at, textContent: moment(event.at) });
    const item = element("li");
    item.append(element("strong", { textContent: event.kind_label }), ` by ${event.actor}, `, when);
    for (const line of eventDetails(event)) item.append(element("p", { className: "change", textContent: line }));
    list.append(item);
  }
  return list;
}

function eventDetails({ kind, data: about = {} }) {
  if (kind === "changed" || kind === "reply_edited" || kind === "commented") {
    const before = about.before || {};
    const after = about.after || {};
    return Object.keys(before).map((field) => changeLine(field, before[field], after[field]));
  }
  if (kind === "created" || kind === "deleted") {
    const lines = [`${tagName(about.tag)}: “${shorten(about.quote || "", 140)}”`];
    if (about.note) lines.push(`note: ${quoted(about.note)}`);
    return lines;
  }
  if (kind === "replied" || kind === "reply_deleted") return [`reply: ${quoted(about.body || "")}`];
  if (kind === "accepted" || kind === "rejected") {
    return [`${tagName(about.tag)} on sentence ${about.sentence + 1}`];
  }
  return about.reviewer ? [`reviewer: ${about.reviewer}`] : [];
}

function changeLine(field, before, after) {
  if (field === "tag") return `tag: ${tagName(before)} → ${tagName(after)}`;
  if (field === "note" || field === "body" || field === "comment") {
    return `${field === "body" ? "reply" : field} changed: ${quoted(before)} → ${quoted(after)}`;
  }
  return `${field}: ${before} → ${after}`;
}

function tagName(slug) {
  return tags.get(slug)?.name || slug;
}

function quoted(text) {
  return text ? `“${shorten(text, 80)}”` : "(none)";
}
