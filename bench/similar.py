"""Recurring claims: matching quality on the labelled pairs, and the speed of similar sentences
and corpus search over a 2,000-article corpus.

Usage: `python bench/similar.py [--only quality|speed]` (`make bench`).
Prints:
1. precision, recall and F1 of claim-text similarity at the default min_score (chosen on the
   tuning split of claims/similar/fixtures/pairs.jsonl) on the tuning split and on the held-out
   split, which nothing was tuned on; the held-out recall by kind of rewording;
2. with DATABASE_URL naming a PostgreSQL server, on a throwaway database there: 2,000 articles
   of 63 sentences (~126,000) built from the suggester's labelled clinic pages, with clinic
   names and figures varied per article, and 1,000,000 annotations (10% with a note); then
   GET /api/v1/sentences/{article}/{index}/similar/ for RUNS sentences and
   GET /api/v1/search/ for each of QUERIES, through Django's test client: p50 and p95.

Targets: similar sentences p50 <= 50 ms; corpus search p50 <= 100 ms.
"""

import argparse
import os
import random
import re
import statistics
import time
from collections import Counter

from harness import project_on_path

project_on_path()

from claims.similar.quality import (  # noqa: E402
    DEFAULT_MIN_SCORE,
    pairs_load,
    quality_at,
    threshold_tuned,
)

ARTICLES = 2_000
SENTENCES_PER_ARTICLE = 63
ANNOTATIONS = 1_000_000
PUBLISHERS = 150
RUNS = 60
QUERIES = (
    "side effects",
    '"no side effects"',
    "inject*",
    "stem cells -knee",
    "cure or cures",
    "price",
    "patients improvement",
    '"root cause"',
    "cartilage regrow*",
    "source",  # matches notes too
)
NOTES = ("No source given.", "One case, told as proof.", "Price in dollars only.")


def quality() -> None:
    tune, test = pairs_load(split="tune"), pairs_load(split="test")
    tuned = threshold_tuned(tune)
    print(
        f"matching quality at min_score {DEFAULT_MIN_SCORE} (tuned: {tuned.threshold}), "
        f"{len(tune)} tuning and {len(test)} held-out pairs:"
    )
    for name, pairs in (("tuning", tune), ("held-out", test)):
        q = quality_at(pairs, DEFAULT_MIN_SCORE)
        print(
            f"  {name:9} precision {q.precision:.3f}  recall {q.recall:.3f}  F1 {q.f1:.3f}  "
            f"(TP {q.true_positives}, FP {q.false_positives}, FN {q.false_negatives})"
        )
    kinds = Counter(pair.kind for pair in test if pair.same)
    found = Counter(
        pair.kind for pair in test if pair.same and quality_at([pair], DEFAULT_MIN_SCORE).recall
    )
    kept = Counter(
        pair.kind
        for pair in test
        if not pair.same and not quality_at([pair], DEFAULT_MIN_SCORE).false_positives
    )
    negatives = Counter(pair.kind for pair in test if not pair.same)
    print(
        "  held-out recall by kind: "
        + ", ".join(f"{kind} {found[kind]}/{n}" for kind, n in sorted(kinds.items()))
    )
    print(
        "  held-out negatives kept apart: "
        + ", ".join(f"{kind} {kept[kind]}/{n}" for kind, n in sorted(negatives.items()))
    )


def speed() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("speed figures need PostgreSQL: set DATABASE_URL=postgres://...")
        return
    from harness import django_setup, test_database

    django_setup()
    with test_database():
        articles = _load()
        client = _client()
        _similar_speed(client, articles)
        _search_speed(client)


_NUMBER = re.compile(r"\d+")


def _article_sentences(pool: list[str], number: int, rng: random.Random) -> list[str]:
    """63 labelled clinic sentences, a clinic's name and figures of its own in some of them."""
    clinic = f"Clinic {number % PUBLISHERS + 1}"
    sentences = []
    for text in rng.sample(pool, SENTENCES_PER_ARTICLE - 1):
        text = _NUMBER.sub(lambda m: str(rng.randint(2, 9) * 10 ** (len(m.group()) - 1)), text)
        if rng.random() < 0.2 and text[:1].isupper():
            text = f"At {clinic}, {text[0].lower()}{text[1:]}"
        sentences.append(text)
    sentences.append(f"Page reference {number:05d} of {clinic}.")
    return sentences


def _load() -> list:
    import corpus
    from django.db import connection, transaction

    from claims.bulk_rows import rows_insert
    from claims.models import Annotation, Tag
    from claims.suggest.corpus import HELDOUT_DIR, TRAIN_DIR, read_gold

    started = time.perf_counter()
    pool = sorted({s.text for s in read_gold([TRAIN_DIR, HELDOUT_DIR]) if len(s.text) > 20})
    rng = random.Random(16)
    layouts = [corpus.article_layout(_article_sentences(pool, n, rng)) for n in range(ARTICLES)]
    articles = corpus.articles_insert(
        articles=[
            corpus.plain_text_article(
                text, title=f"Clinic page {n + 1}", publisher=f"Clinic {n % PUBLISHERS + 1}"
            )
            for n, (text, _) in enumerate(layouts)
        ],
        spans=[spans for _, spans in layouts],
    )
    loaded = time.perf_counter()
    rows = corpus.annotation_rows(
        articles,
        total=ANNOTATIONS,
        sentences=SENTENCES_PER_ARTICLE,
        tag_ids=list(Tag.objects.values_list("pk", flat=True)),
        author_ids=[user.pk for user in corpus.reviewers_create(count=4)],
        created_at=lambda r: _moment(r),
        note=lambda r: r.choice(NOTES) if r.random() < 0.1 else "",
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The rows are built from the texts just stored: skip the per-row triggers.
            cursor.execute("SET LOCAL session_replication_role = replica")
        rows_insert(model=Annotation, columns=corpus.ANNOTATION_COLUMNS, rows=rows)
    annotated = time.perf_counter()
    corpus.analyze()
    print(
        f"load: {ARTICLES:,} articles, {ARTICLES * SENTENCES_PER_ARTICLE:,} sentences "
        f"{loaded - started:.1f} s; {ANNOTATIONS:,} annotations {annotated - loaded:.1f} s; "
        f"analyze {time.perf_counter() - annotated:.1f} s",
        flush=True,
    )
    return articles


def _moment(rng: random.Random):
    from datetime import UTC, datetime, timedelta

    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 300 * 86_400))


def _client():
    import corpus
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(corpus.editor_create())
    return client


def _timed(client, url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:300]
    return elapsed, response.json()


def _report(name: str, times: list[float], found: list[int]) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(len(times) * 0.95))]
    print(
        f"{name}: p50 {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over "
        f"{len(times)} requests; results per page: median {statistics.median(found):.0f}, "
        f"max {max(found)}",
        flush=True,
    )


def _similar_speed(client, articles: list) -> None:
    rng = random.Random(7)
    picks = [
        (rng.choice(articles).pk, rng.randrange(SENTENCES_PER_ARTICLE - 1)) for _ in range(RUNS)
    ]
    _timed(client, f"/api/v1/sentences/{picks[0][0]}/{picks[0][1]}/similar/")  # warm up
    times, found = [], []
    for article, index in picks:
        elapsed, body = _timed(client, f"/api/v1/sentences/{article}/{index}/similar/")
        times.append(elapsed)
        found.append(len(body["results"]))
    _report(f"GET .../similar/ (min_score {DEFAULT_MIN_SCORE}, page of 20)", times, found)


def _search_speed(client) -> None:
    from urllib.parse import quote

    _timed(client, "/api/v1/search/?q=cells")  # warm up
    times, found = [], []
    for _ in range(RUNS // len(QUERIES)):
        for query in QUERIES:
            elapsed, body = _timed(client, f"/api/v1/search/?q={quote(query)}")
            times.append(elapsed)
            found.append(len(body["results"]))
    _report(f"GET /api/v1/search/ ({len(QUERIES)} queries, page of 20)", times, found)
    for query in QUERIES:
        elapsed = statistics.median(
            _timed(client, f"/api/v1/search/?q={quote(query)}")[0] for _ in range(3)
        )
        print(f"  {query!r}: {elapsed * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["quality", "speed"])
    only = parser.parse_args().only
    if only in (None, "quality"):
        quality()
    if only in (None, "speed"):
        speed()


if __name__ == "__main__":
    main()
