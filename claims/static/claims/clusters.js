// The claim clusters page: GET /api/v1/claims/clusters/ with the form's filters, each cluster
// opening on its sentences (GET .../clusters/{id}/), a button per tag of the cluster to tag a
// sentence that lacks it (POST /api/v1/annotations/, as "Seen elsewhere" does), and the
// rebuild job with its progress (POST and GET .../clusters/jobs/).
import { Api } from "./api.js";
import { $, element, moment, shorten } from "./dom.js";

const data = JSON.parse($("clusters-data").textContent);
const api = new Api(data.csrf);
const form = $("clusters-form");
const list = $("clusters-list");
const status = $("clusters-status");
const more = $("clusters-more");
const jobStatus = $("clusters-job");
const rebuild = $("clusters-rebuild");
const POLL_MS = 1000;
let next = null;

function chip(tag, count) {
  const el = element("span", { className: "seen-tag", textContent: count ? `${tag.name} ×${count}` : tag.name });
  el.style.setProperty("--tag-colour", tag.colour);
  return el;
}

function chips(tags, counted) {
  const span = element("span", { className: "seen-tags" });
  for (const tag of tags) span.append(chip(tag, counted ? tag.count : 0), " ");
  return span;
}

async function tagAlike(member, tag, button) {
  button.disabled = true;
  const body = { article: member.article.id, tag: tag.slug, sentences: [member.index, member.index] };
  try {
    await api.post(data.annotations_url, body);
    member.tags.push({ ...tag, count: 1 });
    button.textContent = `Tagged ${tag.name}`;
    status.textContent = `Tagged “${shorten(member.text, 60)}” (${member.article.publisher || member.article.title}) ${tag.name}.`;
  } catch (error) {
    button.disabled = error.status === 409;
    if (error.status === 409) button.textContent = `Already ${tag.name}`;
    status.textContent = `Not tagged: ${error.message}`;
  }
}

function memberItem(member, clusterTags) {
  const li = element("li", { className: "seen-item" });
  const where = element("a", { href: member.url, textContent: member.article.publisher || member.article.title });
  where.title = member.article.title;
  const title = element("span", { className: "muted", textContent: ` ${member.article.title}, sentence ${member.index + 1}` });
  li.append(element("div", { className: "seen-where" }), element("q", { textContent: member.text }), chips(member.tags, true));
  li.firstChild.append(where, title);
  const has = new Set(member.tags.map((t) => t.slug));
  const missing = clusterTags.filter((tag) => !has.has(tag.slug));
  if (data.can_annotate && missing.length) {
    const actions = element("div", { className: "seen-actions" });
    for (const tag of missing) {
      const button = element("button", { type: "button", textContent: `Tag ${tag.name}` });
      button.dataset.tag = tag.slug;
      button.addEventListener("click", async () => {
        await tagAlike(member, tag, button);
        li.replaceChild(chips(member.tags, true), li.querySelector(".seen-tags"));
      });
      actions.append(button, " ");
    }
    li.append(actions);
  }
  return li;
}

async function openMembers(cluster, details) {
  const members = details.querySelector(".cluster-members");
  if (members.dataset.loaded) return;
  members.dataset.loaded = "1";
  members.replaceChildren(element("li", { className: "muted", textContent: "Loading…" }));
  try {
    const body = await api.get(cluster.url);
    members.replaceChildren(...body.members.map((member) => memberItem(member, body.tags)));
  } catch (error) {
    delete members.dataset.loaded;
    members.replaceChildren(element("li", { textContent: `Could not load: ${error.message}` }));
  }
}

function clusterItem(cluster) {
  const li = element("li", { className: "cluster" });
  const details = element("details");
  const summary = element("summary");
  summary.append(element("q", { textContent: cluster.representative.text }));
  const figures = `${cluster.publisher_count} publishers, ${cluster.article_count} articles, ` +
    `${cluster.member_count} sentences; seen ${moment(cluster.first_seen)} to ${moment(cluster.last_seen)}`;
  details.append(
    summary,
    element("p", { className: "muted", textContent: figures }),
    chips(cluster.tags, false),
    element("ul", { className: "seen-elsewhere-list cluster-members" }),
  );
  details.addEventListener("toggle", () => details.open && openMembers(cluster, details));
  li.append(details);
  return li;
}

function query() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
  return params;
}

async function fetchPage(url, replace) {
  status.textContent = "Loading…";
  try {
    const page = await api.get(url);
    if (replace) list.replaceChildren();
    list.append(...page.results.map(clusterItem));
    next = page.next;
    more.hidden = !next;
    status.textContent = list.children.length ? "" : "No clusters: no claim is tagged in two articles yet.";
  } catch (error) {
    status.textContent = `Could not load the clusters: ${error.message}`;
  }
}

function show() {
  const params = query();
  history.replaceState(null, "", `?${params}`);
  const filters = new URLSearchParams(params);
  filters.delete("ordering");
  $("clusters-csv").href = `${data.export_url}?format=csv&${filters}`;
  $("clusters-json").href = `${data.export_url}?format=json&${filters}`;
  fetchPage(`${data.clusters_url}?${params}`, true);
}

function describe(job) {
  if (job.state === "finished") return `Last rebuild finished ${moment(job.finished_at)}: ${job.clusters} clusters.`;
  if (job.state === "failed") return `The last rebuild failed: ${job.error}`;
  return `Rebuilding: ${job.step} (step ${Math.min(job.done + 1, job.total)} of ${job.total})…`;
}

async function watch(job) {
  jobStatus.textContent = describe(job);
  const underWay = job.state === "queued" || job.state === "running";
  if (rebuild) rebuild.disabled = underWay;
  if (underWay) {
    setTimeout(async () => watch(await api.get(`${data.jobs_url}${job.id}/`)), POLL_MS);
  } else if (job.state === "finished" && watching) {
    show();
  }
}

let watching = false;

if (rebuild) {
  rebuild.addEventListener("click", async () => {
    rebuild.disabled = true;
    try {
      watching = true;
      watch(await api.post(data.jobs_url));
    } catch (error) {
      rebuild.disabled = false;
      jobStatus.textContent = `Not started: ${error.message}`;
    }
  });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  show();
});
more.addEventListener("click", () => next && fetchPage(next, false));

async function showOne(id) {
  // A link to one cluster (from the corpus report): that cluster, open on its sentences.
  try {
    const cluster = await api.get(`${data.clusters_url}${id}/`);
    const item = clusterItem(cluster);
    list.replaceChildren(item);
    item.querySelector("details").open = true;
  } catch (error) {
    status.textContent = `Could not load the cluster: ${error.message}`;
  }
}

const given = new URLSearchParams(window.location.search);
for (const [name, value] of given) if (form.elements[name]) form.elements[name].value = value;
if (/^\d+$/.test(given.get("cluster") || "")) showOne(given.get("cluster"));
else show();
api.get(data.jobs_url).then((jobs) => jobs.length && watch(jobs[0]));
