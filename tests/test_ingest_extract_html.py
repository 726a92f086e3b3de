"""HTML extraction: main content only, with headings, items, rows, quotes and captions as blocks."""

from pathlib import Path

import pytest

from claims.ingest.formats.html_page import extract_html
from claims.ingest.pipeline import parse_document
from claims.ingest.types import Block, BlockKind

FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "clinic_page.html"


@pytest.fixture(scope="module")
def clinic_page():
    return extract_html(FIXTURE.read_bytes())


def _texts(blocks: list[Block], kind: BlockKind) -> list[str]:
    return [block.text for block in blocks if block.kind == kind]


def test_it_keeps_headings_in_document_order(clinic_page):
    assert _texts(clinic_page.blocks, BlockKind.HEADING) == [
        "Stem Cell Therapy for Knee Pain",
        "What can stem cells treat?",
        "Does it really work?",
        "How much does the therapy cost?",
        "References",
    ]


def test_it_makes_each_list_item_and_reference_a_block(clinic_page):
    items = _texts(clinic_page.blocks, BlockKind.LIST_ITEM)
    assert items[:4] == [
        "✅ Knee and hip osteoarthritis",
        "✅ Chronic lower back pain",
        "✅ Torn rotator cuffs and tendon injuries",
        "👉 Long COVID fatigue",
    ]
    assert items[4].startswith("Lee KH, Park J, Kim S.")
    assert items[5].startswith("Brown T, et al.")


def test_it_flattens_table_rows_with_pipes(clinic_page):
    assert _texts(clinic_page.blocks, BlockKind.TABLE_ROW) == [
        "Treatment | Cells | Price",
        "Single joint | 50 million | $4,900",
        "Two joints | 100 million | $8,500",
        "Systemic IV | 300 million | $24,000",
    ]


def test_it_keeps_figure_captions_and_quotes(clinic_page):
    assert _texts(clinic_page.blocks, BlockKind.CAPTION) == [
        "Cells are prepared in our certified laboratory in Panama City."
    ]
    assert _texts(clinic_page.blocks, BlockKind.QUOTE) == [
        "I could finally climb stairs again without my cane. It changed my life!"
    ]


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Contact us today",  # navigation
        "We use cookies",  # cookie banner
        "Accept all cookies",
        "Subscribe to our newsletter",  # form
        "All rights reserved",  # footer
        "Privacy policy",
        "alert(",  # scripts
        "dataLayer",
        "font-family",  # styles
    ],
)
def test_it_drops_page_furniture(clinic_page, boilerplate):
    assert not any(boilerplate in block.text for block in clinic_page.blocks)


def test_it_reads_title_and_language(clinic_page):
    assert clinic_page.title == "Stem Cell Therapy for Knee Pain"
    assert clinic_page.language == "en-GB"


def test_it_reads_a_pasted_fragment_without_html_or_body():
    extracted = extract_html(b"<p>Stem cells cure arthritis.</p><p>No side effects at all.</p>")
    assert [block.text for block in extracted.blocks] == [
        "Stem cells cure arthritis.",
        "No side effects at all.",
    ]


def test_it_finds_no_text_in_a_page_of_navigation_and_scripts():
    page = b"<html><body><nav><a href='/'>Home</a></nav><script>track()</script></body></html>"
    assert extract_html(page).blocks == []


def test_it_keeps_text_around_line_breaks_and_inline_markup_apart_and_exact():
    page = (
        b"<html><body><article><h1>Ozone</h1><p>Costs <b>CA$225</b> per session.<br>"
        b"Book now.</p><p>A second paragraph long enough to count as main content here.</p>"
        b"</article></body></html>"
    )
    paragraphs = _texts(extract_html(page).blocks, BlockKind.PARAGRAPH)
    assert paragraphs[0] == "Costs CA$225 per session. Book now."


def test_it_follows_the_declared_charset_of_a_legacy_page():
    page = (
        '<html><head><meta charset="windows-1252"></head><body><article>'
        "<p>Our “miracle” therapy costs €7,000 – naïve patients love it.</p>"
        "</article></body></html>"
    ).encode("cp1252")
    [block] = extract_html(page).blocks
    assert block.text == "Our “miracle” therapy costs €7,000 – naïve patients love it."


def test_it_reads_a_utf16_saved_page():
    page = "<html><body><p>Stem cells heal knees.</p></body></html>".encode("utf-16")
    assert [b.text for b in extract_html(page).blocks] == ["Stem cells heal knees."]


def test_it_keeps_script_text_and_handlers_out_of_the_article():
    page = (
        b"<html><body><article><p>Safe and natural.</p>"
        b'<img src=x onerror="alert(\'x\')"><a href="javascript:alert(1)">Click</a>'
        b"<script>document.write('injected')</script></article></body></html>"
    )
    text = parse_document(page, filename="page.html").text
    assert "alert" not in text and "injected" not in text and "javascript" not in text
    assert "Safe and natural." in text


def test_a_saved_clinic_page_becomes_sentences_a_reviewer_would_accept():
    parsed = parse_document(FIXTURE.read_bytes(), filename="clinic_page.html")
    sentences = [s.text for s in parsed.sentences]
    assert "Unlike surgery, it is natural, so fewer risks and no side effects are expected." in (
        sentences
    )
    assert (
        "Treatment prices range from $1,500 (2 injections) to $10,000 for a full course."
        in sentences
    )
    assert any(
        s.startswith("Lee KH, Park J, Kim S.") and s.endswith("abcd.5678") for s in sentences
    )
    for sentence in parsed.sentences:
        assert parsed.text[sentence.start : sentence.end] == sentence.text
