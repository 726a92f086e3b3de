"""Corpus search: the sentences of every article whose text, or the note of an annotation on
them, matches a query, best first (PostgreSQL full-text search; a substring match elsewhere)."""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from claims.models import Sentence
from claims.search import query_words, tsquery_of
from claims.selectors import Viewer, annotations_visible_to, user_sees_all_annotations
from claims.selectors_similar import tags_on


class EnglishVector(Func):
    """to_tsvector('english', column): the expression the full-text indexes of migration 0011
    are built on, written the same way so that the planner uses them."""

    template = "to_tsvector('english'::regconfig, %(expressions)s)"


class EnglishQuery(Func):
    template = "to_tsquery('english'::regconfig, %(expressions)s)"


class Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class Rank(Func):
    function = "ts_rank"
    output_field = FloatField()


@dataclass(frozen=True)
class SearchFilters:
    publisher: str = ""
    article: int | None = None
    tag: str = ""


@dataclass(frozen=True)
class SearchPage:
    results: list[dict[str, Any]]
    more: bool


def corpus_search(
    *, query: str, user: Viewer, filters: SearchFilters, offset: int, limit: int
) -> SearchPage:
    """One page of the sentences matching `query` (claims.search), most relevant first, with
    the tags on each: two queries whatever the page."""
    rows = list(_matching(query, user, filters)[offset : offset + limit + 1])
    page = rows[:limit]
    tags = tags_on(page, user)
    for row in page:
        row["tags"] = tags.get(row["id"], [])
        row["annotation_count"] = sum(tag["count"] for tag in row["tags"])
    return SearchPage(results=page, more=len(rows) > limit)


# The ids of the sentences matching a tsquery by their text, or by the note of a review
# annotation on them (its visibility added by _note_visibility): one UNION, each side answered
# by its own GIN index, so that no sentence's vector is computed to decide whether it matches.
_MATCHING_IDS = """
    SELECT s.id FROM claims_sentence s
    WHERE to_tsvector('english'::regconfig, s.text) @@ to_tsquery('english'::regconfig, %s)
    UNION
    SELECT s.id FROM claims_annotation a
    JOIN claims_sentence s ON s.article_id = a.article_id AND s.start < a.end AND s.end > a.start
    WHERE a.note <> '' AND NOT a.final
    AND to_tsvector('english'::regconfig, a.note) @@ to_tsquery('english'::regconfig, %s)
"""


def _matching(query: str, user: Viewer, filters: SearchFilters) -> QuerySet:
    sentences = _filtered(Sentence.objects.all(), user, filters)
    in_text: Q | Matches
    score: Rank | Value
    params: list[object]
    if connection.vendor == "postgresql":
        terms = tsquery_of(query)
        tsquery = EnglishQuery(Value(terms))
        in_text = Matches(EnglishVector(F("text")), tsquery)
        sql, params = _MATCHING_IDS, [terms, terms]
        if not user_sees_all_annotations(user):
            sql, params = f"{sql} AND a.author_id = %s", [*params, user.pk]
        matching = sentences.filter(pk__in=RawSQL(sql, params))
        score = Rank(EnglishVector(F("text")), tsquery)
    else:
        words = query_words(query)
        in_text = Q(*(Q(text__icontains=word) for word in words))
        noted = annotations_visible_to(user).exclude(note="")
        noted = noted.filter(*(Q(note__icontains=word) for word in words))
        by_note = Exists(
            noted.filter(
                article_id=OuterRef("article_id"),
                start__lt=OuterRef("end"),
                end__gt=OuterRef("start"),
            )
        )
        matching = sentences.filter(Q(in_text) | Q(by_note))
        score = Value(1.0, output_field=FloatField())
    return (
        matching.annotate(score=score, in_text=_flag(in_text))
        .order_by("-score", "article_id", "index")
        .values(
            "id",
            "index",
            "start",
            "end",
            "text",
            "kind",
            "score",
            "in_text",
            "article_id",
            article_title=F("article__title"),
            article_publisher=F("article__publisher"),
        )
    )


def _flag(condition: Any) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _filtered(sentences: QuerySet, user: Viewer, filters: SearchFilters) -> QuerySet:
    if filters.publisher:
        sentences = sentences.filter(article__publisher=filters.publisher)
    if filters.article is not None:
        sentences = sentences.filter(article_id=filters.article)
    if filters.tag:
        tagged = annotations_visible_to(user).filter(
            tag__slug=filters.tag,
            article_id=OuterRef("article_id"),
            start__lt=OuterRef("end"),
            end__gt=OuterRef("start"),
        )
        sentences = sentences.filter(Exists(tagged))
    return sentences
