"""Plain text: every non-empty line is a block; headings, list items and table rows are
recognised by their shape.

Plain text has no markup, so a line's kind is read from the line and the one after it: a
list marker opens a list item (claims/ingest/lists.py takes a drawn marker off later, for
every format alike); two or more pipes make a table row, rebuilt from its cells as the HTML,
DOCX and Markdown readers build theirs; a short line that ends without punctuation, or with a
question mark, and is followed by the text it introduces is a heading, as is "References".
"""

import re

from claims.ingest.decode import decode_text
from claims.ingest.lists import list_item_texts
from claims.ingest.normalise import normalise_text
from claims.ingest.references import is_references_title
from claims.ingest.types import Block, BlockKind, Extracted

# Two or more pipes: a table flattened to "Package | Injections | Price".
TABLE_ROW = re.compile(r"[^|]*\|[^|]*\|")
ROW_SEPARATOR = " | "
# The row under a Markdown-style header: "|---|:---:|".
_DELIMITER_CELL = re.compile(r":?-{3,}:?")

MAX_HEADING_WORDS = 12
MAX_QUESTION_HEADING_WORDS = 20
MAX_HEADING_CHARS = 150
_OPENERS = "\"'“‘«([¿¡"
_CLOSERS = "\"'”’»)]*"
# Lines that name who wrote or checked the page: never headings, whatever their shape.
_BYLINE = re.compile(
    r"(?i:by|written by|reviewed by|medically reviewed|fact[- ]checked|author|updated"
    r"|last updated|published|posted)\b"
    r"|(?:Dr|Prof)\.? [A-Z]|(?:Mr|Mrs|Ms)\. [A-Z]"
    r"|.*, (?i:md|phd|do|rn|nd|np|pa|frcs|mbbs|dds)\b"
    r"|.*, .*\b(?i:advis[eo]r|director|doctor|physician|surgeon|nurse|founder|editor|specialist)"
)


def extract_text(data: bytes) -> Extracted:
    return Extracted(blocks=text_blocks(decode_text(data)))


def text_blocks(text: str) -> list[Block]:
    lines = [line for line in (normalise_text(raw) for raw in text.splitlines()) if line]
    kinds = line_kinds(lines)
    blocks = []
    for number, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind == BlockKind.TABLE_ROW:
            row = table_row_text(line)
            if row:
                blocks.append(Block(kind, row))
            continue
        following = lines[number + 1] if number + 1 < len(lines) else None
        if kind == BlockKind.PARAGRAPH and looks_like_heading(line, following):
            kind = BlockKind.HEADING
        blocks.append(Block(kind, line))
    return blocks


def line_kinds(lines: list[str]) -> list[BlockKind]:
    """Each line's kind before headings are told: list item, table row or paragraph."""
    return [
        BlockKind.LIST_ITEM
        if item is not None
        else BlockKind.TABLE_ROW
        if TABLE_ROW.match(line)
        else BlockKind.PARAGRAPH
        for line, item in zip(lines, list_item_texts(lines), strict=True)
    ]


def line_kind(line: str) -> BlockKind:
    """A line's kind read alone (a lone "* " line is a footnote, not an item)."""
    return line_kinds([line])[0]


def table_row_text(line: str) -> str:
    """The row's cells joined by " | ", empty ones kept in place; "" for a delimiter row or a
    row with no text. Outer pipes ("| a | b |") are a border, not empty cells."""
    if line.startswith("|") and line.endswith("|") and len(line) > 1:
        line = line[1:-1]
    cells = [cell.strip() for cell in line.split("|")]
    if not any(cells) or all(_DELIMITER_CELL.fullmatch(cell) for cell in cells if cell):
        return ""
    return normalise_text(ROW_SEPARATOR.join(cells))


def looks_like_heading(line: str, following: str | None) -> bool:
    """True for a normalised line shaped like a heading of the text that follows it."""
    if is_references_title(line):
        return True
    if following is None or not _heading_shaped(line):
        return False
    if line_kind(following) != BlockKind.PARAGRAPH or following.startswith("* "):
        return True  # a list or a table follows
    introduces = len(following) > len(line) or _last_mark(following) in ".!?…:"
    return introduces and not following.lstrip(_OPENERS)[:1].islower()


def _heading_shaped(line: str) -> bool:
    words = len(line.split())
    limit = MAX_QUESTION_HEADING_WORDS if line.endswith("?") else MAX_HEADING_WORDS
    first = line.lstrip(_OPENERS)[:1]
    return (
        words <= limit
        and len(line) <= MAX_HEADING_CHARS
        and (first.isupper() or first.isdigit())
        and _last_mark(line) not in ".,;:!…-–—"
        and not _BYLINE.match(line)
    )


def _last_mark(line: str) -> str:
    """The line's last character before any closing quotes and brackets ("" if none)."""
    return line.rstrip(_CLOSERS)[-1:] or "."
