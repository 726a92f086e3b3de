"""The labelled pairs the similar-sentence threshold is chosen on, and the similarity computed
without a database agreeing with PostgreSQL's pg_trgm."""

import pytest
from django.db import connection

from claims.similar.normalise import claim_key, claim_text
from claims.similar.quality import (
    DEFAULT_MIN_SCORE,
    Pair,
    pairs_load,
    quality_at,
    similarity,
    threshold_tuned,
)


def test_the_pairs_hold_both_kinds_in_both_splits_with_no_group_in_both():
    pairs = pairs_load()
    assert len(pairs) >= 150
    for split in ("tune", "test"):
        chosen = [pair for pair in pairs if pair.split == split]
        assert {pair.same for pair in chosen} == {True, False}
    tuned = {pair.a for pair in pairs if pair.split == "tune"}
    held_out = {pair.a for pair in pairs if pair.split == "test"}
    assert not tuned & held_out


def test_the_default_min_score_is_the_one_tuned_on_the_tuning_split():
    assert threshold_tuned(pairs_load(split="tune")).threshold == DEFAULT_MIN_SCORE


def test_it_counts_precision_and_recall_of_a_threshold():
    pairs = [
        Pair("no side effects at all", "no side effects at all", True, "same", "test"),
        Pair("no side effects at all", "side effects are rare", True, "reworded", "test"),
        Pair("no side effects at all", "no side effects at all!", False, "negative", "test"),
    ]
    quality = quality_at(pairs, 0.9)
    assert (quality.true_positives, quality.false_positives, quality.false_negatives) == (1, 1, 1)
    assert quality.precision == quality.recall == quality.f1 == 0.5


@pytest.mark.django_db
def test_its_similarity_is_postgresqls_pg_trgm():
    assert connection.vendor == "postgresql"
    pairs = pairs_load()[:60]
    texts = [(claim_key(claim_text(pair.a)), claim_key(claim_text(pair.b))) for pair in pairs]
    with connection.cursor() as cursor:
        for a, b in texts:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert cursor.fetchone()[0] == pytest.approx(similarity(a, b), abs=1e-6)
