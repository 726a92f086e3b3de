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


def _page(article: str) -> bytes:
    filler = (
        "<p>Our regenerative therapy targets the root cause of joint pain in weeks, and "
        "more than 4,000 patients from 40 countries have chosen our clinic since 2012.</p>"
        "<p>A 52-year-old woman from Ohio was completely pain-free after 4 infusions and "
        "went back to running within two months of her first visit to us.</p>"
    )
    return (
        "<!doctype html><html><body><nav><a href='/'>Home</a></nav><main><article>"
        f"<h1>Stem cells for knees</h1>{filler}{article}{filler}</article></main>"
        "<footer>© Clinic</footer></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("markup", "byline"),
    [
        ('<p class="byline">By Dr. Ana Morales, Medical Advisor</p>', "By Dr. Ana Morales, "
         "Medical Advisor"),
        ('<div class="author-box"><p>Written by Dr. Sam Okoro, MD</p></div>', "Written by Dr. "
         "Sam Okoro, MD"),
        ('<p class="author-bio">Medical Advisor, Renewa Clinic doctor</p>', "Medical Advisor, "
         "Renewa Clinic doctor"),
        ('<p class="post-meta">Reviewed by Dr. Ana Morales</p>', "Reviewed by Dr. Ana Morales"),
        ('<div id="author"><p>Dr. Lina Ferreira, Medical Director</p></div>', "Dr. Lina "
         "Ferreira, Medical Director"),
    ],
    ids=["byline_class", "author_box", "author_bio", "meta_reviewer", "author_id"],
)  # fmt: skip
def test_it_keeps_bylines_that_trafilatura_drops_by_their_class(markup, byline):
    texts = [block.text for block in extract_html(_page(markup)).blocks]
    assert byline in texts


def test_it_keeps_a_closing_byline_after_the_references():
    page = _page(
        "<h2>References</h2><ol><li>Lee KH. Knees. World J Clin Cases. 2021;9:1-9.</li></ol>"
        '<div class="author"><p>Dr. Lina Ferreira</p>'
        '<p class="author-title">Medical Advisor, Renewa Clinic doctor</p></div>'
    )
    parsed = parse_document(page, filename="page.html")
    kinds = {s.text: s.kind for s in parsed.sentences}
    assert kinds["Dr. Lina Ferreira"] == BlockKind.PARAGRAPH
    assert kinds["Medical Advisor, Renewa Clinic doctor"] == BlockKind.PARAGRAPH
    assert kinds["Lee KH. Knees. World J Clin Cases. 2021;9:1-9."] == BlockKind.REFERENCE


@pytest.mark.parametrize(
    "markup",
    [
        '<div class="post-meta"><a href="/tag/knees">Knees</a> <a href="/tag/hips">Hips</a></div>',
        '<div class="comment-author">Posted by Bob: great clinic!</div>',
        '<div class="author-box">' + "<p>Dr. Lee writes about regeneration. </p>" * 20 + "</div>",
    ],
    ids=["tag_links", "comment_author", "long_author_box"],
)
def test_it_still_drops_metadata_comments_and_long_author_boxes(markup):
    texts = " ".join(block.text for block in extract_html(_page(markup)).blocks)
    assert "Knees Hips" not in texts
    assert "great clinic" not in texts
    assert "writes about regeneration" not in texts


def test_table_rows_keep_their_empty_cells_in_place():
    page = _page(
        "<table><tr><th>Package</th><th>Price</th><th>Notes</th></tr>"
        "<tr><td>Starter</td><td>$49</td><td></td></tr>"
        "<tr><td>Knee</td><td></td><td>ask us</td></tr>"
        "<tr><td></td><td> </td><td></td></tr></table>"
    )
    assert _texts(extract_html(page).blocks, BlockKind.TABLE_ROW) == [
        "Package | Price | Notes",
        "Starter | $49 | ",
        "Knee |  | ask us",
    ]
    parsed = parse_document(page, filename="page.html")
    assert [s.text for s in parsed.sentences if s.kind == BlockKind.TABLE_ROW] == [
        "Package | Price | Notes",
        "Starter | $49 |",
        "Knee | | ask us",
    ]


def test_paragraphs_with_typed_bullets_become_list_items_without_the_bullet():
    page = _page("<p>• No surgery</p><p>• No downtime</p><p>✅ Natural</p>")
    items = [
        s.text
        for s in parse_document(page, filename="page.html").sentences
        if s.kind == BlockKind.LIST_ITEM
    ]
    assert items == ["No surgery", "No downtime", "✅ Natural"]
