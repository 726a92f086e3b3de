"""Reads of the threads under annotations: who may see which thread, its replies, and how
many replies each annotation of an article has."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from claims.models import REVIEWER, Annotation, Article, Decision, Reply
from claims.selectors import Viewer, row_or_404, user_roles, user_sees_all_annotations


def _threads_of(user: Viewer) -> Q:
    """The annotations whose thread the user may read: editors and readers every one, a
    reviewer those they made."""
    if user_sees_all_annotations(user):
        return Q()
    if REVIEWER in user_roles(user):
        return Q(author_id=user.pk)
    return Q(pk__in=[])


def thread_annotation_get(*, user: Viewer, pk: Any) -> Annotation:
    """The annotation whose thread the user may read, or 404: another reviewer's annotation
    and its thread do not exist for you."""
    rows = (
        Annotation.objects.filter(_threads_of(user))
        .select_related("article")
        .defer("article__text")
    )
    return row_or_404(
        rows, missing=f"There is no annotation {pk} whose replies you may see.", pk=pk
    )


def replies_visible_to(user: Viewer) -> QuerySet[Reply]:
    """Every reply on a thread the user may read, with its author."""
    return Reply.objects.filter(_replies_of(user)).select_related("author")


def _replies_of(user: Viewer) -> Q:
    if user_sees_all_annotations(user):
        return Q()  # no subquery over every annotation
    return Q(annotation__in=Annotation.objects.filter(_threads_of(user)).values("pk"))


def annotation_replies(*, annotation: Annotation) -> QuerySet[Reply]:
    """One thread, oldest reply first (the caller checked the user may read it)."""
    return Reply.objects.filter(annotation=annotation).select_related("author").order_by("id")


def reply_get(*, user: Viewer, pk: Any) -> Reply:
    """A reply on a thread the user may read, or 404."""
    rows = replies_visible_to(user).select_related("annotation")
    return row_or_404(rows, missing=f"There is no reply {pk}.", pk=pk)


def article_reply_counts(*, user: Viewer, article: Article) -> dict[int, int]:
    """Annotation id -> its number of replies, for the annotations of `article` whose thread
    the user may read and that have any: one query."""
    rows = (
        Reply.objects.filter(_replies_of(user), annotation__article=article)
        .order_by()
        .values("annotation_id")
        .annotate(n=Count("*"))
        .values_list("annotation_id", "n")
    )
    return dict(rows)


def decisions_visible_to(user: Viewer) -> QuerySet[Decision]:
    """The decisions (with their comments) the user may read: editors and readers every one,
    a reviewer those of articles whose adjudication is finished, as for the final tags."""
    if user_sees_all_annotations(user):
        return Decision.objects.all()
    if REVIEWER in user_roles(user):
        return Decision.objects.filter(article__adjudicated_at__isnull=False)
    return Decision.objects.none()
