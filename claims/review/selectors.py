"""The review workflow's reads: assignments, who reviewed an article, the adjudication grid
and the history, computed in the database."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from claims.models import (
    REVIEWER,
    Annotation,
    Article,
    Assignment,
    Decision,
    Event,
    ReadThrough,
    Sentence,
    Tag,
)
from claims.selectors import (
    Viewer,
    article_sentences,
    row_or_404,
    user_roles,
    user_sees_all_annotations,
)


def assignments_visible_to(user: Viewer) -> QuerySet[Assignment]:
    """Editors and readers see every assignment; a reviewer sees their own."""
    rows = Assignment.objects.select_related("article", "reviewer", "assigned_by").defer(
        "article__text"
    )
    if user_sees_all_annotations(user):
        return rows.order_by("-assigned_at", "-id")
    if REVIEWER in user_roles(user):
        return rows.filter(reviewer_id=user.pk).order_by("-assigned_at", "-id")
    return rows.none()


def assignment_get(*, user: Viewer, pk: Any) -> Assignment:
    return row_or_404(assignments_visible_to(user), missing=f"There is no assignment {pk}.", pk=pk)


def article_assignments(*, article: Article) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(article=article)
        .select_related("reviewer")
        .order_by("reviewer__username")
    )


def user_assignment(*, article: Article, user: Viewer) -> Assignment | None:
    return Assignment.objects.filter(article=article, reviewer_id=user.pk).first()


def article_coders(*, article: Article) -> list[str]:
    """Who reviewed the article, for agreement and adjudication: everyone with a review
    annotation on it, and every reviewer who marked their review of it done (having tagged
    nothing, they said "no" to every sentence)."""
    coders = coders_per_article(Q(article_id=article.pk))
    return sorted(coders.get(article.pk, {}).values())


def _coder_pairs(conditions: Q) -> QuerySet:
    """Distinct (article id, coder's user id) rows."""
    # The pairs come off the (author, article, tag) index alone; joining each of a million
    # annotations to its author's name before removing duplicates took five times as long.
    authors = (
        Annotation.objects.filter(conditions, final=False)
        .order_by()
        .values_list("article_id", "author_id")
    )
    done = (
        Assignment.objects.filter(conditions, done_at__isnull=False)
        .order_by()
        .values_list("article_id", "reviewer_id")
    )
    # UNION, not UNION ALL: one row per article and coder however many annotations they made.
    return authors.union(done).order_by()


def coders_per_article(conditions: Q) -> dict[int, dict[int, str]]:
    """Each article's coders as user id -> username, from distinct (article, coder) rows."""
    pairs = list(_coder_pairs(conditions))
    users = get_user_model().objects.filter(pk__in={user_id for _, user_id in pairs})
    names = dict(users.values_list("pk", "username"))
    coders: dict[int, dict[int, str]] = defaultdict(dict)
    for article_id, user_id in pairs:
        coders[article_id][user_id] = names[user_id]
    return coders


def open_disagreements_per_article(article_ids: Sequence[int]) -> dict[int, int]:
    """Per article, the sentences the adjudication grid marks as a disagreement (a tag that
    some but not all of the article's coders gave, or any tag while it has one coder) and
    that still have such a tag undecided. One query, however many articles."""
    if not article_ids:
        return {}
    votes = (
        sentences_under_reviews(Q(article_id__in=article_ids))
        .order_by()
        .values("article_id", "index", "article__annotations__tag_id")
        .annotate(voters=Count("article__annotations__author_id", distinct=True))
    )
    votes_sql, votes_params = votes.query.sql_with_params()
    pairs_sql, pairs_params = _coder_pairs(Q(article_id__in=article_ids)).query.sql_with_params()
    decisions = connection.ops.quote_name(Decision._meta.db_table)
    sql = (
        f"WITH votes (article_id, sentence, tag_id, voters) AS ({votes_sql}), "
        f"coder_pairs (article_id, user_id) AS ({pairs_sql}), "
        "coders AS (SELECT article_id, COUNT(*) AS n FROM coder_pairs GROUP BY article_id) "
        "SELECT v.article_id, COUNT(DISTINCT v.sentence) FROM votes v "
        "JOIN coders c ON c.article_id = v.article_id "
        "WHERE (c.n < 2 OR v.voters < c.n) AND NOT EXISTS ("
        f"SELECT 1 FROM {decisions} d WHERE d.article_id = v.article_id "
        "AND d.sentence = v.sentence AND d.tag_id = v.tag_id) "
        "GROUP BY v.article_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*votes_params, *pairs_params))
        return dict(cursor.fetchall())


def sentences_under_reviews(conditions: Q, **annotation_conditions: Any) -> QuerySet[Sentence]:
    """The sentences matching `conditions`, once per review annotation that overlaps them
    (`article__annotations__...` names that annotation's fields)."""
    # In one filter() call, so that every condition applies to the same annotation.
    return Sentence.objects.filter(conditions).filter(
        article__annotations__final=False,
        article__annotations__start__lt=F("end"),
        article__annotations__end__gt=F("start"),
        **annotation_conditions,
    )


@dataclass(frozen=True)
class Proposal:
    """One tag for one sentence, as the reviewers gave it and the editor decided it."""

    tag: str
    tag_name: str
    colour: str
    by: tuple[str, ...]  # the coders who gave it
    unanimous: bool  # every coder gave it, and there are two or more
    accepted: bool | None  # the editor's decision, None while undecided
    comment: str = ""  # the editor's comment on that decision


@dataclass(frozen=True)
class ReviewerMark:
    """One coder's annotation as it touches one sentence of the grid: its tag, its note, and
    the part of the sentence it covers (all of it, or the exact words a reviewer chose)."""

    id: int
    tag: str
    tag_name: str
    colour: str
    start: int  # the annotation's own offsets, which may reach into other sentences
    end: int
    quote: str  # the text of this sentence that it covers
    note: str
    whole: bool  # it covers the whole sentence


@dataclass(frozen=True)
class GridCell:
    coder: str
    tags: list[str]  # the tags they gave the sentence, in the proposals' order
    marks: list[ReviewerMark]  # their annotations on it, in document order


@dataclass(frozen=True)
class TextPiece:
    """A run of a sentence's text, and who highlighted exactly that run (empty for text no
    one chose on its own: a tag on the whole sentence marks no run)."""

    text: str
    by: tuple[str, ...]  # who and which tag ("rita: Overstated"), per span covering the run


@dataclass(frozen=True)
class GridRow:
    index: int
    start: int
    end: int
    text: str
    cells: list[GridCell]  # in coder order
    proposals: list[Proposal]
    disagreement: bool
    pieces: tuple[TextPiece, ...] = ()  # `text` cut where reviewers' exact spans begin and end


@dataclass(frozen=True)
class Grid:
    """The adjudication grid: every sentence a coder tagged or the editor decided on."""

    coders: list[str]
    rows: list[GridRow]
    tags: dict[str, Tag]  # the vocabulary by slug, as the rows were built from it

    @property
    def pending(self) -> int:
        return sum(1 for row in self.rows for p in row.proposals if p.by and p.accepted is None)

    @property
    def decided(self) -> int:
        return sum(1 for row in self.rows for p in row.proposals if p.accepted is not None)

    @property
    def unanimous_pending(self) -> int:
        return sum(
            1 for row in self.rows for p in row.proposals if p.unanimous and p.accepted is None
        )

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.rows if row.disagreement)


def adjudication_grid(*, article: Article) -> Grid:
    """Which coder gave which sentence which tag (a tag covers every sentence its span
    overlaps), with their notes and exact spans and the editor's decisions, in six queries
    whatever the article's size."""
    coders = article_coders(article=article)
    marks = _sentence_marks(article)
    votes = _votes(marks)
    decisions: dict[tuple[int, str], tuple[bool | None, str]] = {
        (index, slug): (accepted, comment)
        for index, slug, accepted, comment in Decision.objects.filter(article=article).values_list(
            "sentence", "tag__slug", "accepted", "comment"
        )
    }
    indexes = set(marks) | {index for index, _ in decisions}
    sentences = article_sentences(article=article).filter(index__in=indexes)
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    rows = [
        _grid_row(
            sentence,
            coders=coders,
            votes=votes,
            marks=marks.get(sentence.index, []),
            decisions=decisions,
            tags=tags,
        )
        for sentence in sentences.only("index", "start", "end", "text")
    ]
    return Grid(coders=coders, rows=rows, tags=tags)


@dataclass(frozen=True)
class _Mark:
    """A review annotation overlapping a sentence, as the grid's query reads it."""

    id: int
    tag: str
    author: str
    start: int
    end: int
    note: str


def _sentence_marks(article: Article) -> dict[int, list[_Mark]]:
    """Sentence index -> the review annotations overlapping it, in document order: one row
    per sentence and annotation, in one query."""
    prefix = "article__annotations__"
    fields = ("id", "tag__slug", "author__username", "start", "end", "note")
    rows = (
        sentences_under_reviews(Q(article=article))
        .order_by("index", f"{prefix}start", f"{prefix}end", f"{prefix}id")
        .values_list("index", *(prefix + field for field in fields))
    )
    marks: dict[int, list[_Mark]] = {}
    for index, *values in rows:
        marks.setdefault(index, []).append(_Mark(*values))
    return marks


def _votes(marks: dict[int, list[_Mark]]) -> dict[tuple[int, str], set[str]]:
    """(sentence index, tag slug) -> the usernames of the coders who gave it."""
    votes: dict[tuple[int, str], set[str]] = {}
    for index, sentence_marks in marks.items():
        for mark in sentence_marks:
            votes.setdefault((index, mark.tag), set()).add(mark.author)
    return votes


def _grid_row(
    sentence: Sentence,
    *,
    coders: list[str],
    votes: dict[tuple[int, str], set[str]],
    marks: list[_Mark],
    decisions: dict[tuple[int, str], tuple[bool | None, str]],
    tags: dict[str, Tag],
) -> GridRow:
    slugs = {slug for index, slug in (*votes, *decisions) if index == sentence.index}
    ordered = sorted(slugs, key=lambda slug: (tags[slug].order, tags[slug].name))
    proposals = []
    for slug in ordered:
        by = tuple(c for c in coders if c in votes.get((sentence.index, slug), ()))
        accepted, comment = decisions.get((sentence.index, slug), (None, ""))
        proposals.append(
            Proposal(
                tag=slug,
                tag_name=tags[slug].name,
                colour=tags[slug].colour,
                by=by,
                # One reviewer's tags are not "unanimous": there is nobody to agree with.
                unanimous=len(coders) >= 2 and len(by) == len(coders),
                accepted=accepted,
                comment=comment,
            )
        )
    placed = [(mark, _reviewer_mark(mark, sentence, tags[mark.tag])) for mark in marks]
    cells = [
        GridCell(
            coder=c,
            tags=[p.tag for p in proposals if c in p.by],
            marks=[shown for mark, shown in placed if mark.author == c],
        )
        for c in coders
    ]
    partial = [
        (shown.start, shown.end, f"{mark.author}: {shown.tag_name}")
        for mark, shown in placed
        if not shown.whole
    ]
    return GridRow(
        index=sentence.index,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        cells=cells,
        proposals=proposals,
        disagreement=any(p.by and not p.unanimous for p in proposals),
        pieces=text_pieces(sentence.text, start=sentence.start, spans=partial),
    )


def _reviewer_mark(mark: _Mark, sentence: Sentence, tag: Tag) -> ReviewerMark:
    first = max(mark.start, sentence.start) - sentence.start
    last = min(mark.end, sentence.end) - sentence.start
    return ReviewerMark(
        id=mark.id,
        tag=mark.tag,
        tag_name=tag.name,
        colour=tag.colour,
        start=mark.start,
        end=mark.end,
        quote=sentence.text[first:last],
        note=mark.note,
        whole=mark.start <= sentence.start and mark.end >= sentence.end,
    )


def text_pieces(
    text: str, *, start: int, spans: Sequence[tuple[int, int, str]]
) -> tuple[TextPiece, ...]:
    """`text` (found at offset `start` of its article) cut at every edge of the
    (start, end, label) spans, each run with the labels of the spans covering it: spans that
    overlap share the runs they share."""
    edges = {0, len(text)}
    for first, last, _ in spans:
        edges |= {min(max(first - start, 0), len(text)), max(min(last - start, len(text)), 0)}
    pieces = []
    for first, last in pairwise(sorted(edges)):
        by = tuple(label for s, e, label in spans if s - start <= first and e - start >= last)
        pieces.append(TextPiece(text=text[first:last], by=by))
    return tuple(pieces)


def article_events(*, article: Article) -> QuerySet[Event]:
    """The article's history, oldest first."""
    return Event.objects.filter(article=article).select_related("actor").order_by("id")


def annotation_events(*, annotation_id: int) -> QuerySet[Event]:
    """Everything that happened to one annotation, also after it was deleted."""
    return Event.objects.filter(annotation_id=annotation_id).select_related("actor").order_by("id")


# --- Read-through -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadThroughState:
    """How far one reviewer has read one article: `read_up_to` is the last sentence read (None
    before the first), `read` how many sentences that is, `total` how many the article has."""

    article: int
    reviewer: str
    read_up_to: int | None
    read: int
    total: int
    updated_at: Any

    @property
    def unread(self) -> int:
        return self.total - self.read


def read_through_state(*, article: Article, reviewer: Any) -> ReadThroughState:
    """One reviewer's read-through of one article, in one query."""
    stored = ReadThrough.objects.filter(article=article, reviewer=reviewer)
    row = (
        Article.objects.filter(pk=article.pk)
        .annotate(
            read_up_to=Subquery(stored.values("read_up_to")[:1]),
            read_at=Subquery(stored.values("updated_at")[:1]),
            total=Count("sentences"),
        )
        .values("read_up_to", "read_at", "total")
        .get()
    )
    read_up_to = row["read_up_to"]
    return ReadThroughState(
        article=article.pk,
        reviewer=reviewer.get_username(),
        read_up_to=read_up_to,
        read=0 if read_up_to is None else read_up_to + 1,
        total=row["total"],
        updated_at=row["read_at"],
    )


def read_up_to(*, article: Article, reviewer: Any) -> int | None:
    """The last sentence of the article the reviewer has read, None before the first."""
    stored = ReadThrough.objects.filter(article=article, reviewer=reviewer)
    return stored.values_list("read_up_to", flat=True).first()


def sentences_read(*, article_ref: Any, reviewer_ref: Any) -> Coalesce:
    """How many sentences a reviewer has read of an article, as an expression over outer
    references (an assignment's article and reviewer): for one list query, however long."""
    stored = ReadThrough.objects.filter(article=article_ref, reviewer=reviewer_ref)
    read_up_to = Subquery(stored.values("read_up_to")[:1])
    return Coalesce(read_up_to + 1, Value(0))
