"""Claim clusters: how well cluster co-membership tells the same claim from a different one,
and how long clustering the bench corpus takes, from scratch and per new article.

Usage: `python bench/clusters.py [--only quality|speed] [--articles N]`.
Prints:
1. precision, recall and F1 of cluster co-membership (two sentences of a labelled pair in one
   cluster) on the tuning and the held-out pairs of claims/similar/fixtures/pairs.jsonl, every
   sentence of a split clustered together as if each came from an article of its own; beside
   it, pairwise matching at the same threshold (bench/similar.py's figure);
2. with DATABASE_URL naming a PostgreSQL server, on a throwaway database there, the corpus of
   bench/similar.py (2,000 articles of 63 sentences, 1,000,000 annotations; fewer articles
   with --articles, the annotations in proportion): the time of a rebuild from scratch, then
   NEW more articles, tagged, each brought into the clusters by clusters_article_update:
   p50 and p95, and its queries (the same number whatever the article).

Target: incremental per new article p50 <= 1 s.
"""

import argparse
import os
import random
import statistics
import time

from harness import project_on_path

project_on_path()

from claims.similar.clusters import co_membership  # noqa: E402
from claims.similar.normalise import claim_key, claim_text  # noqa: E402
from claims.similar.quality import DEFAULT_MIN_SCORE, pairs_load, quality_at  # noqa: E402

NEW = 20
ANNOTATIONS_PER_ARTICLE = 500


def quality() -> None:
    print(f"cluster co-membership at similarity {DEFAULT_MIN_SCORE}:")
    for name, split in (("tuning", "tune"), ("held-out", "test")):
        pairs = pairs_load(split=split)
        keys = {text: claim_key(claim_text(text)) for p in pairs for text in (p.a, p.b)}
        q = co_membership(pairs, keys=keys, threshold=DEFAULT_MIN_SCORE)
        pairwise = quality_at(pairs, DEFAULT_MIN_SCORE)
        print(
            f"  {name:9} precision {q.precision:.3f}  recall {q.recall:.3f}  F1 {q.f1:.3f}  "
            f"(TP {q.true_positives}, FP {q.false_positives}, FN {q.false_negatives}; "
            f"{len(pairs)} pairs)  pairwise F1 {pairwise.f1:.3f}"
        )


def speed(articles: int) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("speed figures need PostgreSQL: set DATABASE_URL=postgres://...")
        return
    from harness import django_setup, test_database

    django_setup()
    import similar

    similar.ARTICLES = articles
    similar.ANNOTATIONS = articles * ANNOTATIONS_PER_ARTICLE
    with test_database():
        similar._load()
        _rebuild_speed()
        _incremental_speed(articles)


def _rebuild_speed() -> None:
    from claims.models import ClaimCluster, ClusterMember
    from claims.services.clusters import clusters_rebuild

    steps: list[float] = []
    started = time.perf_counter()
    made = clusters_rebuild(progress=lambda done: steps.append(time.perf_counter()))
    elapsed = time.perf_counter() - started
    stamps = [*steps, started + elapsed]
    names = ("read", "alike keys", "cluster", "store")
    split = ", ".join(
        f"{n} {b - a:.1f} s" for n, a, b in zip(names, stamps, stamps[1:], strict=False)
    )
    widest = ClaimCluster.objects.order_by("-publisher_count").first()
    print(
        f"rebuild from scratch: {elapsed:.1f} s ({split}); {made:,} clusters, "
        f"{ClusterMember.objects.count():,} sentences in them; widest: "
        f"{widest.publisher_count if widest else 0} publishers",
        flush=True,
    )


def _new_articles(first: int) -> list:
    import corpus
    import similar
    from django.contrib.auth.models import User
    from django.db import transaction

    from claims.bulk_rows import rows_insert
    from claims.models import Annotation, Tag
    from claims.suggest.corpus import HELDOUT_DIR, TRAIN_DIR, read_gold

    pool = sorted({s.text for s in read_gold([TRAIN_DIR, HELDOUT_DIR]) if len(s.text) > 20})
    rng = random.Random(61)
    layouts = [
        corpus.article_layout(similar._article_sentences(pool, first + n, rng)) for n in range(NEW)
    ]
    loaded = corpus.articles_insert(
        articles=[
            corpus.plain_text_article(
                text, title=f"New clinic page {n + 1}", publisher=f"New clinic {n + 1}"
            )
            for n, (text, _) in enumerate(layouts)
        ],
        spans=[spans for _, spans in layouts],
    )
    rows = corpus.annotation_rows(
        loaded,
        total=NEW * ANNOTATIONS_PER_ARTICLE,
        sentences=similar.SENTENCES_PER_ARTICLE,
        tag_ids=list(Tag.objects.values_list("pk", flat=True)),
        author_ids=list(
            User.objects.filter(username__startswith="reviewer").values_list("pk", flat=True)
        ),
        created_at=similar._moment,
        note=lambda r: "",
    )
    with transaction.atomic():
        rows_insert(model=Annotation, columns=corpus.ANNOTATION_COLUMNS, rows=rows)
    return loaded


def _incremental_speed(articles: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.services.clusters import clusters_article_update

    new = _new_articles(articles)
    times, queries, touched = [], [], []
    for article in new:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            touched.append(len(clusters_article_update(article_id=article.pk)))
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
    times.sort()
    p95 = times[min(len(times) - 1, round(len(times) * 0.95))]
    print(
        f"incremental per new article ({NEW} articles of 63 sentences, "
        f"{ANNOTATIONS_PER_ARTICLE} annotations each): "
        f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
        "clusters touched per article: median "
        f"{statistics.median(touched):.0f}; queries per article: {min(queries)} to {max(queries)}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["quality", "speed"])
    parser.add_argument("--articles", type=int, default=2_000)
    arguments = parser.parse_args()
    if arguments.only in (None, "quality"):
        quality()
    if arguments.only in (None, "speed"):
        speed(arguments.articles)


if __name__ == "__main__":
    main()
