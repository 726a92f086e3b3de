"""The tag vocabulary: editors add, edit and retire tags; a slug never changes, since it is
the tag's published IRI."""

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from claims.models import Tag
from claims.services.errors import Rejected

TAG_ORDER_MAX = 32767  # a PositiveSmallIntegerField on every database
TAG_FIELDS = ("name", "definition", "colour", "shortcut", "order", "archived")


def tag_create(
    *,
    slug: str,
    name: str,
    definition: str,
    colour: str,
    shortcut: str = "",
    order: int | None = None,
) -> Tag:
    if Tag.objects.filter(slug=slug).exists():
        raise Rejected("slug", f"A tag with the slug “{slug}” already exists.")
    if order is None:
        top = Tag.objects.aggregate(top=Max("order"))["top"] or 0
        order = min(top + 1, TAG_ORDER_MAX)
    tag = Tag(slug=slug, name=name, definition=definition, colour=colour, order=order)
    return _tag_save(tag, {"shortcut": shortcut}, create=True)


def tag_update(*, tag: Tag, **changes: Any) -> Tag:
    """Edit the vocabulary; the slug stays, because it is the tag's published IRI."""
    unknown = set(changes) - set(TAG_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    return _tag_save(tag, changes, create=False)


def _tag_save(tag: Tag, changes: dict[str, Any], *, create: bool) -> Tag:
    for field, value in changes.items():
        setattr(tag, field, value)
    _tag_check(tag)
    try:
        with transaction.atomic():
            if create:
                tag.save()
            else:
                tag.save(update_fields=list(changes))
    except IntegrityError:
        raise Rejected("non_field_errors", "Another tag has this name or shortcut.") from None
    return tag


# Control characters (ANSI escapes start with one) and the bidirectional overrides and
# isolates, which can make a tag's name display as different text from what it holds.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A definition may run over several lines.
_UNPRINTABLE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _tag_check(tag: Tag) -> None:
    if not tag.name.strip():
        raise Rejected("name", "The name cannot be blank.")
    _printable_check("name", tag.name, _UNPRINTABLE)
    _printable_check("definition", tag.definition, _UNPRINTABLE_IN_TEXT)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", tag.colour or ""):
        raise Rejected("colour", f"“{tag.colour}” is not a colour like #c0392b.")
    if tag.shortcut and not re.fullmatch(r"[1-9]", tag.shortcut):
        raise Rejected("shortcut", "A shortcut is one digit from 1 to 9 (or empty).")
    others = Tag.objects.exclude(pk=tag.pk)
    if others.filter(name__iexact=tag.name.strip()).exists():
        raise Rejected("name", f"Another tag is already called “{tag.name}”.")
    taken = tag.shortcut and others.filter(shortcut=tag.shortcut).first()
    if taken:
        raise Rejected("shortcut", f"Shortcut {tag.shortcut} already belongs to “{taken.name}”.")


def _printable_check(field: str, value: str, unprintable: re.Pattern[str]) -> None:
    found = unprintable.search(value or "")
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise Rejected(
            field,
            f"The {field} holds an invisible control character ({code}) at position "
            f"{found.start()}; remove it.",
            code="unprintable",
        )


def tag_retire(*, tag: Tag) -> bool:
    """Delete an unused tag; archive one that annotations or adjudication decisions use (a
    decision outlives the annotations it was about). True when it was deleted."""
    with transaction.atomic():
        if tag.annotations.exists() or tag.decisions.exists():
            tag.archived = True
            tag.save(update_fields=["archived"])
            return False
        tag.delete()
        return True
