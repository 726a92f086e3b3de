"""Reads that are more than a filter, computed in the database."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import Http404

from claims.models import (
    EDITOR,
    READER,
    REVIEWER,
    ROLE_GROUPS,
    Annotation,
    Article,
    Assignment,
    Sentence,
    SuggesterVersion,
    Suggestion,
    SuggestionReview,
    SuggestionRun,
    Tag,
)

# Whoever makes a request: a signed-in user, or nobody yet.
Viewer = User | AnonymousUser

# The dimensions `tag_counts` can group by, in the order their columns appear in a row.
GROUP_BY_KEYS = ("publisher", "article", "author", "tag", "month")


def user_roles(user: Viewer) -> frozenset[str]:
    """The role groups a user is in, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_claimscope_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
        if user.is_superuser:
            names.add(EDITOR)
        cached = frozenset(names)
        setattr(user, "_claimscope_roles", cached)  # noqa: B010  # not a field of the model
    return cached


def user_sees_all_annotations(user: Viewer) -> bool:
    return bool(user_roles(user) & {EDITOR, READER})


def article_list(*, search: str = "", user: Viewer | None = None) -> QuerySet[Article]:
    """Articles with their sentence counts (and, given a user, the annotations that user may
    see), newest first, without loading their text."""
    articles = Article.objects.defer("text").select_related("created_by")
    if search:
        articles = articles.filter(Q(title__icontains=search) | Q(publisher__icontains=search))
    articles = articles.annotate(sentence_count=_count_of(Sentence.objects.all()))
    if user is not None:
        articles = articles.annotate(annotation_count=_count_of(annotations_visible_to(user)))
    return articles.order_by("-created_at", "-id")


def article_rows(
    *,
    user: Viewer,
    search: str = "",
    status: str = "",
    tag: str = "",
    publisher: str = "",
    assigned: bool = False,
) -> QuerySet[Article]:
    """The article list page: `article_list` narrowed by status, publisher, a tag the user
    can see on it and (with `assigned`) the user's assignments, with the user's own annotation
    count, their assignment (open, done or none) and the time of the last change to the article
    or to an annotation the user may see. Articles assigned to the user and not yet done come
    first, then those done, then the rest, each newest first."""
    articles = article_list(search=search, user=user)
    if status:
        articles = articles.filter(status=status)
    if publisher:
        articles = articles.filter(publisher=publisher)
    visible = annotations_visible_to(user)
    mine = Assignment.objects.filter(article=OuterRef("pk"), reviewer_id=user.pk)
    if assigned:
        articles = articles.filter(Exists(mine))
    if tag:
        articles = articles.filter(
            Exists(visible.filter(article=OuterRef("pk"), tag__slug=tag).order_by())
        )
    last_change = (
        visible.filter(article=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
    )
    return articles.annotate(
        mine_count=_count_of(Annotation.objects.filter(author_id=user.pk, final=False)),
        last_activity=Greatest("updated_at", Coalesce(Subquery(last_change), "updated_at")),
        assignment=Case(
            When(Exists(mine.filter(done_at__isnull=True)), then=Value(ASSIGNMENT_OPEN)),
            When(Exists(mine), then=Value(ASSIGNMENT_DONE)),
            default=Value(ASSIGNMENT_NONE),
        ),
    ).order_by("assignment", "-created_at", "-id")


# How the list sorts a user's assignment on an article: open ones first.
ASSIGNMENT_OPEN, ASSIGNMENT_DONE, ASSIGNMENT_NONE = 0, 1, 2


def article_publishers() -> list[str]:
    """Every publisher named on an article, for the list page's filter."""
    rows = Article.objects.exclude(publisher="").order_by("publisher")
    return list(rows.values_list("publisher", flat=True).distinct())


def _count_of(rows: QuerySet) -> Coalesce:
    """A per-article count as a correlated subquery: evaluated only for the rows a page
    returns, where a JOIN + GROUP BY would count every article's rows first."""
    per_article = (
        rows.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(per_article, output_field=IntegerField()), Value(0))


def row_or_404(rows: QuerySet, *, missing: str, **lookup: Any) -> Any:
    """The one row matching `lookup`, or a 404 saying `missing` (also for a malformed key)."""
    try:
        return rows.get(**lookup)
    except (rows.model.DoesNotExist, TypeError, ValueError):
        raise Http404(missing) from None


def article_get(*, pk: Any) -> Article:
    """Every role may read every article; a missing one is a 404."""
    return row_or_404(Article.objects.all(), missing=f"There is no article {pk}.", pk=pk)


def article_detail(*, user: Viewer, pk: Any) -> Article:
    """One article with its text and the counts the list shows, or 404."""
    rows = article_list(user=user).defer(None)
    return row_or_404(rows, missing=f"There is no article {pk}.", pk=pk)


def article_original(*, pk: Any) -> Article:
    """What a download of an article's original needs (not its text), or 404 when the
    article is not there or has no original (imported from a corpus export). Every role
    may read every article."""
    rows = Article.objects.filter(original__isnull=False)
    rows = rows.only("pk", "media_type", "original_filename", "original_size", "original")
    return row_or_404(rows, missing=f"Article {pk} has no uploaded original.", pk=pk)


def article_sentences(*, article: Article) -> QuerySet[Sentence]:
    return Sentence.objects.filter(article=article).order_by("index")


def sentence_rows(*, article: Article) -> list[dict[str, Any]]:
    """All of an article's sentences as plain rows: 16,000 of them go out in one response, which
    model instances and serializer fields would slow down tenfold."""
    fields = ("index", "start", "end", "text", "kind", "block")
    return list(article_sentences(article=article).values(*fields))


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list item... of an article and the sentences in it."""

    kind: str
    sentences: list[dict[str, Any]]


def article_blocks(*, article: Article) -> list[Block]:
    """The article's sentences grouped into its blocks, in reading order."""
    blocks: list[Block] = []
    for row in sentence_rows(article=article):
        if not blocks or blocks[-1].sentences[-1]["block"] != row["block"]:
            blocks.append(Block(kind=row["kind"], sentences=[]))
        blocks[-1].sentences.append(row)
    return blocks


def article_reviewers(*, article: Article) -> list[str]:
    """The usernames of everyone who has annotated the article."""
    authors = Annotation.objects.filter(article=article, final=False).order_by("author__username")
    return list(authors.values_list("author__username", flat=True).distinct())


def annotations_visible_to(user: Viewer, *, final: bool = False) -> QuerySet[Annotation]:
    """Review annotations (or, with `final`, the final ones) the user may see. Editors and
    readers see all. A reviewer sees their own review annotations, never another reviewer's,
    and the final annotations of articles whose adjudication is finished."""
    return Annotation.objects.filter(_visible(user, final=final))


def _visible(user: Viewer, *, final: bool) -> Q:
    layer = Q(final=final)
    if user_sees_all_annotations(user):
        return layer
    if REVIEWER in user_roles(user):
        if final:
            return layer & Q(article__adjudicated_at__isnull=False)
        return layer & Q(author_id=user.pk)
    return Q(pk__in=[])


def annotation_get(*, user: Viewer, pk: Any) -> Annotation:
    """An annotation the user may see, review or final, or 404 (another reviewer's work does
    not exist for you)."""
    rows = (
        Annotation.objects.filter(_visible(user, final=False) | _visible(user, final=True))
        .select_related("tag", "author", "article")
        .defer("article__text")
    )
    return row_or_404(rows, missing=f"There is no annotation {pk}.", pk=pk)


def tag_list(*, user: Viewer) -> QuerySet[Tag]:
    """The vocabulary, each tag with the number of annotations the user may see."""
    counted: Count | Value
    if user_sees_all_annotations(user):
        counted = Count("annotations", filter=Q(annotations__final=False))
    elif REVIEWER in user_roles(user):
        counted = Count(
            "annotations",
            filter=Q(annotations__author_id=user.pk, annotations__final=False),
        )
    else:
        counted = Value(0, output_field=IntegerField())
    return Tag.objects.annotate(annotation_count=counted).order_by("order", "name")


def tag_get(*, slug: str, user: Viewer) -> Tag:
    """One tag with the count `tag_list` gives it, or 404."""
    return row_or_404(tag_list(user=user), missing=f"There is no tag “{slug}”.", slug=slug)


def tag_counts(
    *, annotations: QuerySet[Annotation], group_by: Sequence[str]
) -> list[dict[str, Any]]:
    """Annotation and distinct-article counts per combination of `group_by` keys.

    Two levels, both in the database: the annotations are first counted per article (and per
    tag, author and month as asked) straight from the annotation table's indexes, then those few
    thousand rows are joined to their names and summed. Joining a million annotations to their
    articles before counting takes several times longer.
    """
    keys = [key for key in GROUP_BY_KEYS if key in group_by]
    inner = _per_article_counts(annotations, keys)
    inner_sql, params = inner.query.sql_with_params()
    columns, joins = _outer_columns(keys)
    group = ", ".join(expr for expr, _ in columns)
    select = ", ".join(f"{expr} AS {name}" for expr, name in columns)
    sql = (
        f"SELECT {select}{', ' if select else ''}"
        # Each inner row is one article within its group (the inner keys are the asked-for
        # ones plus the article), so counting rows counts distinct articles: no DISTINCT sort.
        "CAST(SUM(i.n) AS BIGINT) AS annotations, COUNT(*) AS articles "
        f"FROM ({inner_sql}) i {' '.join(joins)}"
        + (f" GROUP BY {group} ORDER BY {group}" if group else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [_stats_row(row) for row in rows if row["annotations"]]


def _per_article_counts(annotations: QuerySet[Annotation], keys: Iterable[str]) -> QuerySet:
    # The keys go in the order of the (tag, article) and (author, article, tag) indexes, and
    # the count is COUNT(*), not COUNT(id): PostgreSQL can then count straight off one sorted
    # index instead of reading the table and hashing a million rows (it groups in the order
    # written).
    dimensions: dict[str, Any] = {}
    if "author" in keys:
        dimensions["author_key"] = F("author_id")
        dimensions["article_key"] = F("article_id")
        if "tag" in keys:
            dimensions["tag_key"] = F("tag_id")
    else:
        if "tag" in keys:
            dimensions["tag_key"] = F("tag_id")
        dimensions["article_key"] = F("article_id")
    if "month" in keys:
        dimensions["month_key"] = TruncMonth("created_at")
    return annotations.order_by().values(**dimensions).annotate(n=Count("*"))


def _outer_columns(keys: Sequence[str]) -> tuple[list[tuple[str, str]], list[str]]:
    quote = connection.ops.quote_name
    columns: list[tuple[str, str]] = []
    joins: list[str] = []
    if "publisher" in keys or "article" in keys:
        joins.append(f"JOIN {quote(Article._meta.db_table)} a ON a.id = i.article_key")
    if "publisher" in keys:
        columns.append(("a.publisher", "publisher"))
    if "article" in keys:
        columns += [("a.id", "article"), ("a.title", "article_title")]
    if "author" in keys:
        user_table = Annotation._meta.get_field("author").related_model._meta.db_table
        joins.append(f"JOIN {quote(user_table)} u ON u.id = i.author_key")
        columns.append(("u.username", "author"))
    if "tag" in keys:
        joins.append(f"JOIN {quote(Tag._meta.db_table)} t ON t.id = i.tag_key")
        columns.append(("t.slug", "tag"))
    if "month" in keys:
        columns.append(("i.month_key", "month"))
    return columns, joins


def _stats_row(row: dict[str, Any]) -> dict[str, Any]:
    if "month" in row:
        row["month"] = _month_label(row["month"])
    return row


def _month_label(value: datetime | date | str) -> str:
    if isinstance(value, date | datetime):
        return value.strftime("%Y-%m")
    return str(value)[:7]


@dataclass(frozen=True)
class ReportFilters:
    """What a report or export covers; an empty field does not filter."""

    publisher: str = ""
    tags: tuple[str, ...] = ()
    reviewer: str = ""  # a username: one reviewer's annotations
    status: str = ""  # the article's status
    created_after: date | None = None  # annotations made on or after this day
    created_before: date | None = None  # ... and on or before this one
    article_id: int | None = None
    final: bool = False  # the final (adjudicated) annotations instead of the reviewers'
    from_suggestion: bool | None = None  # only those from suggestions (True) or by hand (False)


def report_annotations(*, user: Viewer, filters: ReportFilters) -> QuerySet[Annotation]:
    """The annotations a report or export covers: those the user may see, narrowed by
    `filters`, in document order per article. Reviewers only ever get their own."""
    rows = annotations_visible_to(user, final=filters.final).filter(
        article_conditions(filters, via="article__")
    )
    if filters.tags:
        rows = rows.filter(tag__slug__in=filters.tags)
    if filters.reviewer:
        rows = rows.filter(author__username=filters.reviewer)
    if filters.created_after:
        rows = rows.filter(created_at__date__gte=filters.created_after)
    if filters.created_before:
        rows = rows.filter(created_at__date__lte=filters.created_before)
    if filters.from_suggestion is not None:
        rows = rows.filter(from_suggestion=filters.from_suggestion)
    return rows.order_by("article_id", "start", "end", "tag__order", "id")


def report_articles(*, filters: ReportFilters) -> QuerySet[Article]:
    """The articles the article-level filters (article, publisher, status) select, whether
    annotated or not."""
    return Article.objects.filter(article_conditions(filters, via="")).order_by("pk")


def article_conditions(filters: ReportFilters, *, via: str) -> Q:
    """The article-level filters as a condition on articles, or on rows that reach their
    article through `via` ("article__")."""
    conditions = Q()
    if filters.article_id is not None:
        conditions &= Q(**{f"{via}pk": filters.article_id})
    if filters.publisher:
        conditions &= Q(**{f"{via}publisher": filters.publisher})
    if filters.status:
        conditions &= Q(**{f"{via}status": filters.status})
    return conditions


# ---- Suggested tags ---------------------------------------------------------------------------


def suggestion_rows(
    *,
    article: Article,
    user: Viewer,
    version: SuggesterVersion,
    tag: str = "",
    min_score: float | None = None,
    include_hidden: bool = False,
) -> QuerySet[Suggestion]:
    """The version's suggestions for the article with the user's answer to each (`state`:
    open, accepted or dismissed, under any version) in one query. Only those at or above
    their tag's threshold unless `include_hidden`."""
    answer = SuggestionReview.objects.filter(
        reviewer_id=user.pk,
        suggestion__article_id=OuterRef("article_id"),
        suggestion__sentence=OuterRef("sentence"),
        suggestion__tag_id=OuterRef("tag_id"),
    ).order_by()  # one answer per sentence and tag: the default ordering would join and sort
    rows = (
        Suggestion.objects.filter(article=article, model=version, tag__archived=False)
        .select_related("tag")
        .only(*SUGGESTION_FIELDS, "tag__slug", "tag__order", "tag__name")
        .annotate(
            state=Coalesce(Subquery(answer.values("state")[:1]), Value("open")),
            annotation_id=Subquery(answer.values("annotation_id")[:1]),
        )
        .order_by("sentence", "tag__order", "tag__slug")
    )
    if not include_hidden:
        rows = rows.filter(shown=True)
    if tag:
        rows = rows.filter(tag__slug=tag)
    if min_score is not None:
        rows = rows.filter(score__gte=min_score)
    return rows


SUGGESTION_FIELDS = (
    "id",
    "article_id",
    "sentence",
    "start",
    "end",
    "tag_id",
    "model_id",
    "score",
    "reason",
    "shown",
)


def suggestion_get(*, pk: Any) -> Suggestion:
    rows = Suggestion.objects.select_related("tag", "model", "article").defer(
        "article__text", "model__weights"
    )
    return row_or_404(rows, missing=f"There is no suggestion {pk}.", pk=pk)


def suggester_versions() -> QuerySet[SuggesterVersion]:
    """Every model version, newest first, without its weights (a few MB each)."""
    return SuggesterVersion.objects.defer("weights").select_related("trained_by")


def suggestion_runs() -> QuerySet[SuggestionRun]:
    """Corpus-wide suggestion runs, newest first."""
    return SuggestionRun.objects.select_related("model", "started_by").defer("model__weights")


def suggester_version_get(*, version: str) -> SuggesterVersion:
    return row_or_404(
        suggester_versions(), missing=f"There is no model version {version!r}.", version=version
    )
