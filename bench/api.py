"""Time the REST API on a realistic volume: 2,000 articles and 1,000,000 annotations.

Loads the data with PostgreSQL COPY into a throwaway test database on the server named by
DATABASE_URL, then times real requests (in-process WSGI through DRF's APIClient, token auth)
and prints p50 and p95 per endpoint. Without DATABASE_URL it runs on SQLite with 20,000
annotations, which checks that the script works but says nothing about the targets.

Targets (PostgreSQL, 2-core machine, p50): counts (`stats/tags/`) < 150 ms, a 200-row list
page < 40 ms, creating one annotation < 25 ms.

Then, in a database of its own, it imports 1,000 articles of about 5 KB each: in one request
to the bulk endpoint (target < 5 s), with `import_articles` from 1,000 files, and, for
comparison, 100 of them one POST each. `--imports` runs only this part.

Usage: `make bench`, or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimscope python bench/api.py [--imports]`.
"""

import base64
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from itertools import product
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from harness import django_setup, test_database

django_setup()

import corpus  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from claims.bulk_rows import rows_insert  # noqa: E402
from claims.models import Annotation, Article, Tag  # noqa: E402

ARTICLES = 2_000
SENTENCES = 20
PUBLISHERS = 50
REVIEWERS = 10
MONTHS = 24
ANNOTATIONS = {"postgresql": 1_000_000, "sqlite": 20_000}
WARMUPS, REPEATS = 3, 30
BULK_SIZE, BULK_WARMUPS, BULK_REPEATS = 5_000, 1, 5
PAGE_SIZE = 200
PAGES_DEEP = 20

TREATMENTS = ["cupping", "ozone therapy", "IV vitamin drips", "cryotherapy", "reflexology"]
CITIES = ["Leeds", "Bristol", "Norwich", "York", "Derby", "Bath", "Exeter", "Hull", "Ely", "Wells"]
CLINIC_KINDS = ["Wellness", "Natural Health", "Holistic", "Family", "Vitality"]
CLAIMS = [
    "Our {t} programme has helped more than {n} patients in {c} since {y}.",
    "Most patients notice a real difference after just {k} sessions.",
    "{T} is completely safe and has no side effects at all.",
    "A course of {k} sessions costs {p} pounds, half the price of clinics in London.",
    "One patient told us her back pain vanished after the very first visit.",
    "Clinical studies show that {t} works for {pct} percent of people.",
    "Book a free consultation with one of our practitioners today.",
    "Our therapists trained at the {c} Institute of Integrative Care.",
    "Results are guaranteed or we give you your money back.",
    "{T} boosts the immune system and clears toxins from the body.",
    "Doctors are amazed by what {t} can do for chronic fatigue.",
    "Sessions last about {k}0 minutes and you can go straight back to work.",
    "We are the only clinic in {c} to offer the full {t} protocol.",
    "Many of our clients have stopped taking their prescribed medication.",
    "Parking is free and the clinic is a short walk from {c} station.",
]


@dataclass(frozen=True)
class Case:
    name: str
    target_ms: float | None
    call: Callable[[], object]
    repeats: int = REPEATS
    warmups: int = WARMUPS


# --- Data -------------------------------------------------------------------------------------


def article_sentences(number: int, rng: random.Random) -> list[str]:
    """Twenty short clinic-marketing sentences; the last one makes every text unique."""
    treatment = rng.choice(TREATMENTS)
    fill = {"t": treatment, "T": treatment.capitalize(), "c": rng.choice(CITIES)}
    sentences = []
    for template in rng.choices(CLAIMS, k=SENTENCES - 1):
        numbers = {"n": rng.randint(50, 5000), "y": rng.randint(1995, 2022), "k": rng.randint(2, 9)}
        numbers |= {"p": rng.randint(9, 90) * 10, "pct": rng.randint(60, 99)}
        sentences.append(template.format(**fill, **numbers))
    sentences.append(f"Reference BC-{number:05d}, reviewed by our clinical team.")
    return sentences


def publisher_name(number: int) -> str:
    city, kind = CITIES[number % len(CITIES)], CLINIC_KINDS[number // len(CITIES)]
    return f"{city} {kind} Clinic"


def new_article(number: int, text: str) -> Article:
    return Article(
        title=f"What to expect at your first visit ({number})",
        publisher=publisher_name(number % PUBLISHERS),
        media_type="text/plain",
        original_size=len(text),
        text=text,
        text_length=len(text),
        content_sha256=sha256(text.encode()).hexdigest(),
        language="en",
    )


def load_articles() -> list[corpus.LoadedArticle]:
    """The articles through the ORM (2,000 rows), their sentences by COPY."""
    rng = random.Random(1)
    layouts = [corpus.article_layout(article_sentences(number, rng)) for number in range(ARTICLES)]
    return corpus.articles_insert(
        articles=[new_article(number, text) for number, (text, _) in enumerate(layouts)],
        spans=[spans for _, spans in layouts],
    )


def created_before(now: datetime) -> Callable[[random.Random], datetime]:
    """A random moment over the MONTHS months before `now`."""
    window = MONTHS * 30.4 * 86_400
    return lambda rng: now - timedelta(seconds=rng.random() * window)


def review_note(rng: random.Random) -> str:
    return "No source given." if rng.random() < 0.1 else ""


@contextmanager
def triggers_off() -> Iterator[None]:
    """Skip PostgreSQL's per-row triggers (foreign keys, span within text) for one transaction,
    as pg_restore --disable-triggers does: the rows are built from the texts just stored, so the
    checks would find nothing and double the load time. CHECK and UNIQUE constraints still apply."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        yield


def load() -> list[corpus.LoadedArticle]:
    total = ANNOTATIONS.get(connection.vendor, ANNOTATIONS["sqlite"])
    started = time.perf_counter()
    articles = load_articles()
    articles_at = time.perf_counter()
    rows = corpus.annotation_rows(
        articles,
        total=total,
        sentences=SENTENCES,
        tag_ids=list(Tag.objects.values_list("pk", flat=True)),
        author_ids=[user.pk for user in corpus.reviewers_create(count=REVIEWERS)],
        created_at=created_before(datetime.now(UTC)),
        note=review_note,
    )
    with triggers_off():
        rows_insert(model=Annotation, columns=corpus.ANNOTATION_COLUMNS, rows=rows)
    annotations_at = time.perf_counter()
    corpus.analyze()
    done = time.perf_counter()
    how = "COPY, triggers off" if connection.vendor == "postgresql" else "executemany"
    print(
        f"load ({how}): {ARTICLES:,} articles + {ARTICLES * SENTENCES:,} sentences "
        f"{articles_at - started:.1f} s, {total:,} annotations {annotations_at - articles_at:.1f} s"
        f", analyze {done - annotations_at:.1f} s; total {done - started:.1f} s",
        flush=True,
    )
    return articles


# --- Requests ---------------------------------------------------------------------------------


def editor_client() -> APIClient:
    token = Token.objects.create(user=corpus.editor_create())
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def expect(response, status: int):
    if response.status_code != status:
        raise RuntimeError(f"{response.status_code} (expected {status}): {response.content[:500]}")
    return response


def getter(client: APIClient, url: str) -> Callable[[], object]:
    return lambda: expect(client.get(url), 200)


def later_page(client: APIClient) -> str:
    """The path of the page PAGES_DEEP `next` links after the first."""
    url = f"/api/v1/annotations/?page_size={PAGE_SIZE}"
    for _ in range(PAGES_DEEP):
        next_url = urlsplit(expect(client.get(url), 200).json()["next"])
        url = f"{next_url.path}?{next_url.query}"
    return url


def editor_drafts(articles: list[corpus.LoadedArticle]) -> Iterator[dict]:
    """Spans the editor has not tagged yet: each sentence of every article, tag by tag."""
    for tag, sentence, article in product(
        Tag.objects.values_list("slug", flat=True), range(SENTENCES), articles
    ):
        yield {"article": article.pk, "tag": tag, "sentences": [sentence, sentence]}


def creator(client: APIClient, drafts: Iterator[dict]) -> Callable[[], object]:
    url = "/api/v1/annotations/"
    return lambda: expect(client.post(url, next(drafts), format="json"), 201)


def bulk_creator(client: APIClient, drafts: Iterator[dict]) -> Callable[[], object]:
    def call():
        batch = [next(drafts) for _ in range(BULK_SIZE)]
        response = client.post("/api/v1/annotations/bulk/", {"annotations": batch}, format="json")
        return expect(response, 201)

    return call


def cases(client: APIClient, articles: list[corpus.LoadedArticle]) -> list[Case]:
    stats, annotations = "/api/v1/stats/tags/", "/api/v1/annotations/"
    one_publisher = urlencode({"group_by": "month,tag", "publisher": publisher_name(0)})
    drafts = editor_drafts(articles)
    return [
        Case("stats publisher,tag", 150, getter(client, f"{stats}?group_by=publisher,tag")),
        Case("stats tag", 150, getter(client, stats)),
        Case("stats author,tag", 150, getter(client, f"{stats}?group_by=author,tag")),
        Case(
            "stats month,tag, one publisher",
            150,
            getter(client, f"{stats}?{one_publisher}"),
        ),
        Case("list page 1 (200)", 40, getter(client, f"{annotations}?page_size={PAGE_SIZE}")),
        Case(f"list page {PAGES_DEEP + 1} (cursor)", 40, getter(client, later_page(client))),
        Case(
            "list page 1 (200), jsonld",
            None,
            getter(client, f"{annotations}?page_size={PAGE_SIZE}&format=jsonld"),
        ),
        Case("create one", 25, creator(client, drafts)),
        Case(
            f"bulk create {BULK_SIZE:,}",
            None,
            bulk_creator(client, drafts),
            repeats=BULK_REPEATS,
            warmups=BULK_WARMUPS,
        ),
    ]


def timings_ms(case: Case) -> list[float]:
    for _ in range(case.warmups):
        case.call()
    timings = []
    for _ in range(case.repeats):
        started = time.perf_counter()
        case.call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report_line(case: Case, timings: list[float]) -> str:
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
    if case.target_ms is None:
        target, met = "-", "-"
    else:
        target, met = f"< {case.target_ms:.0f}", "yes" if p50 < case.target_ms else "NO"
    return f"{case.name:<32} {len(timings):>3} {p50:>9.1f} {p95:>9.1f} {target:>8} {met:>4}"


def run(cases_for: Callable[[APIClient, list[corpus.LoadedArticle]], list[Case]]) -> None:
    """Load the data into a throwaway database, time the cases `cases_for` gives and print a
    line for each."""
    with test_database():
        if connection.vendor != "postgresql":
            print(f"database: {connection.vendor}, a smaller load; the targets are for PostgreSQL")
        articles = load()
        client = editor_client()
        print(
            "requests: in-process WSGI (DRF APIClient, Authorization: Token), no network; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        print(f"{'endpoint':<32} {'n':>3} {'p50 ms':>9} {'p95 ms':>9} {'target':>8} {'met':>4}")
        for case in cases_for(client, articles):
            print(report_line(case, timings_ms(case)), flush=True)


# --- Importing articles -----------------------------------------------------------------------

IMPORT_ARTICLES, IMPORT_CHARS, IMPORT_REPEATS = 1_000, 5_000, 3
SINGLE_POSTS = 100
IMPORT_TARGET_S = 5.0


def import_text(number: int, rng: random.Random) -> str:
    """About IMPORT_CHARS of clinic text in paragraphs of five sentences, its own by the
    reference numbers in it."""
    paragraphs: list[str] = []
    part = 0
    while sum(len(p) + 2 for p in paragraphs) < IMPORT_CHARS:
        sentences = article_sentences(number * 1_000 + part, rng)
        paragraphs += [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        part += 1
    return "\n\n".join(paragraphs)


def import_texts(first: int, count: int) -> list[str]:
    rng = random.Random(first)
    return [import_text(number, rng) for number in range(first, first + count)]


def bulk_body(texts: list[str], first: int) -> bytes:
    """Half the articles as pasted text, half as base64 files, as an importer would send."""
    items = []
    for number, text in enumerate(texts, start=first):
        item = {"title": f"Clinic page {number}", "publisher": publisher_name(number % PUBLISHERS)}
        if number % 2:
            item |= {"file": base64.b64encode(text.encode()).decode(), "filename": f"{number}.txt"}
        else:
            item["text"] = text
        items.append(item)
    return json.dumps({"articles": items}).encode()


Timing = tuple[float, float]  # wall-clock seconds, and CPU seconds of this process


@contextmanager
def timed(into: list[Timing]) -> Iterator[None]:
    """Wall-clock and CPU time of the block. On a busy machine the CPU time (this process
    only; PostgreSQL's work is not in it) says more than the wall clock."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.append((time.perf_counter() - wall, time.process_time() - cpu))


def time_bulk(client: APIClient, first: int) -> Timing:
    body = bulk_body(import_texts(first, IMPORT_ARTICLES), first)
    timing: list[Timing] = []
    with timed(timing):
        response = client.post("/api/v1/articles/bulk/", body, content_type="application/json")
    created = expect(response, 200).json()["created"]
    if created != IMPORT_ARTICLES:
        raise RuntimeError(f"{created} of {IMPORT_ARTICLES} articles created")
    return timing[0]


def time_single_posts(client: APIClient, first: int) -> Timing:
    """SINGLE_POSTS articles one POST each, scaled to IMPORT_ARTICLES."""
    texts = import_texts(first, SINGLE_POSTS)
    timing: list[Timing] = []
    with timed(timing):
        for number, text in enumerate(texts, start=first):
            body = {"text": text, "title": f"Clinic page {number}"}
            expect(client.post("/api/v1/articles/", body, format="json"), 201)
    scale = IMPORT_ARTICLES / SINGLE_POSTS
    return timing[0][0] * scale, timing[0][1] * scale


def time_import_command(first: int) -> Timing:
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-import-") as folder:
        paths = []
        for number, text in enumerate(import_texts(first, IMPORT_ARTICLES), start=first):
            path = Path(folder) / f"clinic-{number}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        timing: list[Timing] = []
        with timed(timing):
            call_command("import_articles", *paths, stdout=io.StringIO())
        return timing[0]


def import_line(name: str, timings: list[Timing], target: float | None) -> str:
    wall = statistics.median(t for t, _ in timings)
    cpu = statistics.median(c for _, c in timings)
    each = ", ".join(f"{t:.2f}" for t, _ in timings)
    met = "-" if target is None else ("yes" if wall < target else "NO")
    goal = "-" if target is None else f"< {target:.0f}"
    return f"{name:<40} {wall:>8.2f} {cpu:>8.2f} {goal:>6} {met:>4}   ({each})"


def run_imports() -> None:
    """Time the imports in a throwaway database, each run on texts not stored yet."""
    with test_database():
        client = editor_client()
        expect(client.get("/api/v1/tags/"), 200)  # the first request imports every view
        print(
            f"imports: {IMPORT_ARTICLES:,} articles of ~{IMPORT_CHARS / 1000:.0f} KB, median of "
            f"{IMPORT_REPEATS} (each run new texts, into the growing corpus); "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        print(f"{'import':<40} {'wall s':>8} {'cpu s':>8} {'target':>6} {'met':>4}   (wall s each)")
        step = IMPORT_ARTICLES * 10
        bulk = [time_bulk(client, step * (run + 1)) for run in range(IMPORT_REPEATS)]
        print(import_line("bulk endpoint, one request", bulk, IMPORT_TARGET_S), flush=True)
        command = [time_import_command(step * (run + 11)) for run in range(IMPORT_REPEATS)]
        print(import_line("import_articles, 1,000 files", command, None), flush=True)
        single = time_single_posts(client, step * 21)
        print(import_line(f"one POST each ({SINGLE_POSTS} timed, x10)", [single], None))
        print(f"articles stored: {Article.objects.count():,}")


if __name__ == "__main__":
    if "--imports" not in sys.argv[1:]:
        run(cases)
    run_imports()
