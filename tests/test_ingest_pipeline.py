"""parse_document end to end: what it reports about the bytes besides the text and sentences."""

import io

from hypothesis import assume, given
from hypothesis import strategies as st
from reportlab.pdfgen import canvas

from claims.ingest.errors import IngestError
from claims.ingest.pipeline import parse_document
from claims.ingest.types import ParsedDocument
from tests.test_ingest_decode import CLINIC_PAGE, DAMAGED_PAGE

PIECES = ["It’s safe.", "Only €990!", "“Proven.”", "Dr. Lee’s", "治ります。", " ", "\n", "x", "."]


def assert_offsets_exact(parsed: ParsedDocument) -> None:
    for sentence in parsed.sentences:
        assert parsed.text[sentence.start : sentence.end] == sentence.text


def test_it_reports_the_damaged_bytes_of_a_utf8_text_file():
    parsed = parse_document(DAMAGED_PAGE, filename="results.txt")
    assert parsed.replaced_bytes == 3
    assert "Our stem cell therapy\ufffds results speak for themselves." in parsed.text
    assert "at our Z\ufffdrich clinic." in parsed.text
    assert_offsets_exact(parsed)


def test_it_reports_the_damaged_bytes_of_markdown_and_html_pages():
    markdown = b"# Stem cell therapy\n\n" + DAMAGED_PAGE
    html = b'<html><head><meta charset="utf-8"></head><body><p>' + DAMAGED_PAGE + b"</p></html>"
    assert parse_document(markdown, filename="results.md").replaced_bytes == 3
    assert parse_document(html, filename="results.html").replaced_bytes == 3


def test_it_reports_no_damage_for_clean_files_in_other_encodings():
    for encoding in ("utf-8", "cp1252", "utf-16"):
        data = CLINIC_PAGE.encode(encoding)
        assert parse_document(data, filename="results.txt").replaced_bytes == 0


def test_it_never_counts_the_binary_bytes_of_a_pdf():
    out = io.BytesIO()
    document = canvas.Canvas(out)
    document.drawString(72, 700, "Exosomes cure arthritis. Sessions cost $2,400.")
    document.save()
    assert parse_document(out.getvalue(), filename="results.pdf").replaced_bytes == 0


@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join),
    st.lists(st.integers(min_value=0), max_size=3),
)
def test_sentence_offsets_stay_exact_in_damaged_utf8(text: str, damaged_positions: list[int]):
    data = bytearray(text.encode("utf-8"))
    for position in damaged_positions:
        data[position % len(data)] = 0xFF
    try:
        parsed = parse_document(bytes(data), filename="page.txt")
    except IngestError:
        assume(False)  # nothing readable was left: no sentences to check
        return
    assert_offsets_exact(parsed)
    assert (parsed.replaced_bytes > 0) == ("\ufffd" in parsed.text)
