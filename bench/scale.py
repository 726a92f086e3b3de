"""bench/load.py's load against one app server and against two sharing one database and Redis.

Loads bench/load.py's corpus (2,000 articles of 20 sentences, a reviewer with an API token per
client) into the throwaway database `claimscope_load`, then runs the same clients for the same
time twice: against one gunicorn server with WORKERS workers, and against two servers with
WORKERS / 2 workers each, each request going to the next server in turn as a round-robin load
balancer would send it. Each client creates annotations on sentences no one has tagged and
reads either that article's annotations or the tag counts, as in bench/load.py (no faults here).

Prints, for both set-ups, the requests and their statuses per kind, p50/p95/p99, throughput,
and the check that nothing was lost: annotation rows written == "created" history events, and
every 201 has its row. Exits 1 when that does not hold. On this 2-core machine the two
set-ups share the same two cores, so the point is that nothing breaks and nothing is lost
with two servers, not a speed-up; the output says so.

Usage: `make bench`, or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimscope python bench/scale.py
[--clients 20] [--seconds 20]`.
"""

import argparse
import os
import signal
import sys
import time
from contextlib import ExitStack

import load
from django.db import connection
from harness import test_database

from claims.models import Annotation, Event

WORKERS = 4


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each run (20)")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
    return args


def setup_run(
    name: str, *, servers: int, tokens: list[str], drafts: list[list[dict]], seconds: float
) -> bool:
    """Serve with `servers` servers of WORKERS // servers workers, run, report; whether the
    consistency check holds for this run."""
    rows_before = Annotation.objects.count()
    events_before = Event.objects.filter(kind=Event.Kind.CREATED).count()
    connection.close()
    workers = WORKERS // servers
    with ExitStack() as stack:
        served = [
            stack.enter_context(load.gunicorn_served(token=tokens[0], workers=workers))
            for _ in range(servers)
        ]
        ports = ", ".join(str(server.port) for server in served)
        print(
            f"\n== {name}: {servers} server(s) x {workers} workers (ports {ports}); "
            f"{len(tokens)} clients for {seconds:g} s",
            flush=True,
        )
        started = time.monotonic()
        samples = load.clients_run(served, tokens=tokens, drafts=drafts, seconds=seconds)
        elapsed = time.monotonic() - started
    load.report(samples, seconds=elapsed)
    rows = Annotation.objects.count() - rows_before
    events = Event.objects.filter(kind=Event.Kind.CREATED).count() - events_before
    created = sum(1 for s in samples if s.kind == "create" and s.status == "201")
    unsure = sum(1 for s in samples if s.kind == "create" and s.status[0] in "5e")
    holds = rows == events and created <= rows <= created + unsure
    failed = sum(1 for s in samples if s.status[0] in "5e")
    print(
        f"nothing lost: {rows:,} annotation rows == {events:,} created events; {created:,} "
        f"201 answers; {failed:,} 5xx or unanswered: {'holds' if holds else 'DOES NOT HOLD'}"
    )
    return holds


def main() -> int:
    args = arguments()
    signal.signal(signal.SIGTERM, load.exit_on_sigterm)
    if connection.vendor != "postgresql":
        print("bench/scale.py needs PostgreSQL: set DATABASE_URL", file=sys.stderr)
        return 2
    connection.settings_dict["TEST"]["NAME"] = load.LOAD_DATABASE
    with test_database():
        articles, tokens = load.load(reviewers=args.clients)
        # Each run gets sentences of its own: the second must not repeat the first's creates.
        drafts = load.drafts_by_client(articles, clients=len(tokens))
        halves = [(d[: len(d) // 2], d[len(d) // 2 :]) for d in drafts]
        one = setup_run(
            "one server",
            servers=1,
            tokens=tokens,
            drafts=[h[0] for h in halves],
            seconds=args.seconds,
        )
        two = setup_run(
            "two servers",
            servers=2,
            tokens=tokens,
            drafts=[h[1] for h in halves],
            seconds=args.seconds,
        )
    print(
        f"\nOn this machine ({os.cpu_count()} CPUs) both set-ups share the same cores and one "
        "PostgreSQL: the figures say that two servers lose and break nothing, not that they "
        "are faster. The gain of a second server comes with a second machine."
    )
    return 0 if one and two else 1


if __name__ == "__main__":
    sys.exit(main())
