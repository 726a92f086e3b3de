"""What the article and corpus reports show: counts per tag, publisher and month, the most
flagged articles, the flagged sentences and the prices they quote, counted in the database,
and how far the reviewers agree."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from claims import selectors
from claims.models import Annotation, Article, Sentence, Tag
from claims.prices import PriceQuote, extract_prices
from claims.review.agreement import Agreement, TagAgreement, corpus_agreement
from claims.review.selectors import TextPiece, text_pieces
from claims.selectors import ReportFilters

PRICE_TAG = "price-claim"
# An article's report page lists this many annotations at most: a page this long is already
# more than anyone reads, and the downloads carry every annotation.
FLAGGED_LIMIT = 2_000
MOST_FLAGGED_LIMIT = 20
PRICED_LIMIT = 200
# How an agreement figure that is undefined (kappa beside more than two reviewers, alpha when
# every decision was the same) is printed.
NOT_AVAILABLE = "—"


@dataclass(frozen=True)
class Summary:
    annotations: int
    articles: int


@dataclass(frozen=True)
class TagTotal:
    tag: Tag
    annotations: int
    articles: int
    from_suggestions: int = 0  # of `annotations`, those made by accepting a suggested tag


@dataclass(frozen=True)
class CountRow:
    """One publisher's (or month's) annotations, per tag in the table's column order."""

    label: str
    counts: tuple[int, ...]
    annotations: int
    articles: int


@dataclass(frozen=True)
class CountTable:
    tags: tuple[Tag, ...]
    rows: tuple[CountRow, ...]
    totals: tuple[TagTotal, ...]


@dataclass(frozen=True)
class FlaggedArticle:
    article: Article
    counts: tuple[int, ...]
    annotations: int
    reviewers: int


@dataclass(frozen=True)
class FlaggedSpan:
    """One or more sentences of an article in a row, with every annotation (tag, note,
    reviewer) the report covers that overlaps them: annotations sharing a sentence make one
    entry, so no sentence is listed twice."""

    article_id: int
    sentence: int  # the first sentence's index
    last_sentence: int
    start: int  # the sentences' span, from the first one's start to the last one's end
    end: int
    pieces: tuple[TextPiece, ...]  # their text, cut where annotations that are not whole begin
    annotations: tuple[Annotation, ...]
    partial: frozenset[int]  # the annotations (by id) that cover only part of the entry

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass(frozen=True)
class PricedSentence:
    article_id: int
    article_title: str
    publisher: str
    sentence: int
    quote: str  # the sentence's text
    prices: tuple[PriceQuote, ...]


@dataclass(frozen=True)
class Listing[T]:
    """The first `len(items)` of `total` items."""

    items: list[T]
    total: int

    @property
    def truncated(self) -> bool:
        return len(self.items) < self.total


@dataclass(frozen=True)
class ArticleReport:
    summary: Summary
    tags: list[TagTotal]
    reviewers: list[str]
    flagged: list[FlaggedSpan]
    limit: int  # the most annotations `flagged` holds
    prices: Listing[PricedSentence]

    @property
    def truncated(self) -> bool:
        return self.summary.annotations > self.limit


@dataclass(frozen=True)
class CorpusReport:
    summary: Summary
    tags: list[TagTotal]
    by_publisher: CountTable
    by_month: CountTable
    most_flagged: list[FlaggedArticle]
    prices: Listing[PricedSentence]


def article_report(
    *, annotations: QuerySet[Annotation], limit: int = FLAGGED_LIMIT
) -> ArticleReport:
    """One article's report over `annotations` (from `selectors.report_annotations`)."""
    return ArticleReport(
        summary=report_summary(annotations=annotations),
        tags=tag_totals(annotations=annotations),
        reviewers=report_reviewers(annotations=annotations),
        flagged=flagged_spans(annotations=annotations, limit=limit),
        limit=limit,
        prices=priced_sentences(annotations=annotations),
    )


def corpus_report(*, annotations: QuerySet[Annotation]) -> CorpusReport:
    """The corpus report over `annotations` (from `selectors.report_annotations`)."""
    tags = tag_totals(annotations=annotations)
    return CorpusReport(
        summary=report_summary(annotations=annotations),
        tags=tags,
        by_publisher=count_table(annotations=annotations, key="publisher", tags=tags),
        by_month=count_table(annotations=annotations, key="month", tags=tags),
        most_flagged=most_flagged(annotations=annotations, tags=[total.tag for total in tags]),
        prices=priced_sentences(annotations=annotations),
    )


def report_summary(*, annotations: QuerySet[Annotation]) -> Summary:
    rows = selectors.tag_counts(annotations=annotations, group_by=[])
    return Summary(**rows[0]) if rows else Summary(annotations=0, articles=0)


def tag_totals(*, annotations: QuerySet[Annotation]) -> list[TagTotal]:
    """Annotations and articles per tag, and how many of those annotations came from
    suggestions, in the vocabulary's order; unused tags left out."""
    rows = selectors.tag_counts(annotations=annotations, group_by=["tag"])
    suggested = selectors.tag_counts(
        annotations=annotations.filter(from_suggestion=True), group_by=["tag"]
    )
    accepted = {row["tag"]: row["annotations"] for row in suggested}
    tags = Tag.objects.in_bulk([row["tag"] for row in rows], field_name="slug")
    totals = [
        TagTotal(tags[row["tag"]], row["annotations"], row["articles"], accepted.get(row["tag"], 0))
        for row in rows
    ]
    return sorted(totals, key=lambda total: (total.tag.order, total.tag.name))


def count_table(
    *, annotations: QuerySet[Annotation], key: str, tags: Sequence[TagTotal]
) -> CountTable:
    """Annotations per `key` ("publisher" or "month") and tag, one row per key value, with
    each row's total and distinct articles. Months without annotations get a row of zeros,
    so that a gap in time shows as one."""
    cells = selectors.tag_counts(annotations=annotations, group_by=[key, "tag"])
    counted = {(row[key], row["tag"]): row["annotations"] for row in cells}
    totals = {
        row[key]: row for row in selectors.tag_counts(annotations=annotations, group_by=[key])
    }
    labels = _months_between(list(totals)) if key == "month" else list(totals)
    empty = {"annotations": 0, "articles": 0}
    rows = [
        CountRow(
            label=label,
            counts=tuple(counted.get((label, total.tag.slug), 0) for total in tags),
            annotations=totals.get(label, empty)["annotations"],
            articles=totals.get(label, empty)["articles"],
        )
        for label in labels
    ]
    return CountTable(tags=tuple(total.tag for total in tags), rows=tuple(rows), totals=tuple(tags))


def _months_between(months: Sequence[str]) -> list[str]:
    """Every "YYYY-MM" from the first of `months` (sorted) to the last."""
    if not months:
        return []
    first, last = _month_number(months[0]), _month_number(months[-1])
    return [f"{number // 12:04d}-{number % 12 + 1:02d}" for number in range(first, last + 1)]


def _month_number(month: str) -> int:
    """Months since year 0 for a "YYYY-MM" label, so that month ranges are integer ranges."""
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def most_flagged(
    *, annotations: QuerySet[Annotation], tags: Sequence[Tag], limit: int = MOST_FLAGGED_LIMIT
) -> list[FlaggedArticle]:
    """The articles with the most annotations, counted per tag in the same GROUP BY."""
    per_tag = {f"tag_{tag.pk}": Count("pk", filter=Q(tag_id=tag.pk)) for tag in tags}
    rows: list[Mapping[str, Any]] = list(
        annotations.order_by()
        .values("article_id")
        .annotate(flags=Count("*"), reviewers=Count("author_id", distinct=True), **per_tag)
        .order_by("-flags", "article_id")[:limit]
    )
    articles = Article.objects.only("title", "publisher", "status").in_bulk(
        [row["article_id"] for row in rows]
    )
    return [
        FlaggedArticle(
            article=articles[row["article_id"]],
            counts=tuple(row[f"tag_{tag.pk}"] for tag in tags),
            annotations=row["flags"],
            reviewers=row["reviewers"],
        )
        for row in rows
    ]


def report_reviewers(*, annotations: QuerySet[Annotation]) -> list[str]:
    """The usernames behind `annotations`."""
    rows = annotations.order_by("author__username").values_list("author__username", flat=True)
    return list(rows.distinct())


def reviewer_choices(*, user: selectors.Viewer, article: Article | None = None) -> list[str]:
    """Whom the reviewer filter offers: reviewers see their own work only, so they are offered
    only themselves; others everyone who annotated the article (or anything at all)."""
    if not selectors.user_sees_all_annotations(user):
        return [user.get_username()]
    if article is not None:
        return selectors.article_reviewers(article=article)
    # Editors' final annotations make them no reviewers.
    authors = get_user_model().objects.filter(
        Exists(Annotation.objects.filter(author_id=OuterRef("pk"), final=False))
    )
    return list(authors.order_by("username").values_list("username", flat=True))


def flagged_spans(*, annotations: QuerySet[Annotation], limit: int) -> list[FlaggedSpan]:
    """The first `limit` annotations in document order, gathered by sentence: a sentence two
    reviewers flagged, or one whose exact words one reviewer chose inside another's tag, or
    that an annotation over two sentences reaches, is one entry with all their tags and
    notes. Two queries: the annotations with their first and last sentences, then the text
    of those sentences."""
    rows = list(
        annotations.select_related("tag", "author")
        .only(*_FLAGGED_FIELDS)
        .annotate(
            sentence_at=_sentence_before("index"),
            sentence_at_end=_sentence_before("end"),
            last_sentence=_last_sentence_index(),
        )[:limit]
    )
    runs = _sentence_runs(rows)
    sentences = _sentences_of(runs)
    return [_span(run, sentences) for run in runs]


_FLAGGED_FIELDS = (
    "article",
    "start",
    "end",
    "quote",
    "note",
    "tag__slug",
    "tag__name",
    "tag__colour",
    "author__username",
)


def _sentence_before(field: str) -> Subquery:
    """`field` of the sentence an annotation starts in, or of the one before it when it
    starts in the space between two: read off the (article, start) index."""
    sentence = Sentence.objects.filter(
        article_id=OuterRef("article_id"), start__lte=OuterRef("start")
    )
    return Subquery(sentence.order_by("-start").values(field)[:1])


def _last_sentence_index() -> Subquery:
    """The index of the last sentence an annotation reaches into, off the same index."""
    sentence = Sentence.objects.filter(article_id=OuterRef("article_id"), start__lt=OuterRef("end"))
    return Subquery(sentence.order_by("-start").values("index")[:1])


@dataclass
class _Run:
    """Annotations in a row that share sentences, and the sentences they reach."""

    article_id: int
    first: int
    last: int
    annotations: list[Annotation]


def _sentence_runs(rows: Sequence[Annotation]) -> list[_Run]:
    """Annotations in document order, gathered into runs: each joins the run before it when
    it starts in a sentence that run already reaches."""
    runs: list[_Run] = []
    for row in rows:
        first, last = _sentence_range(row)
        run = runs[-1] if runs else None
        if run is not None and run.article_id == row.article_id and first <= run.last:
            run.annotations.append(row)
            run.last = max(run.last, last)
        else:
            runs.append(_Run(row.article_id, first, last, [row]))
    return runs


def _sentence_range(row: Annotation) -> tuple[int, int]:
    """The first and last sentences an annotation overlaps (an annotation is never only
    space, so it overlaps one at least)."""
    at: int | None = row.sentence_at  # type: ignore[attr-defined]  # see flagged_spans
    at_end: int = row.sentence_at_end  # type: ignore[attr-defined]
    last: int = row.last_sentence  # type: ignore[attr-defined]
    if at is None:  # it starts before the first sentence
        return 0, last
    first = at if at_end > row.start else at + 1  # +1: it starts in the space after `at`
    return first, max(first, last)


def _sentences_of(runs: list[_Run]) -> dict[tuple[int, int], tuple[int, int, str]]:
    """(article id, index) -> (start, end, text) of every sentence the runs reach."""
    wanted: dict[int, set[int]] = {}
    for run in runs:
        wanted.setdefault(run.article_id, set()).update(range(run.first, run.last + 1))
    conditions = Q(pk__in=[])
    for article_id, indexes in wanted.items():
        conditions |= Q(article_id=article_id, index__in=sorted(indexes))
    rows = Sentence.objects.filter(conditions).values_list(
        "article_id", "index", "start", "end", "text"
    )
    return {(article, index): (start, end, text) for article, index, start, end, text in rows}


def _span(run: _Run, sentences: dict[tuple[int, int], tuple[int, int, str]]) -> FlaggedSpan:
    """One entry: the sentences' text (the gaps between them as spaces, so that offsets stay
    put), with the annotations that do not cover all of it marked."""
    keys = [(run.article_id, index) for index in range(run.first, run.last + 1)]
    reached = [sentences[key] for key in keys if key in sentences]
    if reached:
        start, end, text = reached[0][0], reached[-1][1], _joined(reached)
    else:  # no sentence holds it (not seen in practice): its own words stand for the entry
        first = run.annotations[0]
        start, end, text = first.start, first.end, first.quote
    partial = [row for row in run.annotations if row.start > start or row.end < end]
    labels = [(row.start, row.end, f"{row.author.username}: {row.tag.name}") for row in partial]
    return FlaggedSpan(
        article_id=run.article_id,
        sentence=run.first,
        last_sentence=run.last,
        start=start,
        end=end,
        pieces=text_pieces(text, start=start, spans=labels),
        annotations=tuple(run.annotations),
        partial=frozenset(row.pk for row in partial),
    )


def _joined(sentences: list[tuple[int, int, str]]) -> str:
    parts = [sentences[0][2]]
    for (_, end, _), (start, _, text) in pairwise(sentences):
        parts += [" " * (start - end), text]
    return "".join(parts)


def _first_sentence_start() -> Coalesce:
    """Where the sentence that the joined annotation starts in (or after) begins. Implied by
    the overlap, it bounds the (article, start) index scan from below: without it each
    annotation read every sentence before its end (1.9 s instead of 13 ms for 750 price
    claims on a 16,000-sentence article)."""
    before = Sentence.objects.filter(
        article_id=OuterRef("article__annotations__article_id"),
        start__lte=OuterRef("article__annotations__start"),
    )
    return Coalesce(Subquery(before.order_by("-start").values("start")[:1]), Value(0))


def priced_sentences(
    *, annotations: QuerySet[Annotation], limit: int = PRICED_LIMIT
) -> Listing[PricedSentence]:
    """The sentences that price-claim annotations overlap, each once however many reviewers
    tagged it and however their spans fall (one over two sentences gives both), with the
    amounts quoted in them. The amounts are parsed from the text, so this is the one part of
    a report computed outside the database, and it is capped."""
    priced = annotations.filter(tag__slug=PRICE_TAG).order_by().values("pk")
    sentences = (
        # In one filter() call, so that every condition applies to the same annotation.
        Sentence.objects.filter(
            article__annotations__in=priced,
            article__annotations__start__lt=F("end"),
            article__annotations__end__gt=F("start"),
            start__gte=_first_sentence_start(),
        )
        .order_by("article_id", "index")
        .values("article_id", "index", "text", "article__title", "article__publisher")
        .distinct()
    )
    items = [
        PricedSentence(
            article_id=row["article_id"],
            article_title=row["article__title"],
            publisher=row["article__publisher"],
            sentence=row["index"],
            quote=row["text"],
            prices=tuple(extract_prices(row["text"])),
        )
        for row in sentences[:limit]
    ]
    total = len(items) if len(items) < limit else sentences.count()
    return Listing(items, total)


# --- Agreement ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementLine:
    """One row of a report's agreement table, its figures as printed."""

    name: str
    colour: str  # "" for the row that pools every tag
    units: int
    positive: int
    percent: str
    kappa: str
    alpha: str


@dataclass(frozen=True)
class AgreementSection:
    """A report's agreement figures, and what they do and do not cover."""

    figures: Agreement
    lines: list[AgreementLine]
    overall: AgreementLine | None
    tags_chosen: bool  # only the tags the report's filters name are counted
    ignores_filters: bool  # the report has reviewer or date filters, which agreement ignores


def report_agreement(*, user: selectors.Viewer, filters: ReportFilters) -> Agreement | None:
    """Agreement over the articles and tags the report's filters select, for editors and
    readers. A reviewer's report covers their own work only, so they get None."""
    if not selectors.user_sees_all_annotations(user):
        return None
    return corpus_agreement(filters=filters)


def agreement_section(*, user: selectors.Viewer, filters: ReportFilters) -> AgreementSection | None:
    """`report_agreement` as a report page prints it."""
    figures = report_agreement(user=user, filters=filters)
    if figures is None:
        return None
    colours = dict(
        Tag.objects.filter(slug__in=[row.tag for row in figures.tags]).values_list("slug", "colour")
    )
    return AgreementSection(
        figures=figures,
        lines=[agreement_line(row, colour=colours.get(row.tag, "")) for row in figures.tags],
        overall=agreement_line(figures.overall, colour="") if figures.overall else None,
        tags_chosen=bool(filters.tags),
        ignores_filters=bool(filters.reviewer or filters.created_after or filters.created_before),
    )


def agreement_line(row: TagAgreement, *, colour: str) -> AgreementLine:
    return AgreementLine(
        name=row.tag_name,
        colour=colour,
        units=row.units,
        positive=row.positive,
        percent=percent_text(row.percent_agreement),
        kappa=ratio_text(row.cohen_kappa),
        alpha=ratio_text(row.krippendorff_alpha),
    )


def percent_text(value: float | None) -> str:
    """A share as a whole percentage, as the adjudication page prints it."""
    return NOT_AVAILABLE if value is None else f"{value:.0%}"


def ratio_text(value: float | None) -> str:
    """Two decimals, as kappa and alpha are quoted, with a minus sign, not a hyphen: both go
    below zero when reviewers agree less than chance would have them."""
    if value is None:
        return NOT_AVAILABLE
    # Adding 0.0 turns a rounded -0.0 (float noise around a kappa of 0) into 0.0.
    return f"{round(value, 2) + 0.0:.2f}".replace("-", "−")
