"""The review workflow's reads: assignments, who reviewed an article, the adjudication grid
and the history, computed in the database."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from claims.models import REVIEWER, Annotation, Article, Assignment, Decision, Event, Sentence, Tag
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


@dataclass(frozen=True)
class GridRow:
    index: int
    start: int
    end: int
    text: str
    cells: list[tuple[str, list[str]]]  # (coder, the tags they gave), in coder order
    proposals: list[Proposal]
    disagreement: bool


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
    overlaps), with the editor's decisions, in six queries whatever the article's size."""
    coders = article_coders(article=article)
    votes = _sentence_votes(article)
    decisions = {
        (index, slug): accepted
        for index, slug, accepted in Decision.objects.filter(article=article).values_list(
            "sentence", "tag__slug", "accepted"
        )
    }
    indexes = {index for index, _ in votes} | {index for index, _ in decisions}
    sentences = article_sentences(article=article).filter(index__in=indexes)
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    rows = [
        _grid_row(sentence, coders=coders, votes=votes, decisions=decisions, tags=tags)
        for sentence in sentences.only("index", "start", "end", "text")
    ]
    return Grid(coders=coders, rows=rows, tags=tags)


def _sentence_votes(article: Article) -> dict[tuple[int, str], set[str]]:
    """(sentence index, tag slug) -> the usernames of the coders who gave it."""
    rows = (
        sentences_under_reviews(Q(article=article))
        .order_by()
        .values_list(
            "index", "article__annotations__tag__slug", "article__annotations__author__username"
        )
        .distinct()
    )
    votes: dict[tuple[int, str], set[str]] = {}
    for index, slug, username in rows:
        votes.setdefault((index, slug), set()).add(username)
    return votes


def _grid_row(
    sentence: Sentence,
    *,
    coders: list[str],
    votes: dict[tuple[int, str], set[str]],
    decisions: dict[tuple[int, str], bool],
    tags: dict[str, Tag],
) -> GridRow:
    slugs = {slug for index, slug in (*votes, *decisions) if index == sentence.index}
    ordered = sorted(slugs, key=lambda slug: (tags[slug].order, tags[slug].name))
    proposals = []
    for slug in ordered:
        by = tuple(c for c in coders if c in votes.get((sentence.index, slug), ()))
        proposals.append(
            Proposal(
                tag=slug,
                tag_name=tags[slug].name,
                colour=tags[slug].colour,
                by=by,
                # One reviewer's tags are not "unanimous": there is nobody to agree with.
                unanimous=len(coders) >= 2 and len(by) == len(coders),
                accepted=decisions.get((sentence.index, slug)),
            )
        )
    cells = [(c, [p.tag for p in proposals if c in p.by]) for c in coders]
    return GridRow(
        index=sentence.index,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        cells=cells,
        proposals=proposals,
        disagreement=any(p.by and not p.unanimous for p in proposals),
    )


def article_events(*, article: Article) -> QuerySet[Event]:
    """The article's history, oldest first."""
    return Event.objects.filter(article=article).select_related("actor").order_by("id")


def annotation_events(*, annotation_id: int) -> QuerySet[Event]:
    """Everything that happened to one annotation, also after it was deleted."""
    return Event.objects.filter(annotation_id=annotation_id).select_related("actor").order_by("id")
