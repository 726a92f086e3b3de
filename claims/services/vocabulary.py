"""The tag vocabulary: editors add, edit and retire tags; a slug never changes, since it is
the tag's published IRI."""

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from claims.models import Tag
from claims.services.errors import Conflict, Malformed, Rejected

TAG_ORDER_MAX = 32767  # a PositiveSmallIntegerField on every database
TAG_FIELDS = ("name", "definition", "colour", "shortcut", "order", "archived")
SHORTCUT_RULE = "A shortcut is one digit from 1 to 9 (or empty)."

# The annotation page (claims.css) writes sentences in --ink over a tag's colour: 22% over
# white behind a tagged sentence, 35% over the selection's blue when it is selected, and 30%
# more behind a marked part of one. The densest, a mark of the same tag in a selected
# sentence, is 0.3 + 0.7 * 0.35 = 54.5% of the colour over 45.5% of the selection's blue.
HIGHLIGHT_INK = "#1f2933"
HIGHLIGHT_UNDER = "#dbeafe"
HIGHLIGHT_STRENGTH = 0.545
# WCAG 2's contrast minimum for body text (success criterion 1.4.3, level AA).
MIN_HIGHLIGHT_CONTRAST = 4.5


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
        raise Conflict(
            f"A tag with the slug “{slug}” already exists.", code="slug_taken", field="slug"
        )
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
    # Checked when the colour is set, so that a tag imported before this rule can still be
    # renamed or archived.
    if create or "colour" in changes:
        _contrast_check(tag.colour)
    try:
        with transaction.atomic():
            if create:
                tag.save()
            else:
                tag.save(update_fields=list(changes))
    except IntegrityError:
        raise Conflict("Another tag has this name or shortcut.", code="taken") from None
    return tag


# Control characters (ANSI escapes start with one) and the bidirectional overrides and
# isolates, which can make a tag's name display as different text from what it holds.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A definition may run over several lines.
_UNPRINTABLE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _tag_check(tag: Tag) -> None:
    """The rules on a tag's own values are Malformed (the API's schema states each of them);
    a name or shortcut another tag has is a Conflict."""
    if not tag.name.strip():
        raise Malformed("name", "The name cannot be blank.")
    _printable_check("name", tag.name, _UNPRINTABLE)
    _printable_check("definition", tag.definition, _UNPRINTABLE_IN_TEXT)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", tag.colour or ""):
        raise Malformed("colour", f"“{tag.colour}” is not a colour like #c0392b.")
    if tag.shortcut and not re.fullmatch(r"[1-9]", tag.shortcut):
        raise Malformed("shortcut", SHORTCUT_RULE)
    others = Tag.objects.exclude(pk=tag.pk)
    if others.filter(name__iexact=tag.name.strip()).exists():
        raise Conflict(
            f"Another tag is already called “{tag.name}”.", code="name_taken", field="name"
        )
    taken = tag.shortcut and others.filter(shortcut=tag.shortcut).first()
    if taken:
        raise Conflict(
            f"Shortcut {tag.shortcut} already belongs to “{taken.name}”.",
            code="shortcut_taken",
            field="shortcut",
        )


def _contrast_check(colour: str) -> None:
    ratio = highlight_contrast(colour)
    if ratio < MIN_HIGHLIGHT_CONTRAST:
        raise Rejected(
            "colour",
            f"Text on a {colour} highlight has a contrast of {ratio:.1f}:1, under the "
            f"{MIN_HIGHLIGHT_CONTRAST}:1 that WCAG asks for; pick a lighter or brighter colour.",
            code="low_contrast",
        )


def highlight_contrast(colour: str) -> float:
    """WCAG 2 contrast ratio of the annotation page's text over a highlight in `colour`."""
    tint = tuple(
        round(channel * HIGHLIGHT_STRENGTH + under * (1 - HIGHLIGHT_STRENGTH))
        for channel, under in zip(_rgb(colour), _rgb(HIGHLIGHT_UNDER), strict=True)
    )
    lighter, darker = sorted(
        (_relative_luminance(tint), _relative_luminance(_rgb(HIGHLIGHT_INK))), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def _rgb(colour: str) -> tuple[int, ...]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _relative_luminance(rgb: tuple[int, ...]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _printable_check(field: str, value: str, unprintable: re.Pattern[str]) -> None:
    found = unprintable.search(value or "")
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise Malformed(
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
