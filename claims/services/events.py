"""The history: every change to an annotation, and every review step, recorded as an Event
in the transaction that makes it."""

from collections.abc import Iterable
from typing import Any

from claims.models import Annotation, Event


def annotation_snapshot(annotation: Annotation) -> dict[str, Any]:
    """What the history keeps of an annotation: enough to show it after it is deleted."""
    return {
        "tag": annotation.tag.slug,
        "note": annotation.note,
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "final": annotation.final,
    }


def annotation_event(
    annotation: Annotation, kind: str, *, data: dict[str, Any] | None = None
) -> Event:
    """An event by the annotation's author; `data` defaults to the annotation as it is."""
    return Event(
        article_id=annotation.article_id,
        annotation_id=annotation.pk,
        actor_id=annotation.author_id,
        kind=kind,
        data=annotation_snapshot(annotation) if data is None else data,
    )


def events_record(events: Iterable[Event]) -> None:
    Event.objects.bulk_create(events, batch_size=1000)
