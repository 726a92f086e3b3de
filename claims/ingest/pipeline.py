"""The ingestion pipeline end to end: bytes -> blocks -> normalised blocks -> list items and
reference entries marked -> sentences."""

from claims.ingest.decode import damaged_utf8_bytes
from claims.ingest.errors import IngestError
from claims.ingest.extract import extract
from claims.ingest.limits import DEFAULT_LIMITS, IngestLimits, too_much_text
from claims.ingest.lists import blocks_with_list_items
from claims.ingest.normalise import normalise_blocks
from claims.ingest.references import blocks_with_references
from claims.ingest.segment import segment_blocks
from claims.ingest.sniff import sniff_media_type
from claims.ingest.types import Extracted, MediaType, ParsedDocument

# Formats whose extractors read the bytes with decode_text, which replaces the damaged bytes
# of a UTF-8 file with U+FFFD; counting them here reports them whichever extractor ran.
_DECODED_MEDIA_TYPES = {MediaType.HTML, MediaType.MARKDOWN, MediaType.TEXT}


def parse_document(
    data: bytes, *, filename: str = "", limits: IngestLimits = DEFAULT_LIMITS
) -> ParsedDocument:
    """Turn uploaded bytes into canonical text and sentences, or raise IngestError.
    `limits` bound what reading may cost."""
    if not data.strip():
        raise IngestError(IngestError.EMPTY, "The file is empty.")
    media_type = sniff_media_type(data, filename=filename)
    try:
        return _parsed(data, media_type, limits)
    except MemoryError:
        # The last line of defence: a worker runs under a memory ceiling (gunicorn.conf.py),
        # and a document that still needs more than it allows is refused, not a 500. What it
        # took is freed as the half-built objects go with their frames.
        raise _out_of_memory() from None


def _parsed(data: bytes, media_type: MediaType, limits: IngestLimits) -> ParsedDocument:
    extracted = extract(data, media_type, limits=limits)
    _check_text_size(extracted, limits)
    blocks = blocks_with_references(blocks_with_list_items(normalise_blocks(extracted.blocks)))
    if not blocks:
        raise IngestError(IngestError.NO_TEXT, "No readable text was found in this document.")
    text, sentences = segment_blocks(blocks)
    return ParsedDocument(
        media_type=media_type,
        text=text,
        sentences=sentences,
        title=extracted.title.strip(),
        language=extracted.language,
        replaced_bytes=damaged_utf8_bytes(data) if media_type in _DECODED_MEDIA_TYPES else 0,
    )


def _check_text_size(extracted: Extracted, limits: IngestLimits) -> None:
    if sum(len(block.text) for block in extracted.blocks) > limits.max_text_chars:
        raise too_much_text(limits)


def _out_of_memory() -> IngestError:
    return IngestError(
        IngestError.OUT_OF_MEMORY,
        "Reading this document needs more memory than the server allows for one upload. "
        "Split it into smaller documents, or save it in another format and upload that.",
    )
