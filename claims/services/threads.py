"""Threads under annotations: replies written, edited and deleted, each step recorded in the
article's history. Who may read a thread is the selectors' business (claims.selectors_threads);
these functions check who may write."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from claims.models import EDITOR, REPLY_MAX_CHARS, REVIEWER, Annotation, Event, Reply
from claims.selectors import user_roles
from claims.services.errors import Forbidden, Rejected
from claims.services.events import events_record


def reply_body_checked(body: str) -> str:
    """The body as stored: surrounding blank space trimmed, never empty, never too long."""
    trimmed = body.strip()
    if not trimmed:
        raise Rejected("body", "A reply needs some text.", code="blank")
    if len(trimmed) > REPLY_MAX_CHARS:
        raise Rejected(
            "body",
            f"The reply is {len(trimmed):,} characters long; at most {REPLY_MAX_CHARS:,} fit.",
            code="max_length",
        )
    return trimmed


def reply_create(*, annotation: Annotation, author: User, body: str) -> Reply:
    """Add a reply under an annotation: editors reply on any, a reviewer on their own.
    Annotation.DoesNotExist when the annotation was deleted meanwhile."""
    roles = user_roles(author)
    if EDITOR not in roles and not (REVIEWER in roles and annotation.author_id == author.pk):
        raise Forbidden("Only an editor or the annotation's reviewer may reply to it.")
    reply = Reply(annotation=annotation, author=author, body=reply_body_checked(body))
    with transaction.atomic():
        # Held until the reply is in: a delete of the annotation meanwhile waits, rather than
        # failing the reply's foreign key at commit.
        held = Annotation.objects.select_for_update(no_key=True).filter(pk=annotation.pk)
        if held.values_list("pk", flat=True).first() is None:
            raise Annotation.DoesNotExist(f"There is no annotation {annotation.pk}.")
        reply.save()
        events_record([_reply_event(reply, Event.Kind.REPLIED, actor=author)])
    return reply


def reply_edit(*, reply: Reply, user: User, body: str) -> Reply:
    """Change a reply's text; only its author may. The history keeps what it replaced."""
    _own_check(reply, user=user)
    new_body = reply_body_checked(body)
    with transaction.atomic():
        stored = Reply.objects.select_for_update().get(pk=reply.pk)
        if stored.body != new_body:
            before = stored.body
            stored.body, stored.edited_at = new_body, timezone.now()
            stored.save(update_fields=["body", "edited_at"])
            data = {"reply": stored.pk, "before": {"body": before}, "after": {"body": new_body}}
            events_record([_reply_event(stored, Event.Kind.REPLY_EDITED, actor=user, data=data)])
    reply.body, reply.edited_at = stored.body, stored.edited_at
    return reply


def reply_delete(*, reply: Reply, user: User) -> None:
    """Delete a reply; only its author may. The history keeps what it said."""
    _own_check(reply, user=user)
    with transaction.atomic():
        deleted, _ = Reply.objects.filter(pk=reply.pk).delete()
        if deleted:  # a request that lost a race with another delete records nothing
            events_record([_reply_event(reply, Event.Kind.REPLY_DELETED, actor=user)])


def _own_check(reply: Reply, *, user: User) -> None:
    if reply.author_id != user.pk:
        raise Forbidden("Only its author may edit or delete a reply.")


def _reply_event(
    reply: Reply, kind: str, *, actor: User, data: dict[str, Any] | None = None
) -> Event:
    """An event on the reply's annotation, so it shows in that annotation's history."""
    return Event(
        article_id=reply.annotation.article_id,
        annotation_id=reply.annotation_id,
        actor=actor,
        kind=kind,
        data={"reply": reply.pk, "body": reply.body} if data is None else data,
    )
