"""Claim clusters as pure functions: tagged sentences grouped by their claim key, and greedy
leader clustering over the pairs of keys the database found alike.

Sentences with the same claim key make the same claim whatever else they say, so the clustering
runs over keys, not sentences: a corpus where many clinics copy one page has far fewer keys than
sentences. The widest-quoted key leads: it takes every key alike to it that no earlier leader
took, and the cluster it forms is kept when its sentences come from two articles or more.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from claims.similar.quality import Counts, Pair, similarity


@dataclass(frozen=True)
class TaggedSentence:
    """A sentence with at least one annotation on it, as the clustering sees it."""

    id: int
    article_id: int
    key: str


@dataclass
class KeyGroup:
    """The tagged sentences sharing one claim key."""

    key: str
    sentence_ids: list[int] = field(default_factory=list)
    article_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Cluster:
    """One cluster: its representative sentence (the first of its leading key) and members."""

    key: str
    representative: int
    members: tuple[int, ...]
    articles: frozenset[int]


def key_groups(sentences: Iterable[TaggedSentence]) -> dict[str, KeyGroup]:
    groups: dict[str, KeyGroup] = {}
    for sentence in sentences:
        group = groups.setdefault(sentence.key, KeyGroup(sentence.key))
        group.sentence_ids.append(sentence.id)
        group.article_ids.add(sentence.article_id)
    return groups


def clusters_formed(groups: dict[str, KeyGroup], alike: Iterable[tuple[str, str]]) -> list[Cluster]:
    """Greedy leader clustering of the key groups over the pairs of alike keys: leaders in
    order of how many articles quote them (then how many keys are alike to them, then the key
    itself, so the result never depends on the order of the input)."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in alike:
        if a != b and a in groups and b in groups:
            neighbours[a].add(b)
            neighbours[b].add(a)
    order = sorted(groups, key=lambda k: (-len(groups[k].article_ids), -len(neighbours[k]), k))
    taken: set[str] = set()
    clusters = []
    for leader in order:
        if leader in taken:
            continue
        keys = [leader, *sorted(neighbours[leader] - taken)]
        taken.update(keys)
        cluster = _cluster_of([groups[key] for key in keys])
        if len(cluster.articles) >= 2:
            clusters.append(cluster)
    return clusters


def _cluster_of(groups: Sequence[KeyGroup]) -> Cluster:
    members = sorted(pk for group in groups for pk in group.sentence_ids)
    articles = frozenset(pk for group in groups for pk in group.article_ids)
    return Cluster(
        key=groups[0].key,
        representative=min(groups[0].sentence_ids),
        members=tuple(members),
        articles=articles,
    )


@dataclass(frozen=True)
class CoMembership(Counts):
    """How often two labelled sentences share a cluster when, and only when, they make the
    same claim."""


def co_membership(pairs: Sequence[Pair], *, keys: dict[str, str], threshold: float) -> CoMembership:
    """Cluster every sentence of the labelled pairs (each as its own article; `keys` maps a
    sentence to its claim key) and score whether each pair ends up in one cluster. The alike
    keys are found by comparing every two of these few hundred keys with pg_trgm's similarity
    as claims.similar.quality computes it: the database finds them in the service."""
    texts = sorted({text for pair in pairs for text in (pair.a, pair.b)})
    sentences = [TaggedSentence(n, n, keys[text]) for n, text in enumerate(texts)]
    groups = key_groups(sentences)
    distinct = sorted(groups)
    alike = [
        (a, b)
        for i, a in enumerate(distinct)
        for b in distinct[i + 1 :]
        if similarity(a, b) >= threshold
    ]
    cluster_of = {}
    for number, cluster in enumerate(clusters_formed(groups, alike)):
        cluster_of.update(dict.fromkeys(cluster.members, number))
    number_of = {text: n for n, text in enumerate(texts)}
    tp = fp = fn = 0
    for pair in pairs:
        a, b = cluster_of.get(number_of[pair.a]), cluster_of.get(number_of[pair.b])
        together = a is not None and a == b
        tp += together and pair.same
        fp += together and not pair.same
        fn += pair.same and not together
    return CoMembership(tp, fp, fn)
