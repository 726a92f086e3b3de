"""The first step of every export: querysets read as plain rows, a chunk at a time."""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse

from claims import selectors
from claims.iris import tag_iri_base
from claims.models import Annotation, Article, Decision, Reply, Sentence, Tag
from claims.selectors import ReportFilters

# Rows fetched per round trip: 100,000 annotations take 50 of them, and an export holds one
# chunk at a time, so its memory does not grow with the corpus.
CHUNK_SIZE = 2_000
# Article rows carry the whole text, which can run to megabytes.
ARTICLE_CHUNK_SIZE = 50

# An annotation row: its name in the row -> the column it is read from. Joined columns are
# read by name, never through model instances (and never the article's text).
ANNOTATION_COLUMNS = {
    "annotation_id": "id",
    "article_id": "article_id",
    "article_title": "article__title",
    "publisher": "article__publisher",
    "article_url": "article__source_url",
    "article_sha256": "article__content_sha256",
    "tag": "tag__slug",
    "tag_name": "tag__name",
    "start": "start",
    "end": "end",
    "quote": "quote",
    "prefix": "prefix",
    "suffix": "suffix",
    "note": "note",
    "reviewer": "author__username",
    "created_at": "created_at",
    "updated_at": "updated_at",
}

# One encoder for every record: json.dumps with any option set builds a new encoder per call,
# which doubles its cost on small objects.
json_text = json.JSONEncoder(ensure_ascii=False).encode

ARTICLE_FIELDS = (
    *("id", "content_sha256", "title", "publisher", "source_url", "original_filename"),
    *("media_type", "original_size", "language", "status", "created_at", "updated_at"),
    *("adjudicated_at", "text"),
)
SENTENCE_FIELDS = ("index", "start", "end", "kind", "block")
TAG_FIELDS = ("slug", "name", "definition", "colour", "shortcut", "order", "archived")


@dataclass(frozen=True)
class Links:
    """Absolute IRIs of what an export names, the same as the REST API gives them."""

    annotations: str  # the annotation list's URL; an annotation's IRI is this + "<pk>/"
    articles: str  # the article list's URL, likewise
    tags: str  # a tag's IRI is this + its slug
    absolute: Callable[[str], str]  # a path on this site -> its absolute URL

    @classmethod
    def on_site(cls, absolute: Callable[[str], str]) -> "Links":
        """The links under `absolute` (iris.absolute_for_request or absolute_for_command)."""
        return cls(
            annotations=absolute(reverse("api:annotation-list")),
            articles=absolute(reverse("api:article-list")),
            tags=tag_iri_base(absolute),
            absolute=absolute,
        )

    def annotation(self, pk: int) -> str:
        return f"{self.annotations}{pk}/"

    def article(self, pk: int) -> str:
        return f"{self.articles}{pk}/"

    def reply(self, pk: int) -> str:
        return self.absolute(reverse("api:reply-detail", args=[pk]))

    def tag(self, slug: str) -> str:
        return f"{self.tags}{slug}"

    def site(self) -> str:
        """This site's home page."""
        return self.absolute("/")

    def article_page(self, pk: int) -> str:
        return self.absolute(reverse("claims:article_detail", args=[pk]))


@dataclass(frozen=True)
class ExportSource:
    """What one export covers and what to call it."""

    annotations: QuerySet[Annotation]  # in the order report_annotations gives them
    articles: QuerySet[Article]  # the articles the native formats carry with their text
    links: Links
    label: str  # a human title for the whole download
    iri: str  # the download's own IRI (the W3C collection's id)
    # The replies and decisions the downloader may read (None: all of them, as the command
    # exports); only those on the covered annotations and articles are written.
    replies: QuerySet[Reply] | None = None
    decisions: QuerySet[Decision] | None = None

    def readable_replies(self) -> QuerySet[Reply]:
        return Reply.objects.all() if self.replies is None else self.replies

    def readable_decisions(self) -> QuerySet[Decision]:
        return Decision.objects.all() if self.decisions is None else self.decisions


def covered_articles(
    *, annotations: QuerySet[Annotation], filters: ReportFilters, every_article: bool
) -> QuerySet[Article]:
    """The articles an export carries: with `every_article`, all that the article-level filters
    (article, publisher, status) select, annotated or not; otherwise only those with at least
    one of `annotations`."""
    if not every_article:
        covered = annotations.order_by().values("article_id")
        return Article.objects.filter(pk__in=covered).order_by("pk")
    return selectors.report_articles(filters=filters)


def export_label(filters: ReportFilters, *, article_title: str = "") -> str:
    """A download's human title (W3C label, Markdown heading), saying which annotations it
    holds: the reviewers' or the final ones."""
    kind = "final annotations" if filters.final else "annotations"
    if article_title:
        return f"{kind.capitalize()} on “{article_title}”"
    return f"Claimscope {kind}"


def filters_narrow_annotations(filters: ReportFilters) -> bool:
    """Whether a filter picks annotations rather than whole articles. The final annotations
    count as such a filter: an export of them carries the articles with a final annotation."""
    return bool(
        filters.tags
        or filters.reviewer
        or filters.created_after
        or filters.created_before
        or filters.final
    )


def annotation_rows(
    annotations: QuerySet[Annotation], *, columns: dict[str, str] = ANNOTATION_COLUMNS
) -> Iterator[dict[str, Any]]:
    """Each annotation as a dict keyed by `columns`' names, streamed from the database."""
    names = tuple(columns)
    rows = annotations.values_list(*columns.values()).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        yield dict(zip(names, row, strict=True))


REPLY_FIELDS = ("id", "annotation_id", "body", "created_at", "edited_at")


def replies_by_annotation(
    source: ExportSource, annotation_ids: Iterable[int]
) -> dict[int, list[dict[str, Any]]]:
    """The readable replies on these annotations (one chunk's), oldest first, by annotation
    id: one query per chunk."""
    rows = (
        source.readable_replies()
        .filter(annotation_id__in=list(annotation_ids))
        .order_by("annotation_id", "id")
        .values(*REPLY_FIELDS, author_name=F("author__username"))
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["annotation_id"], []).append(row)
    return grouped


def decision_comments(
    source: ExportSource, article_ids: Iterable[int]
) -> dict[tuple[int, int, str], str]:
    """(article id, sentence index, tag slug) -> the editor's comment, for the readable
    decisions with a comment on these articles: one query per chunk."""
    rows = (
        source.readable_decisions()
        .filter(article_id__in=list(article_ids))
        .exclude(comment="")
        .values_list("article_id", "sentence", "tag__slug", "comment")
    )
    return {(article, sentence, tag): comment for article, sentence, tag, comment in rows}


def tag_rows() -> Iterator[dict[str, Any]]:
    """The whole vocabulary, archived tags included: old annotations still name them."""
    return Tag.objects.order_by("order", "slug").values(*TAG_FIELDS).iterator()


def article_rows(articles: QuerySet[Article]) -> Iterator[dict[str, Any]]:
    """Each article with its text, uploader, adjudicating editor and sentences (as [index,
    start, end, kind, block] lists). Articles and sentences are read as two ordered streams
    side by side, so neither a query per article nor all the sentences at once."""
    rows = (
        articles.order_by("pk")
        .values(
            *ARTICLE_FIELDS,
            created_by_name=F("created_by__username"),
            adjudicated_by_name=F("adjudicated_by__username"),
        )
        .iterator(chunk_size=ARTICLE_CHUNK_SIZE)
    )
    sentences = (
        Sentence.objects.filter(article__in=articles.order_by().values("pk"))
        .order_by("article_id", "index")
        .values_list("article_id", *SENTENCE_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE * 5)
    )
    per_article = groupby(sentences, key=itemgetter(0))
    pending = next(per_article, None)
    for row in rows:
        own: list[list[Any]] = []
        if pending is not None and pending[0] == row["id"]:
            own = [list(sentence[1:]) for sentence in pending[1]]
            pending = next(per_article, None)
        yield {**row, "sentences": own}


def iso_utc(value: datetime) -> str:
    """A stored moment as ISO 8601 in UTC with a Z, as the Web Annotation model writes it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
