"""claims.similar.clusters: greedy leader clustering of tagged sentences by claim key, and how
well cluster co-membership tells the same claim from a different one."""

from claims.similar.clusters import (
    TaggedSentence,
    clusters_formed,
    co_membership,
    key_groups,
)
from claims.similar.normalise import claim_key, claim_text
from claims.similar.quality import DEFAULT_MIN_SCORE, Pair, pairs_load


def groups_of(*rows: tuple[int, int, str]):
    return key_groups(TaggedSentence(*row) for row in rows)


def test_it_groups_sentences_with_the_same_key_across_articles():
    groups = groups_of((1, 10, "nosideeffects"), (2, 20, "nosideeffects"), (3, 20, "cure"))
    assert groups["nosideeffects"].sentence_ids == [1, 2]
    assert groups["nosideeffects"].article_ids == {10, 20}
    [cluster] = clusters_formed(groups, [])
    assert (cluster.key, cluster.representative, cluster.members) == ("nosideeffects", 1, (1, 2))
    assert cluster.articles == {10, 20}


def test_it_needs_two_articles_for_a_cluster():
    groups = groups_of((1, 10, "cure"), (2, 10, "cure"), (3, 30, "price"))
    assert clusters_formed(groups, []) == []


def test_the_most_quoted_key_leads_and_takes_its_alike_keys():
    groups = groups_of(
        (1, 10, "wide"), (2, 20, "wide"), (3, 30, "wide"), (4, 40, "near"), (5, 50, "far")
    )
    [cluster] = clusters_formed(groups, [("near", "wide"), ("far", "near")])
    # "far" is alike to "near" only, not to the leader: it stays out (and alone).
    assert cluster.key == "wide"
    assert cluster.members == (1, 2, 3, 4)
    assert cluster.representative == 1


def test_a_key_taken_by_one_leader_is_not_taken_again():
    groups = groups_of((1, 10, "a"), (2, 20, "a"), (3, 30, "b"), (4, 40, "b"), (5, 50, "c"))
    clusters = clusters_formed(groups, [("a", "c"), ("b", "c")])
    members = [set(cluster.members) for cluster in clusters]
    assert members == [{1, 2, 5}, {3, 4}]


def test_the_result_does_not_depend_on_the_order_of_the_input():
    rows = [(1, 10, "a"), (2, 20, "b"), (3, 30, "c"), (4, 40, "b")]
    alike = [("a", "b"), ("b", "c")]
    forward = clusters_formed(groups_of(*rows), alike)
    backward = clusters_formed(groups_of(*reversed(rows)), list(reversed(alike)))
    assert [c.members for c in forward] == [tuple(sorted(c.members)) for c in backward]


def test_it_ignores_pairs_of_unknown_keys_and_of_a_key_with_itself():
    groups = groups_of((1, 10, "a"), (2, 20, "b"))
    assert clusters_formed(groups, [("a", "a"), ("a", "zzz")]) == []


def test_co_membership_counts_pairs_kept_together_and_apart():
    pairs = [
        Pair(
            "Our cells have no side effects.",
            "Our cells have no side effects at all.",
            True,
            "x",
            "test",
        ),
        Pair(
            "Our cells have no side effects.",
            "Parking is free for every visitor.",
            False,
            "x",
            "test",
        ),
    ]
    keys = {t: claim_key(claim_text(t)) for p in pairs for t in (p.a, p.b)}
    result = co_membership(pairs, keys=keys, threshold=DEFAULT_MIN_SCORE)
    assert (result.true_positives, result.false_positives, result.false_negatives) == (1, 0, 0)
    assert result.precision == result.recall == result.f1 == 1.0


def test_co_membership_on_the_held_out_pairs_finds_most_same_claims():
    pairs = pairs_load(split="test")
    keys = {t: claim_key(claim_text(t)) for p in pairs for t in (p.a, p.b)}
    result = co_membership(pairs, keys=keys, threshold=DEFAULT_MIN_SCORE)
    assert result.true_positives + result.false_negatives == sum(p.same for p in pairs)
    assert result.precision > 0.5 and result.recall > 0.5
