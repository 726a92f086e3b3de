"""Plain text: every non-empty line is a block; bullets and pipe-separated rows are recognised."""

import re

from claims.ingest.decode import decode_text
from claims.ingest.types import Block, BlockKind, Extracted

# "- item", "• item", "1. item", "2) item", "✅ item", "👉 item", "1️⃣ item" (keycap digits).
LIST_MARKER = re.compile(
    r"\s*(?:[-*•‣◦▪●–]|\d{1,3}[.)]|\d\ufe0f?\u20e3|[✅✔✓☑👉➡➤►▶🔹🔸⭐✨💪🌿])\s"
)
# Two or more pipes: a table flattened to "Package | Injections | Price".
TABLE_ROW = re.compile(r"[^|]*\|[^|]*\|")


def extract_text(data: bytes) -> Extracted:
    return Extracted(blocks=text_blocks(decode_text(data)))


def text_blocks(text: str) -> list[Block]:
    return [Block(line_kind(line), line) for line in text.splitlines() if line.strip()]


def line_kind(line: str) -> BlockKind:
    if LIST_MARKER.match(line):
        return BlockKind.LIST_ITEM
    if TABLE_ROW.match(line):
        return BlockKind.TABLE_ROW
    return BlockKind.PARAGRAPH
