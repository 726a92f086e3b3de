"""Value types passed between the ingestion steps: bytes -> blocks -> text with sentences."""

from dataclasses import dataclass, field
from enum import StrEnum


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"
    CAPTION = "caption"
    QUOTE = "quote"
    # An entry of a reference list (claims/ingest/references.py): one sentence per entry.
    REFERENCE = "reference"


class MediaType(StrEnum):
    HTML = "text/html"
    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    MARKDOWN = "text/markdown"
    TEXT = "text/plain"


@dataclass(frozen=True)
class Block:
    """One structural unit of a document; sentences never cross a block boundary."""

    kind: BlockKind
    text: str


@dataclass(frozen=True)
class Extracted:
    """What a format extractor returns: raw block texts, not yet normalised."""

    blocks: list[Block]
    title: str = ""
    language: str = ""


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence as code-point offsets into the assembled document text."""

    index: int
    start: int
    end: int
    text: str
    kind: BlockKind


@dataclass(frozen=True)
class ParsedDocument:
    media_type: MediaType
    text: str
    sentences: list[SentenceSpan] = field(default_factory=list)
    title: str = ""
    language: str = ""
    # Bytes of a UTF-8 file that were damaged and became U+FFFD in `text`.
    replaced_bytes: int = 0
