"""An article's history as the history page lists it: each event with the tag and sentences it
is about and, for a change, what it replaced, in a fixed number of queries per page."""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from claims.models import Article, Event, Sentence, Tag

# The events that carry (or change) an annotation's fields.
ANNOTATION_KINDS = (Event.Kind.CREATED, Event.Kind.CHANGED, Event.Kind.DELETED)
# The events of an annotation's thread: they name the annotation, and carry the reply's text.
REPLY_KINDS = (Event.Kind.REPLIED, Event.Kind.REPLY_EDITED, Event.Kind.REPLY_DELETED)
EMPTY = "(none)"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    event: Event
    tag: str = ""  # the tag's name
    sentences: tuple[int, int] | None = None  # first and last sentence index
    quote: str = ""  # the annotated text, for annotations made and deleted
    note: str = ""  # the note they had then
    reviewer: str = ""  # whose assignment, for assignment events
    reply: str = ""  # a reply's text, for replies written and deleted
    changes: list[Change] = field(default_factory=list)

    @property
    def sentence_label(self) -> str:
        """The sentences as readers count them, from 1: "4" or "4–5"."""
        if self.sentences is None:
            return ""
        first, last = self.sentences
        return str(first + 1) if first == last else f"{first + 1}–{last + 1}"


def history_rows(*, article: Article, events: Sequence[Event]) -> list[HistoryRow]:
    """One row per event. A change names only the fields it changed, so the tag and span of
    the annotation it changed are replayed from that annotation's earlier events."""
    if not events:
        return []
    states = _states_before(article=article, events=events)
    starts = _sentence_starts(article) if _has_spans(events) else []
    names = dict(Tag.objects.values_list("slug", "name"))
    return [_row(event, states=states, starts=starts, names=names) for event in events]


def _states_before(*, article: Article, events: Sequence[Event]) -> dict[int, dict[str, Any]]:
    """The fields of each annotation on the page as they were before the page's first event."""
    kinds = (*ANNOTATION_KINDS, *REPLY_KINDS)
    ids = {e.annotation_id for e in events if e.kind in kinds and e.annotation_id}
    if not ids:
        return {}
    earlier = Event.objects.filter(
        article=article,
        annotation_id__in=ids,
        id__lt=events[0].pk,
        kind__in=(Event.Kind.CREATED, Event.Kind.CHANGED),
    ).order_by("id")
    states: dict[int, dict[str, Any]] = {}
    for annotation_id, kind, data in earlier.values_list("annotation_id", "kind", "data"):
        if annotation_id is not None:  # always so: the filter names annotations
            _replay(states, annotation_id, kind, data)
    return states


def _replay(states: dict[int, dict[str, Any]], annotation_id: int, kind: str, data: dict) -> None:
    if kind == Event.Kind.CHANGED:
        states.setdefault(annotation_id, {}).update(data.get("after", {}))
    else:
        states[annotation_id] = dict(data)


def _has_spans(events: Sequence[Event]) -> bool:
    return any(e.kind in (*ANNOTATION_KINDS, *REPLY_KINDS) for e in events)


def _sentence_starts(article: Article) -> list[int]:
    rows = Sentence.objects.filter(article=article).order_by("index")
    return list(rows.values_list("start", flat=True))


def _row(
    event: Event,
    *,
    states: dict[int, dict[str, Any]],
    starts: list[int],
    names: dict[str, str],
) -> HistoryRow:
    data = event.data or {}
    if event.kind in ANNOTATION_KINDS and event.annotation_id:
        _replay(states, event.annotation_id, event.kind, data)
        now = states[event.annotation_id]
        return _annotation_row(event, now=now, starts=starts, names=names)
    if event.kind in REPLY_KINDS and event.annotation_id:
        now = states.get(event.annotation_id, {})
        return HistoryRow(
            event=event,
            tag=_name(now.get("tag"), names),
            sentences=_sentences_of(now, starts),
            reply=data.get("body", ""),
            changes=_changes(data, names),
        )
    if event.kind in (Event.Kind.ACCEPTED, Event.Kind.REJECTED, Event.Kind.COMMENTED):
        sentence = data.get("sentence")
        span = (sentence, sentence) if sentence is not None else None
        return HistoryRow(
            event=event,
            tag=_name(data.get("tag"), names),
            sentences=span,
            changes=_changes(data, names),
        )
    return HistoryRow(event=event, reviewer=data.get("reviewer", ""))


def _annotation_row(
    event: Event,
    *,
    now: dict[str, Any],
    starts: list[int],
    names: dict[str, str],
) -> HistoryRow:
    changes = _changes(event.data or {}, names) if event.kind == Event.Kind.CHANGED else []
    shows_text = event.kind != Event.Kind.CHANGED
    return HistoryRow(
        event=event,
        tag=_name(now.get("tag"), names),
        sentences=_sentences_of(now, starts),
        quote=now.get("quote", "") if shows_text else "",
        note=now.get("note", "") if shows_text else "",
        changes=changes,
    )


def _changes(data: dict[str, Any], names: dict[str, str]) -> list[Change]:
    changes = []
    for name, old in data.get("before", {}).items():
        new = data.get("after", {}).get(name)
        if name == "tag":
            old, new = _name(old, names), _name(new, names)
        changes.append(Change(field=name, before=_shown(old), after=_shown(new)))
    return changes


def _sentences_of(fields: dict[str, Any], starts: list[int]) -> tuple[int, int] | None:
    """The first and last sentence a span covers (`starts`: each sentence's first offset)."""
    start, end = fields.get("start"), fields.get("end")
    if start is None or end is None or not starts:
        return None
    first = max(bisect_right(starts, start) - 1, 0)
    last = max(bisect_right(starts, end - 1) - 1, first)
    return first, last


def _name(slug: str | None, names: dict[str, str]) -> str:
    if not slug:
        return ""
    return names.get(slug, slug)


def _shown(value: Any) -> str:
    return EMPTY if value in (None, "") else str(value)
