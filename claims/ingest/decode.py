"""Bytes of a text file (HTML, Markdown, plain text) to a string, whatever its encoding.

Order of evidence: a byte-order mark, then UTF-8 (which almost never decodes by accident),
then UTF-8 with a few damaged bytes (decoded with U+FFFD for them, and counted so the uploader
can be told), then a charset the document declares, then Windows-1252 for mostly-Latin text,
and only then charset-normalizer's statistical guess, which is unreliable on short Western
texts (it reads a Windows-1252 paragraph with curly quotes as a Baltic or Icelandic code page,
and damaged UTF-8 as a DOS code page).
"""

import codecs
import re

from charset_normalizer import from_bytes

from claims.ingest.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Beyond this share of control characters the "text" is really binary data.
_MAX_CONTROL_SHARE = 0.01
# Windows-1252 is taken only for text that is mostly ASCII, as Western European prose is;
# Cyrillic or Greek in a single-byte code page would decode to a majority of accented junk.
_MAX_NON_ASCII_SHARE_FOR_CP1252 = 0.2
# Text in a legacy code page forms a valid UTF-8 multi-byte sequence only by accident: a page of
# Shift-JIS, GBK, Big5, EUC-KR or TIS-620 has about one for every three invalid sequences (a
# single sentence at worst one for one), one of Windows-125x none. UTF-8 with a few damaged
# bytes has dozens of valid sequences for each invalid one.
_MIN_VALID_PER_INVALID_UTF8_SEQUENCE = 3
# What "surrogateescape" turns each byte that is not valid UTF-8 into.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def decode_text(data: bytes, *, declared: str = "") -> str:
    """Decode text bytes, or raise IngestError saying why they are not readable text."""
    text = _decode(data, declared=declared)
    if _looks_binary(text):
        raise IngestError(
            IngestError.UNSUPPORTED_TYPE,
            "This file holds binary data, not text. "
            "Upload an HTML page, PDF, DOCX, Markdown or plain text.",
        )
    return text


def _decode(data: bytes, *, declared: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding)
    utf16 = _bomless_utf16(data)
    if utf16:
        return _strict(data, utf16)
    decoded = _try(data, "utf-8")
    if decoded is not None:
        return decoded
    if damaged_utf8_bytes(data):
        return data.decode("utf-8", errors="replace")
    decoded = _try(data, declared)
    if decoded is not None:
        return decoded
    latin = _try(data, "cp1252")
    if latin is not None and _non_ascii_share(latin) <= _MAX_NON_ASCII_SHARE_FOR_CP1252:
        return latin
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(
            IngestError.UNDECODABLE,
            "The text could not be decoded: its encoding is not UTF-8 and could not be "
            "recognised. Save it as UTF-8 and upload it again.",
        )
    return str(best)


def damaged_utf8_bytes(data: bytes) -> int:
    """How many bytes of text that is UTF-8 apart from them decode_text replaces with U+FFFD;
    0 for valid UTF-8, for UTF-16 or -32, and for text in another encoding altogether."""
    if data.startswith(tuple(bom for bom, _ in _BOMS)) or _bomless_utf16(data):
        return 0
    escaped = data.decode("utf-8", errors="surrogateescape")
    damaged_bytes = len(_ESCAPED_BYTE.findall(escaped))
    if not damaged_bytes:
        return 0
    # "replace" puts one U+FFFD for each invalid sequence: a cut-off "’" is two bytes, one mark.
    replaced = data.decode("utf-8", errors="replace")
    invalid_sequences = replaced.count("\ufffd") - escaped.count("\ufffd")
    valid_sequences = len(_NON_ASCII.findall(escaped)) - damaged_bytes
    if valid_sequences < _MIN_VALID_PER_INVALID_UTF8_SEQUENCE * invalid_sequences:
        return 0
    return damaged_bytes


def _strict(data: bytes, encoding: str) -> str:
    decoded = _try(data, encoding)
    if decoded is None:
        raise IngestError(
            IngestError.UNDECODABLE,
            f"The file says it is {encoding.upper()} but is not valid {encoding.upper()}.",
        )
    return decoded


def _try(data: bytes, encoding: str) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _bomless_utf16(data: bytes) -> str:
    """'utf-16-le'/'utf-16-be' for UTF-16 without a byte-order mark, judged by where the
    zero bytes of ASCII characters fall; '' otherwise."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return ""
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return ""


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:100_000]
    return len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * max(len(sample), 1)


def _non_ascii_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum(1 for c in visible if ord(c) > 127) / len(visible)
