"""Load the app as production runs it (gunicorn, 4 workers, PostgreSQL) and break things meanwhile.

Loads 2,000 articles of 20 sentences (bench/api.py's corpus) into a throwaway database,
`claimscope_load`, on the PostgreSQL server DATABASE_URL names, and serves it with gunicorn on
a free loopback port. Then CLIENTS threads, each a reviewer with an API token, for SECONDS
seconds: create an annotation on a sentence no one has tagged (POST /api/v1/annotations/),
then read either that article's annotations (70 %) or the tag counts (30 %). Meanwhile the
script terminates the app's database connections three times and kills a gunicorn worker
with SIGKILL once.

Prints the requests and their statuses per kind ("error": no HTTP answer, e.g. the worker
died mid-request), p50/p95/p99 per kind over all of them, throughput, and the consistency
check that must hold: annotation rows written == "created" history events, and no 201 without
its row (a create whose answer was lost may have stored one the client never heard of).
Exits 1 when it does not. Requires PostgreSQL.

Usage: `make bench`, or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimscope python bench/load.py [--clients 50]
[--seconds 60]`.
"""

import argparse
import http.client
import importlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# bench/api.py sets up Django on import and holds the corpus loader.
import api
import corpus
import psycopg
from django.db import connection
from harness import ROOT, test_database
from rest_framework.authtoken.models import Token

from claims.models import Annotation, Event, Tag

LOAD_DATABASE = "claimscope_load"
WORKERS = 4
READS = {"list": 0.7, "count": 0.3}
DATABASE_KILLS_AT = (0.2, 0.5, 0.8)  # fractions of the run
WORKER_KILL_AT = 0.35
SOCKET_TIMEOUT = 30.0
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
KINDS = ("create", *READS)


@dataclass(frozen=True)
class Sample:
    kind: str
    status: str  # the HTTP status, or "error"
    ms: float


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen
    host: str
    port: int
    log: Path


# --- Data -------------------------------------------------------------------------------------


def load(*, reviewers: int) -> tuple[list[corpus.LoadedArticle], list[str]]:
    """The corpus, and reviewers with tokens; returns the articles and the tokens' keys."""
    started = time.perf_counter()
    articles = api.load_articles()
    corpus.analyze()
    tokens = [
        Token.objects.create(user=user).key for user in corpus.reviewers_create(count=reviewers)
    ]
    print(
        f"load: {len(articles):,} articles, {len(articles) * api.SENTENCES:,} sentences, "
        f"{reviewers} reviewers in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return articles, tokens


def drafts_by_client(articles: list[corpus.LoadedArticle], *, clients: int) -> list[list[dict]]:
    """Each client's creates: every sentence once, dealt out in turn, with a tag each (so no
    create repeats another and gets a 409)."""
    tags = list(Tag.objects.values_list("slug", flat=True))
    rng = random.Random(3)
    drafts = [
        {"article": article.pk, "tag": rng.choice(tags), "sentences": [sentence, sentence]}
        for article in articles
        for sentence in range(api.SENTENCES)
    ]
    return [drafts[client::clients] for client in range(clients)]


def load_database_url() -> str:
    """DATABASE_URL with the load test's database in place of its own."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path=f"/{LOAD_DATABASE}"))


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int, *, workers: int = WORKERS) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "annotator.wsgi:application"]
    config = ROOT / "annotator" / "gunicorn.conf.py"
    if config.exists():  # the production settings; the flags below override its own
        command += ["-c", str(config)]
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    # gunicorn 25.1+ opens a control socket at one path per user, which another gunicorn
    # on the machine (a second run, `make run` under gunicorn) would fight over.
    if hasattr(importlib.import_module("gunicorn.config"), "ControlSocketDisable"):
        command.append("--no-control-socket")
    return command


@contextmanager
def gunicorn_served(*, token: str, workers: int = WORKERS) -> Iterator[Server]:
    """gunicorn serving the load database, answering by the time it is yielded; stopped
    (SIGTERM, then SIGKILL after STOP_TIMEOUT) on the way out, whatever happens."""
    env = os.environ | {
        "DATABASE_URL": load_database_url(),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_RATE": "",
    }
    port = free_port()
    descriptor, log = tempfile.mkstemp(prefix="claimscope-load-", suffix=".log")
    with os.fdopen(descriptor, "wb") as output:
        process = subprocess.Popen(
            gunicorn_command(port, workers=workers),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, "127.0.0.1", port, Path(log))
    try:
        server_wait(server, token=token)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def server_wait(server: Server, *, token: str) -> None:
    """Return once the API answers 200, or raise after START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    for _ in range(int(START_TIMEOUT * 10)):
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.process.returncode}): see {server.log}")
        if request(server, "ready", "GET", "/api/v1/tags/", token=token).status == "200":
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT:.0f} s: see {server.log}")


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children, from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone since the listing
        if parent == master:
            pids.append(int(stat.parent.name))
    return sorted(pids)


# --- Requests ---------------------------------------------------------------------------------


def request(
    server: Server, kind: str, method: str, path: str, *, token: str, body: object = None
) -> Sample:
    """One request on its own connection (gunicorn's sync workers close it after each)."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    link = http.client.HTTPConnection(server.host, server.port, timeout=SOCKET_TIMEOUT)
    started = time.perf_counter()
    try:
        link.request(method, path, body=payload, headers=headers)
        response = link.getresponse()
        response.read()
        status = str(response.status)
    except (OSError, http.client.HTTPException):
        status = "error"
    finally:
        link.close()
    return Sample(kind, status, (time.perf_counter() - started) * 1000)


def client_run(
    servers: Sequence[Server], *, token: str, drafts: list[dict], deadline: float
) -> list[Sample]:
    """Create each draft in turn, each followed by a read, until the drafts or the time run out;
    each request goes to the next of `servers` in turn, as a round-robin balancer sends it."""
    rng = random.Random(token)
    turns = cycle(servers)
    samples: list[Sample] = []
    for draft in drafts:
        for kind, method, path, body in (
            ("create", "POST", "/api/v1/annotations/", draft),
            read_request(rng.choices(list(READS), weights=list(READS.values()))[0], draft),
        ):
            if time.monotonic() >= deadline:
                return samples
            samples.append(request(next(turns), kind, method, path, token=token, body=body))
    return samples


def read_request(kind: str, draft: dict) -> tuple[str, str, str, None]:
    if kind == "list":
        return kind, "GET", f"/api/v1/annotations/?article={draft['article']}", None
    return kind, "GET", "/api/v1/stats/tags/", None


def clients_run(
    servers: Sequence[Server], *, tokens: list[str], drafts: list[list[dict]], seconds: float
) -> list[Sample]:
    """All the clients at once, for `seconds`; client n starts on server n (mod their count)."""
    deadline = time.monotonic() + seconds
    results: list[list[Sample]] = [[] for _ in tokens]

    def run(number: int) -> None:
        first = number % len(servers)
        results[number] = client_run(
            [*servers[first:], *servers[:first]],
            token=tokens[number],
            drafts=drafts[number],
            deadline=deadline,
        )

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:  # a request started just before the deadline may take its timeout
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + SOCKET_TIMEOUT + 5)
    return [sample for samples in results for sample in samples]


# --- Faults -----------------------------------------------------------------------------------


def database_connections_kill() -> str:
    """Terminate every connection to the load database but this one."""
    with psycopg.connect(load_database_url(), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [LOAD_DATABASE],
        ).fetchone()
    return f"terminated {killed[0] if killed else 0} database connections"


def worker_kill(master: int) -> str:
    workers = worker_pids(master)
    if not workers:
        return "no gunicorn worker to kill"
    os.kill(workers[0], signal.SIGKILL)
    return f"killed gunicorn worker {workers[0]} (SIGKILL)"


def faults_schedule(master: int, seconds: float) -> list[tuple[float, Callable[[], str]]]:
    kills = [(at * seconds, database_connections_kill) for at in DATABASE_KILLS_AT]
    return sorted([*kills, (WORKER_KILL_AT * seconds, lambda: worker_kill(master))])


@contextmanager
def faults_injected(master: int, seconds: float) -> Iterator[list[str]]:
    """A thread that injects the scheduled faults while the body runs; yields their log, which
    is complete once the body is done."""
    log: list[str] = []
    stop = threading.Event()
    started = time.monotonic()

    def inject() -> None:
        for at, fault in faults_schedule(master, seconds):
            if stop.wait(timeout=max(0.0, started + at - time.monotonic())):
                return
            log.append(f"{time.monotonic() - started:5.1f} s  {fault()}")

    thread = threading.Thread(target=inject, daemon=True)
    thread.start()
    try:
        yield log
    finally:
        stop.set()
        thread.join(timeout=SOCKET_TIMEOUT)


# --- Report -----------------------------------------------------------------------------------


def percentiles(timings: list[float]) -> tuple[float, float, float]:
    if len(timings) < 2:
        return (timings[0],) * 3 if timings else (float("nan"),) * 3
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def status_order(status: str) -> tuple[int, str]:
    return (1, status) if status == "error" else (0, status)


def report(samples: list[Sample], *, seconds: float) -> None:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    statuses = sorted({s.status for s in samples}, key=status_order)
    print(
        f"{'kind':<8} {'requests':>9} "
        + " ".join(f"{s:>6}" for s in statuses)
        + f" {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for kind, rows in [*((k, by_kind[k]) for k in KINDS), ("all", samples)]:
        counts = Counter(s.status for s in rows)
        p50, p95, p99 = percentiles([s.ms for s in rows])
        print(
            f"{kind:<8} {len(rows):>9,} "
            + " ".join(f"{counts[s]:>6,}" for s in statuses)
            + f" {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}"
        )
    print(
        f"throughput: {len(samples) / seconds:.1f} requests/s ({len(samples):,} in {seconds:.1f} s)"
    )


def consistency(samples: list[Sample]) -> bool:
    """Print whether every row has its event and every 201 its row. A create whose answer was
    lost (its worker killed after the commit) may have stored a row the client never heard of:
    rows may exceed the 201s by at most the creates that got no answer or a 5xx."""
    rows = Annotation.objects.count()
    created = sum(1 for s in samples if s.kind == "create" and s.status == "201")
    events = Event.objects.filter(kind=Event.Kind.CREATED).count()
    unsure = sum(1 for s in samples if s.kind == "create" and s.status[0] in "5e")
    holds = rows == events and created <= rows <= created + unsure
    print(
        f"consistency: annotation rows {rows:,} == created events {events:,}; "
        f"201 answers {created:,} <= rows <= 201s + creates with no answer or a 5xx "
        f"({created + unsure:,}): {'holds' if holds else 'DOES NOT HOLD'}"
    )
    return holds


# --- Run --------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the run (60)")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
    return args


def served_run(
    articles: list[corpus.LoadedArticle], tokens: list[str], *, seconds: float
) -> tuple[list[Sample], float]:
    """Serve, run the clients under faults, print the faults; the samples and the run's length."""
    drafts = drafts_by_client(articles, clients=len(tokens))
    connection.close()  # the faults would break it; the counts afterwards open a new one
    with gunicorn_served(token=tokens[0]) as server:
        master = server.process.pid
        workers_before = worker_pids(master)
        print(
            f"gunicorn: {len(workers_before)} workers on {server.host}:{server.port} "
            f"(log: {server.log}); {len(tokens)} clients for {seconds:g} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        started = time.monotonic()
        with faults_injected(master, seconds) as faults:
            samples = clients_run([server], tokens=tokens, drafts=drafts, seconds=seconds)
        elapsed = time.monotonic() - started
        workers_after = worker_pids(master)
    print("faults:", *faults, sep="\n  ")
    replaced = len(set(workers_before) - set(workers_after))
    print(f"workers: {len(workers_after)} at the end, {replaced} replaced")
    return samples, elapsed


def exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM (`timeout`, CI cancelling a job) as an exit, so the cleanup still runs."""
    raise SystemExit(128 + signum)


def main() -> int:
    args = arguments()
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    if connection.vendor != "postgresql":
        print(
            "bench/load.py needs PostgreSQL: set DATABASE_URL=postgres://user@host:port/name",
            file=sys.stderr,
        )
        return 2
    connection.settings_dict["TEST"]["NAME"] = LOAD_DATABASE
    with test_database():
        articles, tokens = load(reviewers=args.clients)
        samples, elapsed = served_run(articles, tokens, seconds=args.seconds)
        report(samples, seconds=elapsed)
        return 0 if consistency(samples) else 1


if __name__ == "__main__":
    sys.exit(main())
