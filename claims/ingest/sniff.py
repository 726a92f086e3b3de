"""Tell what kind of document some bytes are, from their content first and their name second.

The name only breaks ties the content cannot settle (Markdown and plain text look alike),
and a name that promises a PDF or a DOCX the content does not deliver gets its own error.
A file named .md is read as Markdown when it has one mark of Markdown that plain text does
not have (a "# " heading, a link, "**strong**", a fence, a quote, a table rule, a setext
underline) or when its paragraphs are wrapped over several lines, which only Markdown joins
again; otherwise it is the plain text it looks like, one block a line (scraped pages saved
as .md are mostly that). Any other text needs two such marks.
"""

import io
import re
import zipfile
import zlib
from pathlib import PurePath

from claims.ingest.decode import decode_text
from claims.ingest.errors import IngestError
from claims.ingest.types import MediaType

# Signatures of files a reviewer might pick by mistake, with the name they are shown under.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
    (b"{\\rtf", "an RTF document (save it as DOCX or PDF)"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old-style Word or Office file, or a password-protected one"
        " (save it as an unprotected DOCX or PDF)",
    ),
)
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}
_ZIP_SIGNATURE = b"PK\x03\x04"
_PDF_SIGNATURE = b"%PDF-"
# Leading junk some generators put before the PDF header; readers accept up to 1 KB of it.
_PDF_HEADER_WINDOW = 1024

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_HTML_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|ul|ol|li|table|tr|td|body|head|span|a|br)\b[^>]*>", re.I
)
_MARKDOWN_SIGNALS = (
    re.compile(r"^#{1,6} \S", re.M),  # ATX heading
    # A link with a target; an image with none ("![faq image]()") is a scraping leftover.
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),  # link
    re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"),  # strong emphasis
    re.compile(r"^```", re.M),  # fenced code
    re.compile(r"^> \S", re.M),  # block quote
    re.compile(r"^\|?(?: *:?-{3,}:? *\|)+", re.M),  # table delimiter row
    re.compile(r"^\S.*\n(?:=+|-+) *$", re.M),  # setext heading
)
_EXTENSIONS = {
    ".html": MediaType.HTML,
    ".htm": MediaType.HTML,
    ".xhtml": MediaType.HTML,
    ".md": MediaType.MARKDOWN,
    ".markdown": MediaType.MARKDOWN,
    ".mdown": MediaType.MARKDOWN,
    ".txt": MediaType.TEXT,
    ".text": MediaType.TEXT,
}


def sniff_media_type(data: bytes, *, filename: str = "") -> MediaType:
    """The media type of `data`, or IngestError for content Claimscope cannot read."""
    extension = PurePath(filename).suffix.lower()
    head = data[:_PDF_HEADER_WINDOW]
    if _PDF_SIGNATURE in head:
        return MediaType.PDF
    if data.startswith(_ZIP_SIGNATURE):
        return _sniff_zip(data)
    _refuse_known_binary(data)
    if extension == ".pdf":
        raise IngestError(
            IngestError.CORRUPT_PDF, "This file is named .pdf but is not a PDF (no PDF header)."
        )
    if extension == ".docx":
        raise IngestError(
            IngestError.INVALID_DOCX,
            "This file is named .docx but is not a Word document (it is not a zip archive).",
        )
    return _sniff_text(decode_text(data), extension)


def _refuse_known_binary(data: bytes) -> None:
    for signature, description in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise _unsupported(description)
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        raise _unsupported(_RIFF_KINDS[data[8:12]])
    if data[4:8] == b"ftyp":
        raise _unsupported("an MP4 or QuickTime video, or a HEIC image")


def _unsupported(description: str) -> IngestError:
    return IngestError(
        IngestError.UNSUPPORTED_TYPE,
        f"This file is {description}. Upload an HTML page, PDF, DOCX, Markdown or plain text.",
    )


def _sniff_zip(data: bytes) -> MediaType:
    """A zip is a DOCX only if it holds a Word document part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            # Only its start: a member's size is not to be trusted before the DOCX checks.
            mimetype = _member_start(archive, "mimetype") if "mimetype" in names else b""
    except (
        zipfile.BadZipFile,
        EOFError,
        ValueError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise IngestError(
            IngestError.INVALID_DOCX,
            f"This file looks like a zip archive (as DOCX files are) but is damaged: {error}.",
        ) from None
    if "word/document.xml" in names:
        return MediaType.DOCX
    if b"opendocument" in mimetype:
        raise _unsupported("an OpenDocument file (save it as DOCX or PDF)")
    if "xl/workbook.xml" in names:
        raise _unsupported("an Excel workbook")
    if "ppt/presentation.xml" in names:
        raise _unsupported("a PowerPoint presentation")
    raise _unsupported("a zip archive with no Word document inside")


def _member_start(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(100)


def _sniff_text(text: str, extension: str) -> MediaType:
    """HTML, Markdown or plain text, for content that decoded as text."""
    sample = text[:20_000]
    if _HTML_START.match(sample.encode("utf-8", "replace")) or len(_HTML_TAG.findall(sample)) >= 3:
        return MediaType.HTML
    # A page named .html with no markup in it is read as the plain text it is.
    signals = sum(1 for signal in _MARKDOWN_SIGNALS if signal.search(sample))
    if _EXTENSIONS.get(extension) == MediaType.MARKDOWN:
        markdown = signals >= 1 or _looks_wrapped(sample)
        return MediaType.MARKDOWN if markdown else MediaType.TEXT
    return MediaType.MARKDOWN if signals >= 2 else MediaType.TEXT


# A line that stops mid-sentence, followed by one that goes on in lower case.
_WRAPPED_LINE = re.compile(r"[^\s.?!:…\"”’)|]\n[ \t]*[a-z]")
_MIN_WRAPPED_SHARE = 0.1


def _looks_wrapped(sample: str) -> bool:
    """True for text whose paragraphs run over several lines (wrapped at a fixed width)."""
    lines = sum(1 for line in sample.splitlines() if line.strip())
    wrapped = len(_WRAPPED_LINE.findall(sample))
    return wrapped >= 2 and wrapped >= _MIN_WRAPPED_SHARE * lines
