"""The ingestion pipeline end to end: bytes -> blocks -> normalised blocks -> sentences."""

from claims.ingest.errors import IngestError
from claims.ingest.extract import extract
from claims.ingest.normalise import normalise_blocks
from claims.ingest.segment import segment_blocks
from claims.ingest.sniff import sniff_media_type
from claims.ingest.types import ParsedDocument


def parse_document(data: bytes, *, filename: str = "") -> ParsedDocument:
    """Turn uploaded bytes into canonical text and sentences, or raise IngestError."""
    if not data.strip():
        raise IngestError(IngestError.EMPTY, "The file is empty.")
    media_type = sniff_media_type(data, filename=filename)
    extracted = extract(data, media_type)
    blocks = normalise_blocks(extracted.blocks)
    if not blocks:
        raise IngestError(IngestError.NO_TEXT, "No readable text was found in this document.")
    text, sentences = segment_blocks(blocks)
    return ParsedDocument(
        media_type=media_type,
        text=text,
        sentences=sentences,
        title=extracted.title.strip(),
        language=extracted.language,
    )
