"""Hostile inputs are refused within bounded time and memory: zip bombs, lying zip headers,
PDFs with too many pages or too much text, HTML nested too deep or with too many elements."""

import io
import json
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import docx
import pytest
from reportlab.pdfgen import canvas

from claims.ingest.errors import IngestError
from claims.ingest.limits import DEFAULT_LIMITS, MB, IngestLimits
from claims.ingest.pipeline import parse_document
from claims.models import Article, Sentence
from claims.services.articles import ingest_limits
from tests.test_api_articles import upload

WORD_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_START = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD_NAMESPACE}">'
    "<w:body><w:p><w:r><w:t>Stem cells cure arthritis.</w:t></w:r></w:p><w:p><w:r><w:t>"
).encode()
DOCUMENT_END = b"</w:t></w:r></w:p></w:body></w:document>"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
# A zip member: name, deflated bytes, CRC-32, inflated size, and the size its headers declare.
Member = tuple[str, bytes, int, int, int]
# The memory the refusal runs under: far less than the bomb inflates to.
MEMORY_CEILING = 1024 * MB


# --- Building hostile files cheaply ----------------------------------------------------------


def _deflated(data: bytes) -> bytes:
    """`data` as raw deflate blocks that reference nothing before them, so that copies of
    them can follow one another in one stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stream_end() -> bytes:
    return zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block


def spaces_member(megabytes: int) -> tuple[bytes, int, int]:
    """A document.xml of `megabytes` MB of spaces between real markup, compressed, with its
    CRC and inflated size, built from one compressed megabyte repeated: a 2 GB member costs
    milliseconds and a few MB to make, where compressing it would take ten seconds."""
    block = b" " * MB
    compressed_block, crc = _deflated(block), zlib.crc32(DOCUMENT_START)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(DOCUMENT_END, crc)
    compressed = b"".join(
        [_deflated(DOCUMENT_START), compressed_block * megabytes, _deflated(DOCUMENT_END)]
    )
    size = len(DOCUMENT_START) + megabytes * MB + len(DOCUMENT_END)
    return compressed + _stream_end(), crc, size


def zip_with(members: list[Member]) -> bytes:
    """A zip of already-deflated members (name, compressed, crc, size, declared size), so a
    test can make the central directory state any size it likes."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, compressed, crc, _size, declared in members:
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, 8, 0, 33, crc, len(compressed), declared, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + encoded + compressed)
        directory.write(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
        )
    start = out.tell()
    out.write(directory.getvalue())
    count = len(members)
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, directory.tell(), start, 0)
    )
    return out.getvalue()


def small_member(name: str, data: bytes) -> Member:
    compressed = _deflated(data) + _stream_end()
    return name, compressed, zlib.crc32(data), len(data), len(data)


def spaces_entry(name: str, megabytes: int, *, declared: int | None = None) -> Member:
    compressed, crc, size = spaces_member(megabytes)
    return name, compressed, crc, size, size if declared is None else declared


def docx_members(megabytes: int, *, declared: int | None = None) -> list[Member]:
    return [
        small_member("[Content_Types].xml", CONTENT_TYPES),
        small_member("_rels/.rels", PACKAGE_RELS),
        spaces_entry("word/document.xml", megabytes, declared=declared),
    ]


def docx_bomb(megabytes: int, *, declared: int | None = None) -> bytes:
    """A DOCX whose word/document.xml inflates to `megabytes` MB (its directory says
    `declared` bytes, if given)."""
    return zip_with(docx_members(megabytes, declared=declared))


def pdf_of(pages: int) -> bytes:
    """A PDF of `pages` pages, each with a line of its own (a line on every page would be
    dropped as a running header)."""
    out = io.BytesIO()
    document = canvas.Canvas(out)
    for number in range(1, pages + 1):
        document.drawString(72, 700, f"Stem cells cured {number} patients of arthritis.")
        document.showPage()
    document.save()
    return out.getvalue()


def refusal(data: bytes, filename: str, limits: IngestLimits | None = None) -> IngestError:
    with pytest.raises(IngestError) as caught:
        parse_document(data, filename=filename, limits=limits)
    return caught.value


# --- DOCX: archive bombs ----------------------------------------------------------------------


REFUSE_UNDER_CEILING = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({ceiling}, {ceiling}))
    from claims.ingest.errors import IngestError
    from claims.ingest.pipeline import parse_document
    data = open(sys.argv[1], "rb").read()
    try:
        parse_document(data, filename="bomb.docx")
        outcome = {{"code": "accepted"}}
    except IngestError as error:
        outcome = {{"code": error.code, "message": error.message}}
    print(json.dumps(outcome))
    """
)


def refuse_in_subprocess(tmp_path: Path, data: bytes) -> dict:
    """Parse `data` in a child process whose address space is capped at MEMORY_CEILING: a
    regression shows as a failure here (MemoryError, or the child killed), never as a test
    run that takes the machine's memory."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(data)
    script = REFUSE_UNDER_CEILING.format(ceiling=MEMORY_CEILING)
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_it_refuses_a_docx_bomb_within_a_memory_ceiling_it_would_otherwise_exceed(tmp_path):
    bomb = docx_bomb(2048)  # 2 GB of XML in a 2 MB file
    assert len(bomb) < 3 * MB
    outcome = refuse_in_subprocess(tmp_path, bomb)
    assert outcome["code"] == IngestError.OVER_LIMIT
    unpacked = DEFAULT_LIMITS.max_unpacked_bytes // MB
    assert outcome["message"] == (
        "Its part word/document.xml unpacks to 2,048 MB; the most Claimscope unpacks from "
        f"one upload is {unpacked:,} MB."
    )


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_it_refuses_a_docx_whose_directory_understates_what_it_inflates_to(tmp_path):
    bomb = docx_bomb(2048, declared=4096)  # the directory says 4 KB
    outcome = refuse_in_subprocess(tmp_path, bomb)
    assert outcome["code"] == IngestError.INVALID_DOCX


def test_it_refuses_a_member_compressed_absurdly_well_even_under_the_size_limit():
    limits = IngestLimits(max_unpacked_bytes=64 * MB)
    error = refusal(docx_bomb(16), "dense.docx", limits)
    assert error.code == IngestError.OVER_LIMIT
    assert error.message == (
        "Its part word/document.xml is compressed 998 to 1; real documents stay under 100 to 1, "
        "so Claimscope does not unpack it (it looks built to exhaust the server)."
    )


def test_it_refuses_a_docx_whose_parts_together_unpack_past_the_limit():
    limits = IngestLimits(max_unpacked_bytes=3 * MB, max_compression_ratio=10_000)
    data = zip_with([*docx_members(2), spaces_entry("word/header1.xml", 2)])
    error = refusal(data, "two-parts.docx", limits)
    assert error.message == (
        "This document unpacks to 4.0 MB; the most Claimscope unpacks from one upload is 3.0 MB."
    )


def test_it_refuses_a_zip_of_more_files_than_a_document_holds():
    members = [small_member(f"word/part{n}.xml", b"<p/>") for n in range(10_001)]
    error = refusal(zip_with([*docx_members(0), *members]), "many.docx")
    assert error.message.startswith("This file is a zip archive of 10,004 files;")


def test_it_still_reads_an_ordinary_docx_through_the_rebuilt_package():
    document = docx.Document()
    document.add_heading("Knee clinic", level=1)
    document.add_paragraph("Our injections rebuild cartilage.")
    out = io.BytesIO()
    document.save(out)
    parsed = parse_document(out.getvalue(), filename="clinic.docx")
    assert [s.text for s in parsed.sentences] == [
        "Knee clinic",
        "Our injections rebuild cartilage.",
    ]


@pytest.mark.django_db
def test_the_api_answers_a_docx_bomb_with_422_naming_the_limit_and_stores_nothing(
    api_for, reviewer, settings
):
    settings.MAX_UNPACKED_MB = 50
    response = upload(api_for(reviewer), "brochure.docx", docx_bomb(300))
    assert response.status_code == 422
    assert response.json()["field"] == "file"
    assert response.json()["detail"] == (
        "Its part word/document.xml unpacks to 300 MB; the most Claimscope unpacks from one "
        "upload is 50 MB."
    )
    assert not Article.objects.exists()
    assert not Sentence.objects.exists()


# --- PDF ---------------------------------------------------------------------------------------


def test_it_refuses_a_pdf_with_more_pages_than_the_limit():
    error = refusal(pdf_of(6), "brochure.pdf", IngestLimits(max_pdf_pages=5))
    assert error.code == IngestError.OVER_LIMIT
    assert error.message.startswith("This PDF has 6 pages; Claimscope reads at most 5 from one")


def test_it_refuses_a_pdf_with_more_text_than_the_limit_before_reading_it_all():
    error = refusal(pdf_of(3), "brochure.pdf", IngestLimits(max_text_chars=40))
    assert error.code == IngestError.OVER_LIMIT
    assert error.message.startswith("This document holds more than 40 characters of text")


def test_it_reads_a_pdf_at_exactly_the_page_limit():
    parsed = parse_document(
        pdf_of(5), filename="brochure.pdf", limits=IngestLimits(max_pdf_pages=5)
    )
    assert parsed.text.startswith("Stem cells cured 1 patients of arthritis.")


# --- HTML --------------------------------------------------------------------------------------


def test_it_refuses_html_nested_deeper_than_the_parser_follows():
    page = b"<html><body>" + b"<div>" * 300 + b"<p>Stem cells cure arthritis.</p>" + b"</div>" * 300
    error = refusal(page, "deep.html")
    assert error.code == IngestError.OVER_LIMIT
    assert error.message.startswith("This page nests its elements more than 256 levels deep")


def test_it_reads_html_nested_as_deep_as_real_pages():
    page = b"<html><body>" + b"<div>" * 60 + b"<p>Stem cells cure arthritis.</p>" + b"</div>" * 60
    assert parse_document(page, filename="page.html").text == "Stem cells cure arthritis."


def test_it_refuses_html_with_more_elements_than_the_limit_before_extracting():
    page = b"<html><body>" + b"<p>Stem cells cure arthritis.</p>" * 1_000 + b"</body></html>"
    error = refusal(page, "wide.html", IngestLimits(max_html_elements=500))
    assert error.code == IngestError.OVER_LIMIT
    assert error.message.startswith(
        "This page has 1,002 HTML elements; Claimscope reads pages of up to 500."
    )


# --- Any format --------------------------------------------------------------------------------


def test_it_refuses_text_longer_than_the_character_limit():
    error = refusal(
        b"Stem cells cure arthritis. " * 10, "notes.txt", IngestLimits(max_text_chars=100)
    )
    assert error.message == (
        "This document holds more than 100 characters of text, the most Claimscope reads from "
        "one upload. Split it into smaller documents."
    )


def test_the_limits_follow_the_settings(settings):
    settings.MAX_UNPACKED_MB, settings.MAX_PDF_PAGES = 7, 3
    limits = ingest_limits()
    assert (limits.max_unpacked_bytes, limits.max_pdf_pages) == (7 * MB, 3)
