"""DOCX: paragraphs, headings, list items, quotes, captions and table rows in document order."""

import io
import zipfile

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from claims.ingest.errors import IngestError
from claims.ingest.types import Block, BlockKind, Extracted

_ROW_SEPARATOR = " | "
# Word's built-in style names (English ids; python-docx reports them whatever the UI language).
_STYLE_KINDS = (
    (("Title", "Subtitle", "Heading"), BlockKind.HEADING),
    (("List",), BlockKind.LIST_ITEM),
    (("Quote", "Intense Quote"), BlockKind.QUOTE),
    (("Caption",), BlockKind.CAPTION),
)


def extract_docx(data: bytes) -> Extracted:
    document = _open(data)
    # Looked up once: python-docx's `paragraph.style` searches every style on each call.
    style_names = {style.style_id: style.name or "" for style in document.styles}
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(Block(_paragraph_kind(item, style_names), item.text))
        elif isinstance(item, Table):
            blocks += _table_rows(item)
    properties = document.core_properties
    return Extracted(
        blocks=blocks, title=properties.title or "", language=properties.language or ""
    )


def _open(data: bytes) -> Document:
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError):
        raise IngestError(
            IngestError.INVALID_DOCX,
            "This Word document is damaged or is not really a DOCX file. "
            "Open it in Word or LibreOffice, save it as DOCX again and upload the new file.",
        ) from None


def _paragraph_kind(paragraph: Paragraph, style_names: dict[str, str]) -> BlockKind:
    properties = paragraph._p.pPr
    style_id = properties.style if properties is not None else None
    style = style_names.get(style_id, "") if style_id else ""
    for prefixes, kind in _STYLE_KINDS:
        if style.startswith(prefixes):
            return kind
    if properties is not None and properties.numPr is not None:
        return BlockKind.LIST_ITEM  # numbered or bulleted by direct formatting
    return BlockKind.PARAGRAPH


def _table_rows(table: Table) -> list[Block]:
    rows = []
    for row in table.rows:
        cells = _unique_cells(row.cells)
        text = _ROW_SEPARATOR.join(cell.text.strip() for cell in cells if cell.text.strip())
        rows.append(Block(BlockKind.TABLE_ROW, text))
    return rows


def _unique_cells(cells):
    """python-docx repeats a merged cell once per grid column it spans; keep it once."""
    seen, unique = set(), []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            unique.append(cell)
    return unique
