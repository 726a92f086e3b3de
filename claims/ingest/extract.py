"""Extract a document's blocks, dispatching on the media type that sniffing found."""

from collections.abc import Callable

from claims.ingest.formats.html_page import extract_html
from claims.ingest.formats.markdown import extract_markdown
from claims.ingest.formats.pdf import extract_pdf
from claims.ingest.formats.plain_text import extract_text
from claims.ingest.formats.word import extract_docx
from claims.ingest.types import Extracted, MediaType

_EXTRACTORS: dict[MediaType, Callable[[bytes], Extracted]] = {
    MediaType.HTML: extract_html,
    MediaType.PDF: extract_pdf,
    MediaType.DOCX: extract_docx,
    MediaType.MARKDOWN: extract_markdown,
    MediaType.TEXT: extract_text,
}


def extract(data: bytes, media_type: MediaType) -> Extracted:
    """Raw (not yet normalised) blocks of the document, with its title and language if known."""
    return _EXTRACTORS[media_type](data)
