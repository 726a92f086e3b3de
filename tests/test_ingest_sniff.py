"""sniff_media_type: the type comes from the content; the name only settles Markdown vs text."""

import io
import zipfile

import pytest

from claims.ingest.errors import IngestError
from claims.ingest.sniff import sniff_media_type
from claims.ingest.types import MediaType


def _zip_with(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"%PDF-1.7\n...", "brochure.pdf", MediaType.PDF),
        (b"%PDF-1.4\n...", "download", MediaType.PDF),
        (b"\r\n\r\n%PDF-1.4\n...", "leading-junk.pdf", MediaType.PDF),
        (_zip_with("[Content_Types].xml", "word/document.xml"), "a.docx", MediaType.DOCX),
        (_zip_with("[Content_Types].xml", "word/document.xml"), "renamed.bin", MediaType.DOCX),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "page.txt", MediaType.HTML),
        (b"<html lang='en'><p>Stem cells.</p></html>", "", MediaType.HTML),
        (b"<?xml version='1.0'?><!DOCTYPE html><html></html>", "page.xhtml", MediaType.HTML),
        (b"  <!-- saved --><!doctype HTML><title>x</title>", "saved", MediaType.HTML),
        (b"<div><p>One.</p><p>Two.</p><ul><li>Three</li></ul></div>", "", MediaType.HTML),
        (b"# Knee therapy\n\nIt works.", "knee.md", MediaType.MARKDOWN),
        (b"# Knee therapy\n\nIt **really** works.", "pasted.txt", MediaType.MARKDOWN),
        # A .md file with no Markdown in it is the plain text it looks like...
        (b"Plain words.\nMore words.", "notes.md", MediaType.TEXT),
        (b"Is it safe?\n- Yes.\n1. Book\nA | B | C", "page.md", MediaType.TEXT),
        (b"Is it safe?\n![faq image]()\nYes, it is.", "scraped.md", MediaType.TEXT),
        # ... unless it has one mark of Markdown, or paragraphs wrapped over several lines.
        (b"Is it safe?\nRead [the study](https://x.example.org).", "page.md", MediaType.MARKDOWN),
        (b"Is it safe?\n\n> Yes, it is.", "page.md", MediaType.MARKDOWN),
        (b"Prices\n======\n\nFrom $1,500.", "page.md", MediaType.MARKDOWN),
        (
            b"Our cells turn into new cartilage and\nrepair the joint within weeks, so\n"
            b"you walk again.\n\nThey home in on damage and\nrepair it for good.",
            "wrapped.md",
            MediaType.MARKDOWN,
        ),
        (b"Is it safe?\nYes, it is safe.\n- No side effects.", "pasted.txt", MediaType.TEXT),
        (b"Is it safe?\nYes, it is safe.", "page.html", MediaType.TEXT),
        (b"Price: 5 < 10 and 10 > 5.", "", MediaType.TEXT),
        ("Café “miracle” cure".encode("cp1252"), "legacy.txt", MediaType.TEXT),
        ("Stem cells heal.".encode("utf-16"), "wide.txt", MediaType.TEXT),
    ],
)
def test_it_tells_the_type_from_the_content(data, filename, expected):
    assert sniff_media_type(data, filename=filename) == expected


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "JPEG image"),
        (b"GIF89a" + bytes(64), "GIF image"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(64), "WebP image"),
        (b"\x1f\x8b\x08" + bytes(64), "gzip archive"),
        (b"\x7fELF" + bytes(64), "program"),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(64), "MP4"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old-style Word"),
        (b"{\\rtf1\\ansi Stem cells}", "RTF"),
        (_zip_with("mimetype", "content.xml"), "zip archive"),
        (_zip_with("[Content_Types].xml", "xl/workbook.xml"), "Excel workbook"),
    ],
)
def test_it_refuses_binary_files_saying_what_they_look_like(data, named):
    with pytest.raises(IngestError) as raised:
        sniff_media_type(data, filename="upload.txt")
    assert raised.value.code == IngestError.UNSUPPORTED_TYPE
    assert named in raised.value.message


def test_it_names_an_opendocument_file_and_suggests_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(IngestError) as raised:
        sniff_media_type(out.getvalue(), filename="letter.odt")
    assert "OpenDocument" in raised.value.message and "DOCX" in raised.value.message


def test_it_refuses_random_binary_data_whatever_its_name():
    data = bytes(range(256)) * 16
    with pytest.raises(IngestError) as raised:
        sniff_media_type(data, filename="notes.txt")
    assert raised.value.code in (IngestError.UNSUPPORTED_TYPE, IngestError.UNDECODABLE)


def test_it_says_a_file_named_pdf_is_not_a_pdf():
    with pytest.raises(IngestError) as raised:
        sniff_media_type(b"Dear patient, thank you.", filename="letter.PDF")
    assert raised.value.code == IngestError.CORRUPT_PDF
    assert "not a PDF" in raised.value.message


def test_it_says_a_file_named_docx_is_not_a_word_document():
    with pytest.raises(IngestError) as raised:
        sniff_media_type(b"Dear patient, thank you.", filename="letter.docx")
    assert raised.value.code == IngestError.INVALID_DOCX


def test_it_says_a_truncated_zip_is_damaged():
    truncated = _zip_with("[Content_Types].xml", "word/document.xml")[:40]
    with pytest.raises(IngestError) as raised:
        sniff_media_type(truncated, filename="a.docx")
    assert raised.value.code == IngestError.INVALID_DOCX
    assert "damaged" in raised.value.message
