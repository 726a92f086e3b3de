"""What reading one upload may cost: unpacked size, compression ratio, pages, characters, elements.

A file under the upload limit can still unpack or render to far more than that (a 5 MB DOCX
holding 4 GB of XML), so every extractor is handed these bounds and refuses, with a message
naming the bound, before it builds anything larger.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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


def limits_from_settings() -> IngestLimits:
    """The limits the deployment set (annotator/settings.py), or the defaults outside Django."""
    try:
        settings.MAX_UNPACKED_MB  # noqa: B018 (loads the settings module if not yet loaded)
    except ImproperlyConfigured:
        return DEFAULT_LIMITS
    return IngestLimits(
        max_unpacked_bytes=settings.MAX_UNPACKED_MB * MB,
        max_compression_ratio=settings.MAX_COMPRESSION_RATIO,
        max_pdf_pages=settings.MAX_PDF_PAGES,
        max_text_chars=settings.MAX_TEXT_CHARS,
        max_html_elements=settings.MAX_HTML_ELEMENTS,
    )


def over_limit(message: str) -> IngestError:
    return IngestError(IngestError.OVER_LIMIT, message)


def too_much_text(limits: IngestLimits) -> IngestError:
    return over_limit(
        f"This document holds more than {limits.max_text_chars:,} characters of text, the most "
        "Claimscope reads from one upload. Split it into smaller documents."
    )


def megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size / MB:,.1f} MB"
