// The editors' suggestion-model page: activate a version, start a corpus run, and watch the
// runs' progress until they finish, all through the REST API.
import { Api } from "./api.js";
import { say } from "./status.js";

const api = new Api(JSON.parse(document.getElementById("suggester-csrf").textContent));
const RUNS = "/api/v1/suggester/runs/";
const POLL_MS = 1000;

function runRow(run) {
  let row = document.querySelector(`tr[data-run="${run.id}"]`);
  if (!row) {
    document.querySelector("#runs tr.none")?.remove();
    row = document.createElement("tr");
    row.dataset.run = run.id;
    row.innerHTML = '<td></td><td></td><td><progress></progress> <span class="count"></span></td><td class="state"></td>';
    document.getElementById("runs").prepend(row);
  }
  const cells = row.querySelectorAll("td");
  cells[0].textContent = run.id;
  cells[1].textContent = run.model;
  const bar = row.querySelector("progress");
  bar.max = Math.max(run.total, 1);
  bar.value = run.done;
  row.querySelector(".count").textContent = `${run.done} / ${run.total}`;
  row.querySelector(".state").textContent = run.error ? `${run.state}: ${run.error}` : run.state;
  row.dataset.state = run.state;
}

async function watch(runId) {
  const run = await api.get(`${RUNS}${runId}/`);
  runRow(run);
  if (run.state === "queued" || run.state === "running") {
    setTimeout(() => watch(runId).catch((error) => say(error.message, "error")), POLL_MS);
  } else {
    say(`Run ${run.id} ${run.state}: ${run.done} article(s) suggested for.`);
  }
}

document.getElementById("run-start").addEventListener("click", async () => {
  try {
    const run = await api.post(RUNS, {});
    runRow(run);
    say(`Run ${run.id} queued for ${run.total} article(s).`);
    watch(run.id);
  } catch (error) {
    say(error.message, "error");
  }
});

for (const button of document.querySelectorAll("button.activate")) {
  button.addEventListener("click", async () => {
    const version = button.dataset.version;
    try {
      const run = await api.post(`/api/v1/suggester/versions/${encodeURIComponent(version)}/activate/`);
      say(`Model ${version} is active; run ${run.id} suggests for ${run.total} article(s).`);
      window.location.reload();
    } catch (error) {
      say(error.message, "error");
    }
  });
}

for (const row of document.querySelectorAll("#runs tr[data-run]")) {
  if (row.dataset.state === "queued" || row.dataset.state === "running") watch(row.dataset.run);
}
