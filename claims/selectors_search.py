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

from claims.models import Sentence
from claims.search import query_words, tsquery_of
from claims.selectors import Viewer, annotations_visible_to
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


def _matching(query: str, user: Viewer, filters: SearchFilters) -> QuerySet:
    sentences = _filtered(Sentence.objects.all(), user, filters)
    notes = annotations_visible_to(user).exclude(note="")
    in_text: Q | Matches
    score: Rank | Value
    if connection.vendor == "postgresql":
        tsquery = EnglishQuery(Value(tsquery_of(query)))
        in_text = Matches(EnglishVector(F("text")), tsquery)
        noted = notes.filter(Matches(EnglishVector(F("note")), tsquery))
        score = Rank(EnglishVector(F("text")), tsquery)
    else:
        words = query_words(query)
        in_text = Q(*(Q(text__icontains=word) for word in words))
        noted = notes.filter(*(Q(note__icontains=word) for word in words))
        score = Value(1.0, output_field=FloatField())
    by_note = Exists(
        noted.filter(
            article_id=OuterRef("article_id"), start__lt=OuterRef("end"), end__gt=OuterRef("start")
        )
    )
    # The notes are few beside the sentences: look for noted sentences only in the articles
    # holding a matching note, so that the text index answers the rest.
    noted_articles = noted.values("article_id")
    matching = sentences.filter(
        Q(in_text) | Q(Q(article_id__in=noted_articles) & Q(by_note)),
    )
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
