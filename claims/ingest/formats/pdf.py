"""PDF: the text layer read line by line with its geometry, then rebuilt into paragraphs.

PDFs store lines, not paragraphs. PDFium (through pypdfium2; ~5x faster than pure-Python
readers on a 1 MB document) gives each line's box, and a new block starts where the gap
above a line is wider than the usual line pitch, where the text size changes (a heading),
where a short line ends a sentence (or ends unpunctuated before a line that starts with a
capital: a list item, a byline), or at a list marker (any bullet, number or emoji, as
claims/ingest/lists.py knows them). Lines are rejoined with a space,
and a word split by end-of-line hyphenation is mended. A line that starts with a link or a
DOI continues the block above it (a reference entry wrapped before its DOI), and the gap that
separates two blocks grows with the text size, so a heading wrapped over two lines stays one.
Larger text that is too long for a heading, or is shaped like a reference entry, is body
text set large. Running page numbers and lines repeated on most pages (headers, footers) are
dropped.
"""

import ctypes
import itertools
import re
import statistics
import threading
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from claims.ingest.errors import IngestError
from claims.ingest.limits import DEFAULT_LIMITS, IngestLimits, over_limit, too_much_text
from claims.ingest.lists import list_marker
from claims.ingest.references import looks_like_reference_entry
from claims.ingest.types import Block, BlockKind, Extracted

# PDFium is not thread-safe; a threaded server must not run two documents at once.
_PDFIUM_LOCK = threading.Lock()
_PASSWORD_ERROR = 4

_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.I)
# PDFium marks a hyphen it judges to be end-of-line hyphenation with one of these.
_SOFT_HYPHENS = ("\ufffe", "\x02", "\u00ad")
_HEADING_SCALE = 1.15
# A gap this many line pitches wide (from baseline to baseline) separates two paragraphs.
_PARAGRAPH_GAP = 1.3
_EDGE_LINES = 2
_MAX_RUNNING_LINE = 100
_PLACEHOLDER_TITLES = {"(anonymous)", "untitled", "untitled document"}
# A line of the page text, cut after a hyphenation mark as well as at line breaks.
_LINE_PIECE = re.compile(r"[^\r\n\ufffe\x02]*[\ufffe\x02]|[^\r\n\ufffe\x02]+")
_INNER_SOFT_HYPHEN = re.compile(r"[\ufffe\x02]\s*(\S)")
_SENTENCE_END = re.compile(r"[.?!…:][\"'”’)\]*]*$")
# A line that is a link or a DOI, which never opens a block of its own.
_LINK_START = re.compile(r"(?:https?://|www\.|doi(?::|\.org/)\s?10\.|10\.\d{4,9}/)\S", re.I)
_MAX_HEADING_WORDS = 25
# Line ends that run on into the next line whatever its length.
_RUNS_ON = (",", ";", "(", "-", "–", "—", "/", "&", "+")


@dataclass
class _Line:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float  # font size of its first character

    @property
    def height(self) -> float:
        return self.top - self.bottom


def extract_pdf(data: bytes, *, limits: IngestLimits = DEFAULT_LIMITS) -> Extracted:
    with _PDFIUM_LOCK:
        document = _open(data)
        try:
            pages = _document_pages(document, limits)
            title = _title(document)
        finally:
            document.close()
    pages = _without_running_lines(pages)
    lines = [line for page in pages for line in page]
    if not any(line.text.strip() for line in lines):
        raise IngestError(
            IngestError.NO_TEXT,
            "This PDF has no text layer (it may be a scan or a picture of text). "
            "Run it through OCR, or paste its text instead.",
        )
    return Extracted(blocks=_paragraphs(pages), title=title)


def _title(document: pdfium.PdfDocument) -> str:
    title = (document.get_metadata_dict().get("Title") or "").strip()
    title = title.removeprefix("Microsoft Word - ")
    return "" if title.lower() in _PLACEHOLDER_TITLES else title


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == _PASSWORD_ERROR:
            raise IngestError(
                IngestError.ENCRYPTED_PDF,
                "This PDF is protected by a password. Remove the protection and upload it again.",
            ) from None
        raise IngestError(
            IngestError.CORRUPT_PDF,
            "This PDF is damaged or incomplete and cannot be read. "
            "Save or print it to PDF again and upload the new file.",
        ) from None


def _document_pages(document: pdfium.PdfDocument, limits: IngestLimits) -> list[list[_Line]]:
    """Every page's lines, refusing a document past the page or character limit before
    reading more of it (a small PDF can draw the same text object millions of times)."""
    if len(document) > limits.max_pdf_pages:
        raise over_limit(
            f"This PDF has {len(document):,} pages; Claimscope reads at most "
            f"{limits.max_pdf_pages:,} from one upload. Split it, or upload the pages that "
            "hold the article."
        )
    pages, chars_left = [], limits.max_text_chars
    for index in range(len(document)):
        lines, chars = _page_lines(document[index], chars_left=chars_left, limits=limits)
        pages.append(lines)
        chars_left -= chars
    return pages


def _page_lines(
    page: pdfium.PdfPage, *, chars_left: int, limits: IngestLimits
) -> tuple[list[_Line], int]:
    """The page's text lines in content order, each with its box and text size.

    PDFium ends every line it finds with a generated CRLF, so the page text is split there;
    the geometry comes from the first and last characters of each line, which is one call
    per line rather than one search of the page per line. A line PDFium joined to the next
    at a hyphenation mark (U+FFFE) is cut there again, so each part keeps its own position.
    Also returns how many characters the page holds, refusing it past `chars_left`.
    """
    textpage = page.get_textpage()
    try:
        chars = max(textpage.count_chars(), 0)  # -1 when PDFium could not count
        if chars > chars_left:
            raise too_much_text(limits)
        text = textpage.get_text_range()
        if not _indices_match(textpage, text):
            return _page_lines_by_box(textpage), chars
        lines = []
        for piece in _LINE_PIECE.finditer(text):
            raw = piece.group()
            first = piece.start() + len(raw) - len(raw.lstrip())
            last = piece.start() + len(raw.rstrip()) - 1
            if last >= first:
                lines.append(_line_between(textpage, raw.strip(), first, last))
        return lines, chars
    finally:
        textpage.close()
        page.close()


def _indices_match(textpage: pdfium.PdfTextPage, text: str) -> bool:
    """True when string positions are PDFium character indices (no characters that PDFium
    counts differently, such as some ligatures and astral symbols)."""
    count = pdfium_c.FPDFText_CountChars(textpage.raw)
    return count == len(text) and all(
        pdfium_c.FPDFText_GetUnicode(textpage.raw, index) == ord(text[index])
        for index in range(0, count, max(1, count // 16))
    )


def _line_between(textpage: pdfium.PdfTextPage, text: str, first: int, last: int) -> _Line:
    raw = textpage.raw
    left, _, _, top = _char_box(raw, first)
    _, right, _, last_top = _char_box(raw, last)
    baseline, size = _baseline_and_size(raw, first + _first_word_offset(text))
    return _Line(text, left, baseline, right, max(top, last_top, baseline + size * 0.7), size)


def _first_word_offset(text: str) -> int:
    """Where the words of a line start, past any list marker, which may be set larger."""
    marker = list_marker(text)
    start = marker.end() if marker else 0
    return next((i for i in range(start, len(text)) if text[i].isalnum()), 0)


def _char_box(raw, index: int) -> tuple[float, float, float, float]:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top)
    return left.value, right.value, bottom.value, top.value


def _baseline_and_size(raw, index: int) -> tuple[float, float]:
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
    return y.value, pdfium_c.FPDFText_GetFontSize(raw, index)


def _page_lines_by_box(textpage: pdfium.PdfTextPage) -> list[_Line]:
    """Slower reading by text boxes, for pages whose character indices do not line up."""
    lines: list[_Line] = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = _mend_inner_hyphens(text.replace("\r\n", " ")).strip()
        previous = lines[-1] if lines else None
        if previous is not None and _same_line(previous, bottom, top) and left >= previous.left:
            previous.text = f"{previous.text} {text}"
            previous.right, previous.top = max(previous.right, right), max(previous.top, top)
        elif text:
            first = pdfium_c.FPDFText_GetCharIndexAtPos(
                textpage.raw, left + 1, (bottom + top) / 2, 3, 3
            )
            baseline, size = _baseline_and_size(textpage.raw, first) if first >= 0 else (bottom, 0)
            lines.append(_Line(text, left, baseline, right, top, size))
    return lines


def _mend_inner_hyphens(text: str) -> str:
    """Resolve hyphenation marks inside one piece of text, as `_rejoin` does between lines."""
    return _INNER_SOFT_HYPHEN.sub(lambda m: "" if m.group(1).islower() else "-" + m.group(1), text)


def _same_line(line: _Line, bottom: float, top: float) -> bool:
    overlap = min(line.top, top) - max(line.bottom, bottom)
    return overlap > 0.5 * min(line.height, top - bottom)


def _without_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop page numbers, and lines that repeat on most pages (running headers/footers)."""
    repeated: set[tuple[str, int]] = set()
    if len(pages) >= 3:
        per_page = Counter(key for page in pages for key in _page_edges(page))
        repeated = {key for key, n in per_page.items() if n > len(pages) / 2}
    return [
        [
            line
            for line in page
            if line.text.strip()
            and _running_key(line) not in repeated
            and not _PAGE_NUMBER.fullmatch(line.text.strip())
        ]
        for page in pages
    ]


def _page_edges(page: list[_Line]) -> set[tuple[str, int]]:
    """Texts of the short lines at the top and bottom of a page, where running lines sit."""
    edges = page[:_EDGE_LINES] + page[-_EDGE_LINES:]
    return {_running_key(line) for line in edges if len(line.text) <= _MAX_RUNNING_LINE}


def _running_key(line: _Line) -> tuple[str, int]:
    """A running header or footer has the same text at the same height on every page."""
    return line.text.strip(), round(line.bottom)


def _paragraphs(pages: list[list[_Line]]) -> list[Block]:
    lines = [line for page in pages for line in page]
    body_size = statistics.median(line.size for line in lines)
    pitch = _line_pitch(pages, body_size)
    widest = max(line.right for line in lines)

    blocks: list[tuple[BlockKind, list[str]]] = []
    for page_number, page in enumerate(pages):
        for position, line in enumerate(page):
            above = page[position - 1] if position else None
            kind = _kind_of(line, body_size)
            if above is None and page_number and blocks and _continues(blocks[-1], line, kind):
                blocks[-1][1].append(line.text)
            elif above is None or _starts_block(above, line, kind, pitch, body_size, widest):
                blocks.append((kind, [line.text]))
            else:
                blocks[-1][1].append(line.text)
    return [_checked_heading(kind, _rejoin(texts)) for kind, texts in blocks]


def _checked_heading(kind: BlockKind, text: str) -> Block:
    """Large text that reads as a paragraph or a reference entry is no heading."""
    if kind == BlockKind.HEADING and (
        len(text.split()) > _MAX_HEADING_WORDS or looks_like_reference_entry(text)
    ):
        return Block(BlockKind.PARAGRAPH, text)
    return Block(kind, text)


def _line_pitch(pages: list[list[_Line]], body_size: float) -> float:
    """The usual distance between two lines of one body-text paragraph.

    The lower quartile of the distances between consecutive body-size lines: in a short
    document paragraph gaps are a large share of them, so the median would take a gap for
    the pitch; the smallest distances are the lines set closest, within a paragraph.
    """
    distances = [
        above.bottom - below.bottom
        for page in pages
        for above, below in itertools.pairwise(page)
        if above.size == below.size == body_size and 0 < above.bottom - below.bottom < 4 * body_size
    ]
    if len(distances) < 2:
        return 1.2 * body_size
    return statistics.quantiles(distances, n=4, method="inclusive")[0]


def _kind_of(line: _Line, body_size: float) -> BlockKind:
    if line.size > _HEADING_SCALE * body_size:
        return BlockKind.HEADING
    marker = list_marker(line.text)
    # Any bullet or emoji opens an item, but an asterisk on its own marks a footnote.
    if marker is not None and marker.group("drawn") != "*":
        return BlockKind.LIST_ITEM
    return BlockKind.PARAGRAPH


def _starts_block(
    above: _Line, line: _Line, kind: BlockKind, pitch: float, body_size: float, widest: float
) -> bool:
    if kind == BlockKind.LIST_ITEM or abs(above.size - line.size) > 0.5:
        return True  # a list item, or a change of text size (into or out of a heading)
    # Larger text is set with a wider pitch: the gap is measured in its own line heights.
    scale = max(1.0, line.size / body_size) if body_size else 1.0
    if above.bottom - line.bottom > _PARAGRAPH_GAP * pitch * scale or line.top > above.top:
        return True  # a wider gap, or a new column
    if _LINK_START.match(line.text.lstrip()):
        return False  # "…2021 Mar 3;10(5):1012." then "doi.org/…": one entry
    if above.right >= 0.8 * widest:
        return False  # a full line: the paragraph goes on
    # A short line ends its paragraph when it ends a sentence, or when it ends without
    # punctuation (a list item, a byline, a name) and the next line starts afresh.
    last = above.text.rstrip()
    return _SENTENCE_END.search(last) is not None or (
        not last.endswith(_RUNS_ON) and line.text.lstrip()[:1].isupper()
    )


def _continues(block: tuple[BlockKind, list[str]], line: _Line, kind: BlockKind) -> bool:
    """A paragraph running on from the previous page: no ending there, lower case here."""
    last = block[1][-1].rstrip()
    return (
        block[0] != BlockKind.HEADING
        and kind == BlockKind.PARAGRAPH
        and not _SENTENCE_END.search(last)
        and line.text.lstrip()[:1].islower()
    )


def _hyphenated(line: str, next_line: str) -> bool:
    """True when `line` ends with half a word that `next_line` completes ("regen-" "erative").

    A hyphen before a capital or a digit is kept: "post-" "COVID", "COVID-" "19".
    """
    ends_with_hyphen = line.endswith("-") and line[-2:-1].isalpha()
    return (ends_with_hyphen or line.endswith(_SOFT_HYPHENS)) and next_line[:1].islower()


def _rejoin(texts: list[str]) -> str:
    """Lines of one block as one string, mending words hyphenated at a line end."""
    joined = ""
    for text in texts:
        text = text.strip()
        if not joined:
            joined = text
        elif _hyphenated(joined, text):
            joined = joined[:-1] + text
        elif joined.endswith(_SOFT_HYPHENS):
            joined = f"{joined[:-1]}-{text}"  # a real hyphen PDFium took for hyphenation
        else:
            joined = f"{joined} {text}"
    return joined
