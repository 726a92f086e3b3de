"""List items written into the text: the marker that opens one, and what is left of the item.

HTML and DOCX hold a bullet or an item number as markup, so their item text has none. Plain
text, PDFs and pages that type their bullets carry it as characters. Those characters are
taken off here ("- ", "• ", "3. ", "b) "), so that every format gives the same item text.
Emoji and symbol bullets (check marks, pointing hands, keycap digits, pills, play signs) are
written by the page's author and stay in the item's text, as they do in HTML. They are
recognised as a class, by the Unicode blocks they come from, not one by one.
"""

import re

from claims.ingest.types import Block, BlockKind

# Drawn by list renderers (disc, circle and square bullets, dashes, the bullets of Word's
# Symbol and Wingdings fonts as PDFs give them), or typed in their place.
_DRAWN_BULLET = "[-*+•◦▪●‣∙·–\uf0b7\uf0a7]"
# "3.", "12)", "(4)", "b)". A letter needs its bracket: "a. m." and "e. coli" are no items.
_ITEM_NUMBER = r"(?:\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z]\))"
# Arrows, technical and geometric symbols, dingbats, the pictographs and emoji blocks (which
# include the regional-indicator flags). Letterlike symbols (©, ®, ™, №) are not among them.
_SYMBOL = "\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\U0001f000-\U0001faff"
# What may follow a symbol inside one emoji: the emoji variation selector, a skin tone, a
# zero-width joiner and the next symbol (👩‍⚕️).
_EMOJI = (
    f"[{_SYMBOL}][\ufe0f\U0001f3fb-\U0001f3ff]*(?:\u200d[{_SYMBOL}\u2640\u2642\u2695][\ufe0f]*)*"
)
_KEYCAP = "[0-9#*]\ufe0f?\u20e3"
_MARKER = re.compile(
    rf"\s*(?:(?P<drawn>{_DRAWN_BULLET}|{_ITEM_NUMBER})|(?P<written>(?:{_KEYCAP}|{_EMOJI})+))\s+(?=\S)"
)


def list_marker(text: str) -> re.Match[str] | None:
    """The marker opening `text` as a list item (with the spaces after it), or None."""
    return _MARKER.match(text)


def list_item_text(text: str) -> str | None:
    """The item's text without a drawn marker, or None when `text` opens with no marker."""
    marker = list_marker(text)
    if marker is None:
        return None
    if marker.group("drawn"):
        return text[marker.end() :]
    return text[marker.start("written") :]


def list_item_texts(texts: list[str]) -> list[str | None]:
    """`list_item_text` of each of a run of lines or blocks, read in context: an asterisk
    opens an item only next to another one, since on its own it marks a footnote
    ("* Prices are indicative only")."""
    items = [list_item_text(text) for text in texts]
    for number, text in enumerate(texts):
        if _is_asterisk_item(text) and not any(
            0 <= other < len(texts) and _is_asterisk_item(texts[other])
            for other in (number - 1, number + 1)
        ):
            items[number] = None
    return items


def _is_asterisk_item(text: str) -> bool:
    marker = list_marker(text)
    return marker is not None and marker.group("drawn") == "*"


def blocks_with_list_items(blocks: list[Block]) -> list[Block]:
    """Paragraphs and list items of normalised blocks that open with a marker become list
    items without their drawn marker. Headings, quotes, rows and captions keep their text."""
    candidates = [block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) for block in blocks]
    items = list_item_texts([b.text if c else "" for b, c in zip(blocks, candidates, strict=True)])
    return [
        block if item is None else Block(BlockKind.LIST_ITEM, item)
        for block, item in zip(blocks, items, strict=True)
    ]
