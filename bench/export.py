"""Time the exports of 100,000 annotations over 1,000 articles, and measure their memory.

CSV, JSONL (native, articles with their text and sentences included) and W3C JSON-LD, each
through the download endpoint (Django's test client, signed in as an editor, the streamed body
read chunk by chunk) and through `manage.py export_corpus` (writing to a sink that encodes
and counts). For each: the median of REPEATS runs in seconds, the growth of the process's
peak resident memory over the run (VmHWM, reset before it), and the peak of Python's own
allocations under tracemalloc (a separate run, since tracing slows everything down).

The data lives in its own database on the server named by DATABASE_URL,
`claimscope_bench_export`, created and loaded on the first run and reused after that (it is
reloaded when its counts are not the expected ones). Without DATABASE_URL it uses
var/bench_export.sqlite3, which checks that the script works but says nothing about the targets.

Targets (PostgreSQL, 2-core machine): under 5 s each, peak memory growth under 100 MB.

Usage: `make bench`, or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimscope python bench/export.py`.
"""

import gc
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from urllib.parse import urlsplit, urlunsplit

from harness import ROOT, django_setup

BENCH_DATABASE = "claimscope_bench_export"


def bench_database_url() -> str:
    """DATABASE_URL's server with the bench's own database; SQLite in var/ without one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{ROOT / 'var' / 'bench_export.sqlite3'}"
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def postgres_database_ensure(url: str) -> None:
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if found.fetchone() is None:
            server.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


os.environ["DATABASE_URL"] = bench_database_url()
if os.environ["DATABASE_URL"].startswith("postgres"):
    postgres_database_ensure(os.environ["DATABASE_URL"])
else:
    (ROOT / "var").mkdir(exist_ok=True)
django_setup()

import corpus  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from claims.bulk_rows import rows_insert  # noqa: E402
from claims.models import Annotation, Article, Sentence, Tag  # noqa: E402

ARTICLES = 1_000
ANNOTATIONS = 100_000
SENTENCES = 20
PUBLISHERS = 40
REVIEWERS = 10
REPEATS = 3
TARGET_SECONDS, TARGET_MB = 5.0, 100.0
MB = 1024 * 1024

CLAIMS = [
    "Our {t} programme has helped more than {n} patients since {y}.",
    "{T} is completely safe and has no side effects at all.",
    "A course of {k} sessions costs from $1,{n} to $9,{n}*, half the price of other clinics.",
    "A 52-year-old woman was symptom-free after {k} infusions 🙌.",
    "Clinical studies show that {t} works for {p}% of people.",
    "Book a free consultation with one of our “world-class” practitioners today.",
    "{T} targets the root cause and clears toxins from the body ✅.",
    "We are the world's only clinic to offer the full {t} protocol.",
]
TREATMENTS = ["ozone therapy", "stem cell injections", "peptide infusions", "cryotherapy"]
# One note in five: commas, quotes and line breaks, so CSV quoting is part of the cost.
NOTES = [
    "",
    "",
    "",
    "",
    'Cites "a study", no reference;\nthe figure is from their own patients, unaudited.',
]
NOW = datetime(2025, 6, 1, tzinfo=UTC)


# --- Data -------------------------------------------------------------------------------------


def article_sentences(number: int, rng: random.Random) -> list[str]:
    """A clinic page of SENTENCES sentences; the last one makes every text unique."""
    treatment = rng.choice(TREATMENTS)
    sentences = []
    for _ in range(SENTENCES - 1):
        values = {"n": rng.randint(100, 999), "y": rng.randint(1995, 2022)}
        values |= {"k": rng.randint(2, 9), "p": rng.randint(60, 99)}
        sentences.append(rng.choice(CLAIMS).format(t=treatment, T=treatment.capitalize(), **values))
    sentences.append(f"Reference EX-{number:05d}, reviewed by our clinical team.")
    return sentences


def new_article(number: int, text: str, author: User) -> Article:
    return Article(
        title=f"What our {number} clinic offers",
        publisher=f"Clinic {number % PUBLISHERS:02d}",
        source_url=f"https://clinic{number % PUBLISHERS:02d}.example/page/{number}",
        media_type="text/plain",
        original_size=len(text.encode()),
        text=text,
        text_length=len(text),
        content_sha256=sha256(text.encode()).hexdigest(),
        language="en",
        status=Article.Status.IN_REVIEW,
        created_by=author,
    )


def load_articles(author: User) -> list[corpus.LoadedArticle]:
    rng = random.Random(1)
    layouts = [corpus.article_layout(article_sentences(number, rng)) for number in range(ARTICLES)]
    return corpus.articles_insert(
        articles=[new_article(number, text, author) for number, (text, _) in enumerate(layouts)],
        spans=[spans for _, spans in layouts],
    )


def created_in_the_year(rng: random.Random) -> datetime:
    """A random second of the year before NOW."""
    return NOW - timedelta(seconds=rng.randrange(365 * 86_400))


def review_note(rng: random.Random) -> str:
    return rng.choice(NOTES)


def loaded() -> bool:
    return (
        Article.objects.count() == ARTICLES
        and Annotation.objects.count() == ANNOTATIONS
        and User.objects.filter(username="bench-editor").exists()
    )


def load() -> None:
    started = time.perf_counter()
    tables = [m._meta.db_table for m in (Annotation, Sentence, Article)]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        User.objects.all().delete()
        corpus.editor_create()
        reviewers = corpus.reviewers_create(count=REVIEWERS)
        articles = load_articles(reviewers[0])
        rows = corpus.annotation_rows(
            articles,
            total=ANNOTATIONS,
            sentences=SENTENCES,
            tag_ids=list(Tag.objects.values_list("pk", flat=True)),
            author_ids=[user.pk for user in reviewers],
            created_at=created_in_the_year,
            note=review_note,
        )
        rows_insert(model=Annotation, columns=corpus.ANNOTATION_COLUMNS, rows=rows)
    corpus.analyze()
    print(
        f"loaded {ARTICLES:,} articles, {ANNOTATIONS:,} annotations in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Runs -------------------------------------------------------------------------------------


class Sink:
    """Standard output for the command: encodes what it is given, as a file would, and keeps
    only the count."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> None:
        self.size += len(text.encode("utf-8"))

    def flush(self) -> None:
        pass


def download(client: Client, fmt: str) -> Callable[[], int]:
    url = reverse("claims:corpus_export", args=[fmt])

    def run() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        chunks = response.streaming_content  # type: ignore[attr-defined]  # a streamed download
        size = sum(len(chunk) for chunk in chunks)
        response.close()
        return size

    return run


def command(fmt: str) -> Callable[[], int]:
    def run() -> int:
        sink = Sink()
        call_command("export_corpus", "--format", fmt, stdout=sink)
        return sink.size

    return run


@dataclass(frozen=True)
class Result:
    name: str
    size: int
    seconds: float
    rss_growth: float
    traced_peak: float

    def line(self) -> str:
        met = self.seconds < TARGET_SECONDS and max(self.rss_growth, self.traced_peak) < TARGET_MB
        return (
            f"{self.name:<22} {self.size / MB:>8.1f} {self.seconds:>8.2f} "
            f"{self.rss_growth:>11.1f} {self.traced_peak:>11.1f} {'yes' if met else 'NO':>4}"
        )


def rss_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_reset() -> None:
    """Start VmHWM again from the current RSS (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def measured(name: str, run: Callable[[], int]) -> Result:
    run()  # warm-up: imports, connection, query plans
    seconds, growth = [], []
    for _ in range(REPEATS):
        gc.collect()
        peak_rss_reset()
        before = rss_mb("VmRSS")
        started = time.perf_counter()
        size = run()
        seconds.append(time.perf_counter() - started)
        growth.append(rss_mb("VmHWM") - before)
    gc.collect()
    tracemalloc.start()
    run()
    traced_peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return Result(name, size, statistics.median(seconds), max(growth), traced_peak)


def main() -> None:
    settings.DEBUG = False  # no query log
    call_command("migrate", verbosity=0)
    if not loaded():
        load()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="bench-editor"))
    where = "PostgreSQL" if is_postgres() else "SQLite (the targets are for PostgreSQL)"
    print(
        f"{ARTICLES:,} articles, {ANNOTATIONS:,} annotations, {where}; median of {REPEATS} "
        f"runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'export':<22} {'MB out':>8} {'seconds':>8} {'RSS +MB':>11} {'traced MB':>11} {'met':>4}"
    )
    for fmt in ("csv", "jsonl", "w3c"):
        print(measured(f"{fmt} download", download(client, fmt)).line(), flush=True)
        print(measured(f"{fmt} command", command(fmt)).line(), flush=True)


if __name__ == "__main__":
    main()
