"""The one exception the ingestion pipeline raises, with a machine-readable code."""


class IngestError(ValueError):
    """Input that cannot become an article; `message` is shown to the user as is."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    NO_TEXT = "no_text"
    CORRUPT_PDF = "corrupt_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    INVALID_DOCX = "invalid_docx"
    UNDECODABLE = "undecodable"
    # Over one of the bounds in claims.ingest.limits (unpacked size, pages, characters...).
    OVER_LIMIT = "over_limit"
    # Reading it ran out of the memory the worker is allowed (see annotator/gunicorn.conf.py).
    OUT_OF_MEMORY = "out_of_memory"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
