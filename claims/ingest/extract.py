"""Extract a document's blocks, dispatching on the media type that sniffing found."""

from collections.abc import Callable
from typing import Protocol

from claims.ingest.formats.html_page import extract_html
from claims.ingest.formats.markdown import extract_markdown
from claims.ingest.formats.pdf import extract_pdf
from claims.ingest.formats.plain_text import extract_text
from claims.ingest.formats.word import extract_docx
from claims.ingest.limits import DEFAULT_LIMITS, IngestLimits
from claims.ingest.types import Extracted, MediaType


class _BoundedExtractor(Protocol):
    def __call__(self, data: bytes, *, limits: IngestLimits) -> Extracted: ...


# Formats whose reading can cost far more than their size (archives, pages, markup trees).
_BOUNDED_EXTRACTORS: dict[MediaType, _BoundedExtractor] = {
    MediaType.HTML: extract_html,
    MediaType.PDF: extract_pdf,
    MediaType.DOCX: extract_docx,
}
# Text is read in one pass over the decoded characters: bounded by the upload size.
_PLAIN_EXTRACTORS: dict[MediaType, Callable[[bytes], Extracted]] = {
    MediaType.MARKDOWN: extract_markdown,
    MediaType.TEXT: extract_text,
}


def extract(
    data: bytes, media_type: MediaType, *, limits: IngestLimits = DEFAULT_LIMITS
) -> Extracted:
    """Raw (not yet normalised) blocks of the document, with its title and language if known."""
    if media_type in _BOUNDED_EXTRACTORS:
        return _BOUNDED_EXTRACTORS[media_type](data, limits=limits)
    return _PLAIN_EXTRACTORS[media_type](data)
