"""What reading one upload may cost: unpacked size, compression ratio, pages, characters, elements.

A file under the upload limit can still unpack or render to far more than that (a 5 MB DOCX
holding 4 GB of XML), so every extractor is handed these bounds and refuses, with a message
naming the bound, before it builds anything larger. The service that stores articles reads
the deployment's bounds from the settings; the pipeline itself knows only these defaults.
"""

from dataclasses import dataclass

from claims.ingest.errors import IngestError

MB = 1024 * 1024


@dataclass(frozen=True)
class IngestLimits:
    max_unpacked_bytes: int = 200 * MB  # a DOCX's members, inflated, in total and each
    max_compression_ratio: int = 100  # inflated / compressed, for any member over 1 MB
    max_pdf_pages: int = 1_000
    max_text_chars: int = 10 * MB  # characters of extracted text, any format
    max_html_elements: int = 100_000


DEFAULT_LIMITS = IngestLimits()


def over_limit(message: str) -> IngestError:
    return IngestError(IngestError.OVER_LIMIT, message)


def too_much_text(limits: IngestLimits) -> IngestError:
    return over_limit(
        f"This document holds more than {limits.max_text_chars:,} characters of text, the most "
        "Claimscope reads from one upload. Split it into smaller documents."
    )


def megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size / MB:,.1f} MB"
