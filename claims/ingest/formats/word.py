"""DOCX: paragraphs, headings, list items, quotes, captions and table rows in document order.

python-docx opens the package (and knows the styles and core properties); the body is then
walked as WordprocessingML directly, because python-docx's own view of it loses visible
text: paragraphs inside content controls (<w:sdt>, as on Word's cover pages) and the
inserted words of tracked changes (<w:ins>), which can reverse a claim's meaning.
"""

import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError, _Element

from claims.ingest.archive import unpacked_package
from claims.ingest.errors import IngestError
from claims.ingest.limits import DEFAULT_LIMITS, IngestLimits
from claims.ingest.types import Block, BlockKind, Extracted

_ROW_SEPARATOR = " | "
# Word's built-in style names (English ids; python-docx reports them whatever the UI language).
_STYLE_KINDS = (
    (("Title", "Subtitle", "Heading"), BlockKind.HEADING),
    (("List",), BlockKind.LIST_ITEM),
    (("Quote", "Intense Quote"), BlockKind.QUOTE),
    (("Caption",), BlockKind.CAPTION),
)
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
# Wrappers whose content counts as if it stood in their place.
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins")}
_TEXT, _TAB, _BREAK, _RETURN, _HYPHEN = (
    qn("w:t"),
    qn("w:tab"),
    qn("w:br"),
    qn("w:cr"),
    qn("w:noBreakHyphen"),
)
_RUN_PIECES = {_TEXT: None, _TAB: "\t", _BREAK: " ", _RETURN: " ", _HYPHEN: "-"}


def extract_docx(data: bytes, *, limits: IngestLimits = DEFAULT_LIMITS) -> Extracted:
    document = _open(data, limits)
    body = document.element.find(qn("w:body"))
    if document.element.tag != qn("w:document") or body is None:
        raise _invalid()
    styles = {style.style_id: style.name or "" for style in document.styles}
    blocks = list(_body_blocks(body, styles))
    properties = document.core_properties
    return Extracted(
        blocks=blocks, title=properties.title or "", language=properties.language or ""
    )


def _open(data: bytes, limits: IngestLimits) -> Document:
    try:
        # python-docx reads the parts itself: it gets them already inflated and counted.
        return docx.Document(unpacked_package(data, limits=limits))
    except IngestError:
        raise  # over a limit (IngestError is a ValueError too)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError):
        raise _invalid() from None


def _invalid() -> IngestError:
    return IngestError(
        IngestError.INVALID_DOCX,
        "This Word document is damaged or is not really a DOCX file. "
        "Open it in Word or LibreOffice, save it as DOCX again and upload the new file.",
    )


def _body_blocks(container: _Element, styles: dict[str, str]) -> Iterator[Block]:
    for element in container:
        if element.tag == _P:
            yield Block(_paragraph_kind(element, styles), paragraph_text(element))
        elif element.tag == _TBL:
            yield from _table_rows(element)
        elif element.tag in _WRAPPERS:
            yield from _body_blocks(element, styles)


def _paragraph_kind(paragraph: _Element, styles: dict[str, str]) -> BlockKind:
    properties = paragraph.find(qn("w:pPr"))
    style_element = properties.find(qn("w:pStyle")) if properties is not None else None
    style_id = style_element.get(qn("w:val")) if style_element is not None else None
    style = styles.get(style_id, "") if style_id else ""
    for prefixes, kind in _STYLE_KINDS:
        if style.startswith(prefixes):
            return kind
    if properties is not None and properties.find(qn("w:numPr")) is not None:
        return BlockKind.LIST_ITEM  # numbered or bulleted by direct formatting
    return BlockKind.PARAGRAPH


def paragraph_text(paragraph: _Element) -> str:
    """The visible text of a paragraph: runs, hyperlinks and inserted text; never deleted
    text (stored as w:delText) or field codes (w:instrText)."""
    pieces = []
    for element in paragraph.iter(*_RUN_PIECES):
        piece = _RUN_PIECES[element.tag]
        pieces.append((element.text or "") if piece is None else piece)
    return "".join(pieces)


def _table_rows(table: _Element) -> Iterator[Block]:
    for row in table.iter(_TR):
        if _nearest_table(row) is not table:
            continue  # a row of a table nested in a cell: it becomes part of that cell
        cells = [_cell_text(cell) for cell in row.iterchildren(_TC) if not _continues_merge(cell)]
        if any(cells):  # empty cells keep their place, as in every other format's rows
            yield Block(BlockKind.TABLE_ROW, _ROW_SEPARATOR.join(cells))


def _nearest_table(row: _Element) -> _Element | None:
    parent = row.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent


def _continues_merge(cell: _Element) -> bool:
    """A cell continuing a vertical merge repeats the text of the cell above it."""
    merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return merge is not None and merge.get(qn("w:val")) != "restart"


def _cell_text(cell: _Element) -> str:
    return " ".join(text for p in cell.iter(_P) if (text := paragraph_text(p).strip()))
