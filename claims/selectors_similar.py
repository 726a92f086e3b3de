"""Reads for recurring claims: the sentences of other articles that make the same claim as one
sentence, ranked, with the tags reviewers gave them."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Func, Q, QuerySet, Value

from claims.models import Sentence
from claims.selectors import Viewer, annotations_visible_to, row_or_404
from claims.similar.normalise import claim_key


class ClaimKey(Func):
    """claims.similar.normalise.claim_key in SQL: the expression the trigram index of
    migration 0011 is built on."""

    template = "replace(%(expressions)s, ' ', '')"


class Similarity(Func):
    """pg_trgm's similarity(a, b), 0 to 1."""

    function = "similarity"
    output_field = FloatField()


class TrigramMatch(Func):
    """`claim_text % text`: true when pg_trgm's similarity reaches its similarity_threshold
    setting; the operator (unlike the similarity function) that the trigram index answers."""

    arg_joiner = " %% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


@dataclass(frozen=True)
class SimilarPage:
    """One page of sentences like `sentence`, best first; `more` when a next page exists."""

    sentence: Sentence
    results: list[dict[str, Any]]
    more: bool


def sentence_get(*, article_id: int, index: int) -> Sentence:
    """A sentence by its article and number, or a 404 naming which of them is missing."""
    rows = Sentence.objects.select_related("article").defer("article__text")
    missing = f"Article {article_id} has no sentence {index} (or there is no article {article_id})."
    return row_or_404(rows, missing=missing, article_id=article_id, index=index)


def similar_sentences(
    *, sentence: Sentence, user: Viewer, min_score: float, offset: int, limit: int
) -> SimilarPage:
    """Sentences of other articles whose claim text is at least `min_score` similar to this
    one's, best first, with their article and the visible annotations on each, tag by tag.

    Three queries whatever the page: the similarity threshold, the page, the tags."""
    if not sentence.claim_text:
        return SimilarPage(sentence=sentence, results=[], more=False)
    rows = list(_similar_rows(sentence, min_score)[offset : offset + limit + 1])
    page = rows[:limit]
    tags = tags_on(page, user)
    for row in page:
        row["tags"] = tags.get(row["id"], [])
        row["annotation_count"] = sum(tag["count"] for tag in row["tags"])
    return SimilarPage(sentence=sentence, results=page, more=len(rows) > limit)


def _similar_rows(sentence: Sentence, min_score: float) -> QuerySet:
    others = Sentence.objects.exclude(article_id=sentence.article_id)
    if connection.vendor == "postgresql":
        # `%` is the operator the trigram index answers; it compares with this setting.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(min_score)]
            )
        key = Value(claim_key(sentence.claim_text))
        ranked = others.filter(TrigramMatch(ClaimKey(F("claim_text")), key)).annotate(
            score=Similarity(ClaimKey(F("claim_text")), key)
        )
        ranked = ranked.filter(score__gte=min_score)
    else:
        # No trigrams here: the same claim text is the same claim.
        ranked = others.filter(claim_text=sentence.claim_text).annotate(
            score=Value(1.0, output_field=FloatField())
        )
    return ranked.order_by("-score", "article_id", "index").values(
        "id",
        "index",
        "start",
        "end",
        "text",
        "kind",
        "score",
        "article_id",
        article_title=F("article__title"),
        article_publisher=F("article__publisher"),
    )


def tags_on(rows: list[dict[str, Any]], user: Viewer) -> dict[int, list[dict[str, Any]]]:
    """The visible review annotations overlapping each row's sentence, counted per tag, in
    one grouped query."""
    if not rows:
        return {}
    overlaps = Q()
    for row in rows:
        overlaps |= Q(article_id=row["article_id"], start__lt=row["end"], end__gt=row["start"])
    counted = (
        annotations_visible_to(user)
        .filter(overlaps)
        .values("article_id", "start", "end", "tag__slug", "tag__name", "tag__colour")
        .annotate(count=Count("id"))
        .order_by()
    )
    spans = _spans_by_article(rows)
    tags: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for group in counted:
        for row in spans[group["article_id"]]:
            if group["start"] < row["end"] and group["end"] > row["start"]:
                tag = tags[row["id"]].setdefault(
                    group["tag__slug"],
                    {
                        "slug": group["tag__slug"],
                        "name": group["tag__name"],
                        "colour": group["tag__colour"],
                        "count": 0,
                    },
                )
                tag["count"] += group["count"]
    return {pk: sorted(by_slug.values(), key=lambda t: t["slug"]) for pk, by_slug in tags.items()}


def _spans_by_article(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    spans: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        spans[row["article_id"]].append(row)
    return spans
