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
    the tags on each: at most five queries whatever the page."""
    sentences = _filtered(Sentence.objects.all(), user, filters)
    if connection.vendor == "postgresql":
        rows = _ranked(tsquery_of(query), user, sentences, offset=offset, count=limit + 1)
    else:
        rows = list(_substring_matching(query, user, sentences)[offset : offset + limit + 1])
    page = rows[:limit]
    tags = tags_on(page, user)
    for row in page:
        row["tags"] = tags.get(row["id"], [])
        row["annotation_count"] = sum(tag["count"] for tag in row["tags"])
    return SearchPage(results=page, more=len(rows) > limit)


# The ids of the sentences under a review annotation whose note matches a tsquery (its
# visibility added by _ranked), found through the notes' GIN index.
_NOTED_IDS = """
    SELECT s.id FROM claims_annotation a
    JOIN claims_sentence s ON s.article_id = a.article_id AND s.start < a.end AND s.end > a.start
    WHERE a.note <> '' AND NOT a.final
    AND to_tsvector('english'::regconfig, a.note) @@ to_tsquery('english'::regconfig, %s)
"""


def _ranked(
    terms: str, user: Viewer, sentences: QuerySet, *, offset: int, count: int
) -> list[dict[str, Any]]:
    """`count` matching sentences from `offset`: those whose text matches, ranked, then those
    matched only by a note on them, in reading order.

    Sentences matched by a note alone rank below every text match, so they are read only when
    the page runs past the text matches: a common word in a thousand notes costs nothing on the
    pages before them."""
    tsquery = EnglishQuery(Value(terms))
    in_text = Matches(EnglishVector(F("text")), tsquery)
    by_text = sentences.filter(in_text).annotate(
        score=Rank(EnglishVector(F("text")), tsquery), in_text=Value(True)
    )
    rows = list(_values(by_text.order_by("-score", "article_id", "index"))[offset : offset + count])
    if len(rows) == count:
        return rows
    text_matches = offset + len(rows) if rows or not offset else by_text.count()
    sql = _NOTED_IDS
    params: list[object] = [terms]
    if not user_sees_all_annotations(user):
        sql, params = f"{sql} AND a.author_id = %s", [*params, user.pk]
    by_note = (
        sentences.filter(pk__in=RawSQL(sql, params))
        .exclude(in_text)
        .annotate(score=Value(0.0, output_field=FloatField()), in_text=Value(False))
    )
    skip = max(0, offset - text_matches)
    wanted = count - len(rows)
    return rows + list(_values(by_note.order_by("article_id", "index"))[skip : skip + wanted])


def _substring_matching(query: str, user: Viewer, sentences: QuerySet) -> QuerySet:
    """Where there is no full-text search: every word in the text, or in a visible note."""
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
    matching = sentences.filter(Q(in_text) | Q(by_note)).annotate(
        score=Value(1.0, output_field=FloatField()), in_text=_flag(in_text)
    )
    return _values(matching.order_by("-score", "article_id", "index"))


def _values(sentences: QuerySet) -> QuerySet:
    return sentences.values(
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
