// The adjudication page: accept or reject each proposed tag, accept every unanimous one at
// once, finish. The server renders the grid; this script records decisions through the REST
// API and updates the grid in place. Every control is a button; j/k, a, r and u do the same
// from the keyboard.
import { Api, ApiError } from "./api.js";
import { moment } from "./dom.js";
import { say } from "./status.js";

const data = JSON.parse(document.getElementById("adjudication-data").textContent);
const api = new Api(data.csrf_token);
const $ = (id) => document.getElementById(id);
const STATE_LABELS = { pending: "Pending", accepted: "Accepted", rejected: "Rejected" };

let current = null; // the proposal item holding the roving focus
const deciding = new Set(); // items whose decision is on its way to the server
let unanimousRunning = false;

// ---------------------------------------------------------------- proposal items

function allItems() {
  return [...document.querySelectorAll("#grid .proposal")];
}

function visibleItems() {
  return allItems().filter((li) => !li.closest("tr").hidden);
}

function isPending(li) {
  return li.dataset.proposed === "true" && li.dataset.state === "pending";
}

function setCurrent(li) {
  if (current === li) return;
  if (current) current.tabIndex = -1;
  current = li;
  if (li) li.tabIndex = 0;
}

function focusItem(li) {
  if (!li) return;
  setCurrent(li);
  li.focus({ preventScroll: true });
  li.scrollIntoView({ block: "nearest" });
}

function move(step) {
  const list = visibleItems();
  if (!list.length) return;
  // From elsewhere on the page, the first key press comes back to where the editor was.
  if (current && !current.contains(document.activeElement)) return focusItem(current);
  const at = list.indexOf(current);
  if (at === -1) return focusItem(step > 0 ? list[0] : list[list.length - 1]);
  focusItem(list[Math.min(list.length - 1, Math.max(0, at + step))]);
}

function nextPending(from) {
  // The first pending item after `from`, wrapping round to the top.
  const list = visibleItems();
  const at = list.indexOf(from);
  return [...list.slice(at + 1), ...list.slice(0, at + 1)].find(isPending) || null;
}

function describe(li) {
  return `${li.dataset.tagName} on sentence ${Number(li.dataset.sentence) + 1}`;
}

function showState(li, state) {
  li.dataset.state = state;
  li.querySelector(".proposal-state").textContent = STATE_LABELS[state];
  li.querySelector("button.accept").setAttribute("aria-pressed", String(state === "accepted"));
  li.querySelector("button.reject").setAttribute("aria-pressed", String(state === "rejected"));
  // A comment belongs to a decision: there is none to comment while the tag is pending.
  li.querySelector(".decision-comment").hidden = state === "pending";
}

// ---------------------------------------------------------------- counts and messages

function reason(error) {
  return error instanceof ApiError ? error.message : "the server could not be reached.";
}

function pendingCount() {
  return allItems().filter(isPending).length;
}

function showCounts() {
  const items = allItems();
  const pending = pendingCount();
  const unanimous = items.filter((li) => li.dataset.unanimous === "true" && li.dataset.state === "pending").length;
  $("count-pending").textContent = pending;
  $("count-decided").textContent = items.filter((li) => li.dataset.state !== "pending").length;
  $("unanimous-count").textContent = unanimous;
  $("unanimous-button").disabled = unanimous === 0 || unanimousRunning;
  $("finish-button").disabled = pending > 0;
  $("finish-help").textContent = pending
    ? `Decide every proposed tag first: ${pending} still wait${pending === 1 ? "s" : ""} for a decision.`
    : "Every proposed tag has a decision.";
}

function showArticle(grid) {
  const badge = $("article-status");
  badge.textContent = data.status_labels[grid.status] || grid.status;
  badge.className = `status status-${grid.status}`;
  if (!grid.adjudicated_at) return;
  $("adjudicated-by").textContent = data.user.username;
  $("adjudicated-at").dateTime = grid.adjudicated_at;
  $("adjudicated-at").textContent = moment(grid.adjudicated_at);
  $("adjudicated").hidden = false;
}

function applyGrid(grid) {
  // The server's word on every proposal this page shows; returns how many it does not show.
  let unseen = 0;
  for (const row of grid.rows) {
    for (const proposal of row.proposals) {
      const li = $(`p-${row.sentence}-${proposal.tag}`);
      if (!li) unseen += 1;
      else showState(li, proposal.accepted === null ? "pending" : proposal.accepted ? "accepted" : "rejected");
    }
  }
  showCounts();
  showArticle(grid);
  return unseen;
}

// ---------------------------------------------------------------- actions

async function decide(li, accept) {
  if (!li || deciding.has(li)) return;
  deciding.add(li);
  li.setAttribute("aria-busy", "true");
  try {
    const decision = await api.post(data.api.decisions, {
      sentence: Number(li.dataset.sentence),
      tag: li.dataset.tag,
      accept,
    });
    showState(li, decision.accepted ? "accepted" : "rejected");
    showCounts();
    const next = nextPending(li);
    focusItem(next || li);
    const left = next ? "" : " Every proposed tag has a decision: you can finish the adjudication.";
    say(`${describe(li)}: ${decision.accepted ? "accepted" : "rejected"}.${left}`);
  } catch (error) {
    say(`Could not ${accept ? "accept" : "reject"} ${describe(li)}: ${reason(error)}`, "error");
  } finally {
    deciding.delete(li);
    li.removeAttribute("aria-busy");
  }
}

async function saveComment(li, form) {
  const area = form.querySelector("textarea");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const decision = await api.post(data.api.decisions, {
      sentence: Number(li.dataset.sentence),
      tag: li.dataset.tag,
      accept: li.dataset.state === "accepted",
      comment: area.value,
    });
    area.value = decision.comment;
    say(decision.comment ? `Comment saved on ${describe(li)}.` : `Comment removed from ${describe(li)}.`);
  } catch (error) {
    say(`Could not save the comment on ${describe(li)}: ${reason(error)}`, "error");
  } finally {
    button.disabled = false;
  }
}

async function acceptUnanimous() {
  if (unanimousRunning) return;
  if ($("unanimous-button").disabled) return say("No tag that every reviewer gave waits for a decision.");
  unanimousRunning = true;
  $("unanimous-button").disabled = true;
  say("Accepting the tags every reviewer gave…");
  let accepted = null;
  try {
    accepted = (await api.post(data.api.unanimous)).accepted;
    const unseen = applyGrid(await api.get(data.api.grid));
    focusItem(nextPending(null) || current);
    say(`${accepted} unanimous tag${accepted === 1 ? "" : "s"} accepted.${reloadHint(unseen)}`);
  } catch (error) {
    const what = accepted === null ? "accept the unanimous tags" : `show the ${accepted} unanimous tag(s) accepted (reload the page)`;
    say(`Could not ${what}: ${reason(error)}`, "error");
  } finally {
    unanimousRunning = false;
    showCounts();
  }
}

async function finish() {
  const button = $("finish-button");
  if (button.disabled) return;
  button.disabled = true;
  try {
    const unseen = applyGrid(await api.post(data.api.finish));
    say(`Adjudication finished: the article is reviewed, and its reviewers now see the final tags.${reloadHint(unseen)}`);
  } catch (error) {
    // The page thought nothing was pending: reviewers have tagged since it loaded.
    const stale = error.status === 409 && pendingCount() === 0;
    say(`Not finished: ${reason(error)}${stale ? " Reload the page to see the tags added since it loaded." : ""}`, "error");
  } finally {
    showCounts();
  }
}

function reloadHint(unseen) {
  return unseen ? ` ${unseen} proposed tag(s) were added since the page loaded: reload it to see them.` : "";
}

function showOnlyDisagreements(only) {
  for (const row of document.querySelectorAll("#grid .grid-row")) {
    row.hidden = only && !row.classList.contains("disagreement");
  }
  if (current && current.closest("tr").hidden) setCurrent(visibleItems()[0] || null);
}

// ---------------------------------------------------------------- keyboard

function isTyping(target) {
  return (
    target.isContentEditable ||
    Boolean(target.closest("textarea, select, input:not([type=checkbox], [type=radio], [type=button], [type=submit])"))
  );
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const help = $("shortcuts");
  if (help.open) {
    if (event.key === "?") {
      help.close();
      event.preventDefault();
    }
    return;
  }
  if (isTyping(event.target)) return;
  if (handleKey(event.key, event.target)) event.preventDefault();
}

function handleKey(key, target) {
  const item = target.closest?.(".proposal") || current;
  if (key === "j" || key === "ArrowDown") move(1);
  else if (key === "k" || key === "ArrowUp") move(-1);
  else if (key === "a") decide(item, true);
  else if (key === "r") decide(item, false);
  else if (key === "u") acceptUnanimous();
  else if (key === "?") $("shortcuts").showModal();
  else return false;
  return true;
}

// ---------------------------------------------------------------- set-up

function start() {
  const grid = $("grid");
  grid.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-accept]");
    if (button) decide(button.closest(".proposal"), button.dataset.accept === "true");
  });
  grid.addEventListener("submit", (event) => {
    const form = event.target.closest(".decision-comment-form");
    if (!form) return;
    event.preventDefault();
    saveComment(form.closest(".proposal"), form);
  });
  grid.addEventListener("focusin", (event) => {
    const li = event.target.closest(".proposal");
    if (li) setCurrent(li);
  });
  document.addEventListener("keydown", onKey);
  $("unanimous-button").addEventListener("click", acceptUnanimous);
  $("finish-button").addEventListener("click", finish);
  $("help-button").addEventListener("click", () => $("shortcuts").showModal());
  $("disagreements-only").addEventListener("change", (event) => showOnlyDisagreements(event.target.checked));
  $("disagreements-filter").hidden = !document.querySelector("#grid .grid-row");
  setCurrent(allItems().find(isPending) || allItems()[0] || null);
  document.body.dataset.ready = "true";
}

start();
