"""How far reviewers agree on which sentences get which tag, for one article or a corpus:
percent agreement, Cohen's kappa and Krippendorff's alpha per tag and over all tags.

The unit is a sentence, and the decision is "does this coder give this sentence tag T". The
coders of an article are everyone with a review annotation on it, plus every reviewer who
marked their review of it done: having read it and tagged nothing, they said "no" to every
sentence. Only articles with two or more coders count. A coder gives a sentence a tag when one
of their review annotations with that tag overlaps the sentence; several overlapping annotations
count once. Editors' final (adjudicated) annotations never count.

Counting happens in the database (per tagged sentence: how many coders gave it the tag); the
sentences nobody tagged are never read, only counted, and the statistics are computed from
those counts.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np
from django.db.models import Count, F, Min, Q

from claims import selectors
from claims.models import Sentence, Tag
from claims.review.selectors import coders_per_article, sentences_under_reviews
from claims.selectors import ReportFilters

OVERALL_NAME = "All tags"

# n11 (both coders said yes), n10 (only the first), n01 (only the second), n00 (neither).
TwoByTwo = tuple[int, int, int, int]


@dataclass(frozen=True)
class TagAgreement:
    """Agreement on one tag (or, with `tag` "", on every reported tag pooled)."""

    tag: str
    tag_name: str
    units: int  # sentences counted (for the pooled row: sentence and tag pairs)
    positive: int  # units at least one coder said yes to
    percent_agreement: float | None  # share of units all the article's coders decided alike
    cohen_kappa: float | None  # only when exactly two coders take part
    krippendorff_alpha: float | None  # nominal; None when every decision was the same


@dataclass(frozen=True)
class Agreement:
    articles: int  # articles with two or more coders, the only ones counted
    sentences: int
    coders: list[str]  # usernames, sorted
    tags: list[TagAgreement]
    overall: TagAgreement | None  # None when no tag had a yes


@dataclass(frozen=True)
class _Scope:
    """The counted articles: each one's coders (user id -> username) and sentence count."""

    coders: dict[int, dict[int, str]]
    sentences: dict[int, int]

    def everyone(self) -> dict[int, str]:
        return {pk: name for coders in self.coders.values() for pk, name in coders.items()}


@dataclass(frozen=True)
class _Tally:
    """One tag's units as Krippendorff value counts, one row per unit: [coders saying no,
    coders saying yes]; and, when there are exactly two coders, their 2x2 table."""

    value_counts: np.ndarray
    table: TwoByTwo | None


def corpus_agreement(*, filters: ReportFilters) -> Agreement:
    """Agreement over the articles the article-level filters (article, publisher, status)
    select, on the tags in `filters.tags` (all tags when empty).

    With `filters.from_suggestion` False, only hand-made annotations count as a coder's
    yes (True: only accepted suggestions), which tells how far suggestions drive agreement.
    The reviewer and date filters are ignored: cutting one reviewer or some days out of an
    article would count the rest of a coder's work as "no".

    Per tag reported (every tag some coder gave some counted sentence, in vocabulary order):
    - units: every sentence of every counted article, tagged or not;
    - positive: the units at least one coder gave the tag;
    - percent agreement: the share of units on which all of that article's coders decided
      alike (for two coders, ordinary percent agreement);
    - Cohen's kappa, only when exactly two coders take part across all counted articles:
      (po - pe) / (1 - pe), with po the observed agreement and pe = pA·pB + (1-pA)(1-pB)
      from each coder's share of yes; None when pe is 1;
    - Krippendorff's alpha (nominal) over all coders; None when undefined, that is when no
      unit has a yes or every decision is a yes.
    The overall row pools the reported tags: its units are (sentence, tag) pairs.
    """
    conditions = selectors.article_conditions(filters, via="article__")
    scope = _scope(conditions)
    if not scope.coders:
        return Agreement(articles=0, sentences=0, coders=[], tags=[], overall=None)
    units_by_tag: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    units = _tagged_units(conditions, tags=filters.tags, from_suggestion=filters.from_suggestion)
    for row in units:
        if row["article_id"] in scope.coders:
            units_by_tag[row["tag"]].append(row)
    return _agreement(scope, units_by_tag)


def _agreement(scope: _Scope, units_by_tag: dict[int, list[Mapping[str, Any]]]) -> Agreement:
    everyone = scope.everyone()
    pair = sorted(everyone, key=everyone.__getitem__) if len(everyone) == 2 else None
    tags = Tag.objects.filter(pk__in=units_by_tag).order_by("order", "name")
    tallies = {tag: _tally(units_by_tag[tag.pk], scope=scope, pair=pair) for tag in tags}
    rows = [_measures(tag.slug, tag.name, tally) for tag, tally in tallies.items()]
    overall = _measures("", OVERALL_NAME, _pooled(list(tallies.values()))) if rows else None
    return Agreement(
        articles=len(scope.coders),
        sentences=sum(scope.sentences.values()),
        coders=sorted(everyone.values()),
        tags=rows,
        overall=overall,
    )


def _scope(conditions: Q) -> _Scope:
    coders = {pk: names for pk, names in coders_per_article(conditions).items() if len(names) >= 2}
    sentences = _sentences_per_article(conditions)
    return _Scope(coders=coders, sentences={pk: sentences.get(pk, 0) for pk in coders})


def _sentences_per_article(conditions: Q) -> dict[int, int]:
    rows = Sentence.objects.filter(conditions).order_by().values("article_id")
    return {row["article_id"]: row["n"] for row in rows.annotate(n=Count("*"))}


def _tagged_units(
    conditions: Q, *, tags: Sequence[str], from_suggestion: bool | None = None
) -> list[Mapping[str, Any]]:
    """One row per sentence and tag some coder gave it: `yes`, how many coders did, and
    `lone_coder`, the smallest of their user ids (the only one when `yes` is 1)."""
    narrowed: dict[str, Any] = {"article__annotations__tag__slug__in": tags} if tags else {}
    if from_suggestion is not None:
        narrowed["article__annotations__from_suggestion"] = from_suggestion
    rows = sentences_under_reviews(conditions, **narrowed).order_by()
    units: list[Mapping[str, Any]] = list(
        rows.values("article_id", "index", tag=F("article__annotations__tag_id")).annotate(
            yes=Count("article__annotations__author_id", distinct=True),
            lone_coder=Min("article__annotations__author_id"),
        )
    )
    return units


def _tally(rows: list[Mapping[str, Any]], *, scope: _Scope, pair: list[int] | None) -> _Tally:
    """One tag's value counts: its tagged units as counted, then every other sentence of each
    article as one identical row [that article's coder count, 0]."""
    tagged_per_article = Counter(row["article_id"] for row in rows)
    coder_counts = np.array([len(names) for names in scope.coders.values()], dtype=np.int64)
    untagged = np.array(
        [scope.sentences[pk] - tagged_per_article[pk] for pk in scope.coders], dtype=np.int64
    )
    silent = np.column_stack([np.repeat(coder_counts, untagged), np.zeros(untagged.sum(), int)])
    tagged = np.array(
        [(len(scope.coders[row["article_id"]]) - row["yes"], row["yes"]) for row in rows],
        dtype=np.int64,
    ).reshape(-1, 2)
    value_counts = np.concatenate([tagged, silent])
    table = _two_by_two(rows, units=len(value_counts), pair=pair) if pair else None
    return _Tally(value_counts=value_counts, table=table)


def _two_by_two(rows: list[Mapping[str, Any]], *, units: int, pair: list[int]) -> TwoByTwo:
    first, second = pair
    both = sum(1 for row in rows if row["yes"] == 2)
    lone = Counter(row["lone_coder"] for row in rows if row["yes"] == 1)
    return (both, lone[first], lone[second], units - both - lone[first] - lone[second])


def _pooled(tallies: list[_Tally]) -> _Tally:
    tables = [tally.table for tally in tallies if tally.table is not None]
    return _Tally(
        value_counts=np.concatenate([tally.value_counts for tally in tallies]),
        table=_summed(tables) if tables else None,
    )


def _summed(tables: list[TwoByTwo]) -> TwoByTwo:
    both, first_only, second_only, neither = (sum(cells) for cells in zip(*tables, strict=True))
    return (both, first_only, second_only, neither)


def _measures(tag: str, tag_name: str, tally: _Tally) -> TagAgreement:
    counts = tally.value_counts
    unanimous = (counts[:, 0] == 0) | (counts[:, 1] == 0)
    return TagAgreement(
        tag=tag,
        tag_name=tag_name,
        units=len(counts),
        positive=int((counts[:, 1] > 0).sum()),
        percent_agreement=float(unanimous.mean()) if len(counts) else None,
        cohen_kappa=_cohen_kappa(tally.table),
        krippendorff_alpha=_krippendorff_alpha(counts),
    )


def _cohen_kappa(table: TwoByTwo | None) -> float | None:
    if table is None:
        return None
    both, first_only, second_only, neither = table
    n = sum(table)
    yes_first, yes_second = both + first_only, both + second_only
    # po and pe times n², kept in integers so that "pe is 1" is an exact test.
    observed = n * (both + neither)
    expected = yes_first * yes_second + (n - yes_first) * (n - yes_second)
    if expected == n * n:
        return None
    return (observed - expected) / (n * n - expected)


def _krippendorff_alpha(value_counts: np.ndarray) -> float | None:
    # With a single value in the data, alpha is 0/0: the package would warn and return NaN.
    if not value_counts.sum(axis=0).all():
        return None
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))
