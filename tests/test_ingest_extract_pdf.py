"""PDF extraction: lines rebuilt into blocks, running lines dropped, unreadable files refused."""

import io

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen import canvas
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate

from claims.ingest.errors import IngestError
from claims.ingest.formats.pdf import extract_pdf
from claims.ingest.pipeline import parse_document
from claims.ingest.types import Block, BlockKind, MediaType

BODY_SIZE = 11
HEADING_SIZE = 16
PITCH = 14  # baseline to baseline, as a word processor sets 11 pt text
STYLES = getSampleStyleSheet()
# Astral emoji make PDFium's character indices differ from the string's, so a page that has
# one is read by text boxes instead of by character index.
EMOJI = "💪👉✅"

Line = tuple[float, str, float]


def lines(
    *texts: str, top: float = 700, pitch: float = PITCH, size: float = BODY_SIZE
) -> list[Line]:
    """(baseline, text, size) for consecutive lines, `pitch` apart, starting at `top`."""
    return [(top - pitch * number, text, size) for number, text in enumerate(texts)]


def pdf_from(
    *pages: list[Line], font: str = "Helvetica", title: str | None = None, encrypt=None
) -> bytes:
    """A PDF with each page's lines drawn exactly where they say, at the left margin."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True, encrypt=encrypt)
    if title is not None:
        pdf.setTitle(title)
    for page in pages:
        for baseline, text, size in page:
            pdf.setFont(font, size)
            pdf.drawString(72, baseline, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_from_story(*flowables, **document) -> bytes:
    """A PDF laid out by platypus, which wraps paragraphs and draws list markers itself."""
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=True, **document).build(list(flowables))
    return buffer.getvalue()


def text_layer(data: bytes) -> list[str]:
    """Each page's text as PDFium reads it, to check that a fixture is laid out as intended."""
    document = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def metadata_title(data: bytes) -> str:
    """The Title entry of the PDF's document information, as written."""
    document = pdfium.PdfDocument(data)
    try:
        return document.get_metadata_dict()["Title"]
    finally:
        document.close()


@pytest.fixture
def emoji_font(monkeypatch) -> str:
    """Bitstream Vera (shipped with reportlab) drawing EMOJI with a stand-in glyph.

    Fonts with real emoji glyphs are not installed everywhere; only the text layer matters
    here. reportlab writes an astral code point into ToUnicode as five hex digits ("<1F4AA>"),
    which readers take as U+1F4A, so the map is rewritten in UTF-16 as the PDF format wants.
    """
    font = ttfonts.TTFont("VeraWithEmoji", "Vera.ttf")
    for emoji in EMOJI:
        font.face.charToGlyph[ord(emoji)] = font.face.charToGlyph[ord("*")]
    pdfmetrics.registerFont(font)
    write_cmap = ttfonts.makeToUnicodeCMap

    def utf16_cmap(font_name: str, subset: list[int]) -> str:
        cmap = write_cmap(font_name, subset)
        for code in subset:
            if code > 0xFFFF:
                utf16 = chr(code).encode("utf-16-be").hex().upper()
                cmap = cmap.replace(f"<{code:04X}>", f"<{utf16}>")
        return cmap

    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", utf16_cmap)
    return font.fontName


# A page with an astral-plane emoji is read by text box; any other by character index.
READING_PATHS = [
    pytest.param("", id="page_read_by_character_index"),
    pytest.param(" 💪", id="page_read_by_text_box"),
]


def test_it_rejoins_a_paragraph_wrapped_over_several_lines():
    text = (
        "Our stem cell treatment repairs damaged cartilage, calms inflammation and restores "
        "mobility in knees, hips and shoulders, so most patients walk without pain within "
        "weeks and never need surgery or a hospital stay again."
    )
    data = pdf_from_story(Paragraph(text, STYLES["BodyText"]))

    assert text_layer(data)[0].count("\r\n") >= 2  # wrapped over three lines or more
    assert extract_pdf(data).blocks == [Block(BlockKind.PARAGRAPH, text)]


@pytest.mark.parametrize("emoji", READING_PATHS)
def test_it_mends_a_word_hyphenated_at_a_line_end(emoji_font, emoji):
    data = pdf_from(
        lines(
            f"Our clinic offers stem cell therapy for knee arthritis, back pain and{emoji}",
            "many other conditions. The injections are regen-",
            "erative and target the root cause of the pain, so most patients can",
            "walk without a cane within a few weeks of their very first injection.",
        ),
        font=emoji_font,
    )

    assert extract_pdf(data).blocks == [
        Block(
            BlockKind.PARAGRAPH,
            f"Our clinic offers stem cell therapy for knee arthritis, back pain and{emoji} "
            "many other conditions. The injections are regenerative and target the root cause "
            "of the pain, so most patients can walk without a cane within a few weeks of their "
            "very first injection.",
        )
    ]


@pytest.mark.parametrize("emoji", READING_PATHS)
def test_it_keeps_the_hyphen_of_a_compound_before_a_capital(emoji_font, emoji):
    data = pdf_from(
        lines(
            f"Our protocol also eases fatigue, joint pain and brain fog{emoji} in patients "
            "with post-",
            "COVID syndrome, with results in as little as two weeks after the first infusion.",
        ),
        font=emoji_font,
    )

    assert extract_pdf(data).blocks == [
        Block(
            BlockKind.PARAGRAPH,
            f"Our protocol also eases fatigue, joint pain and brain fog{emoji} in patients with "
            "post-COVID syndrome, with results in as little as two weeks after the first "
            "infusion.",
        )
    ]


def test_it_marks_larger_text_as_a_heading():
    data = pdf_from(
        [
            (760, "How much does the therapy cost?", HEADING_SIZE),
            *lines(
                "Prices range from $1,500 (2 injections) to $10,000, depending on the number",
                "of infusions and on the condition that is treated at our partner clinic.",
                top=736,
            ),
            (690, "Is the treatment safe?", HEADING_SIZE),
            *lines("Our treatment has no side effects.", top=666),
        ]
    )

    assert extract_pdf(data).blocks == [
        Block(BlockKind.HEADING, "How much does the therapy cost?"),
        Block(
            BlockKind.PARAGRAPH,
            "Prices range from $1,500 (2 injections) to $10,000, depending on the number of "
            "infusions and on the condition that is treated at our partner clinic.",
        ),
        Block(BlockKind.HEADING, "Is the treatment safe?"),
        Block(BlockKind.PARAGRAPH, "Our treatment has no side effects."),
    ]


def test_it_marks_bulleted_and_numbered_lines_as_list_items():
    body = STYLES["BodyText"]
    data = pdf_from_story(
        Paragraph("Why patients choose RegenWell", body),
        ListFlowable(
            [
                Paragraph("No surgery and no hospital stay.", body),
                Paragraph("Results in as little as two weeks.", body),
            ],
            bulletType="bullet",
        ),
        ListFlowable(
            [
                Paragraph("Book a free consultation.", body),
                Paragraph("Receive 2 injections of your own cells.", body),
            ],
            bulletType="1",
            bulletFormat="%s.",
        ),
    )

    assert extract_pdf(data).blocks == [
        Block(BlockKind.PARAGRAPH, "Why patients choose RegenWell"),
        Block(BlockKind.LIST_ITEM, "• No surgery and no hospital stay."),
        Block(BlockKind.LIST_ITEM, "• Results in as little as two weeks."),
        Block(BlockKind.LIST_ITEM, "1. Book a free consultation."),
        Block(BlockKind.LIST_ITEM, "2. Receive 2 injections of your own cells."),
    ]


def test_it_starts_a_new_block_after_a_paragraph_gap():
    first = (
        "Our clinic has treated more than 2,000 patients with knee arthritis since 2015.",
        "Every one of them received injections of their own cells, taken on the same day.",
    )
    second = (
        "A 52-year-old woman was symptom-free after 4 infusions and went back to hiking",
        "with her grandchildren, and she has not needed any painkillers since that day.",
    )
    data = pdf_from(lines(*first, top=700) + lines(*second, top=700 - 3 * PITCH))

    assert extract_pdf(data).blocks == [
        Block(BlockKind.PARAGRAPH, " ".join(first)),
        Block(BlockKind.PARAGRAPH, " ".join(second)),
    ]


def test_it_starts_a_new_block_after_a_short_line_that_ends_a_sentence():
    data = pdf_from(
        lines(
            "Stem cells from your own fat tissue are injected into the joint, where they",
            "repair the cartilage.",
            "A 52-year-old woman was symptom-free after 4 infusions.",
        )
    )

    assert extract_pdf(data).blocks == [
        Block(
            BlockKind.PARAGRAPH,
            "Stem cells from your own fat tissue are injected into the joint, where they "
            "repair the cartilage.",
        ),
        Block(BlockKind.PARAGRAPH, "A 52-year-old woman was symptom-free after 4 infusions."),
    ]


def test_it_drops_page_numbers_and_running_headers():
    bodies = [
        "Stem cell therapy has helped thousands of patients with knee arthritis.",
        "A 52-year-old woman was symptom-free after 4 infusions.",
        "Prices range from $1,500 (2 injections) to $10,000.",
    ]
    pages = [
        [
            (800, "RegenWell Institute | Patient Guide 2024", 9),
            *lines(body, top=700),
            (52, "Call +1 555 0100 for a free consultation", 9),
            (40, f"Page {number} of {len(bodies)}", 9),
        ]
        for number, body in enumerate(bodies, start=1)
    ]

    assert extract_pdf(pdf_from(*pages)).blocks == [
        Block(BlockKind.PARAGRAPH, body) for body in bodies
    ]


def test_it_drops_a_running_header_on_a_page_with_an_emoji(emoji_font):
    bodies = [
        "Our patients rate us 5 stars 💪 for care and comfort.",
        "Our treatment has no side effects.",
        "Book a free consultation today.",
    ]
    pages = [
        [(800, "RegenWell Institute | Patient Guide", 9), *lines(body, top=700)] for body in bodies
    ]

    assert extract_pdf(pdf_from(*pages, font=emoji_font)).blocks == [
        Block(BlockKind.PARAGRAPH, body) for body in bodies
    ]


def test_it_joins_a_paragraph_that_runs_on_to_the_next_page():
    data = pdf_from(
        [
            *lines(
                "Our stem cell treatment repairs damaged cartilage and, unlike surgery, it",
                "needs no hospital stay. Most patients are back at work within",
                top=90,
            ),
            (40, "1", 9),
        ],
        [
            *lines("two days and report lasting relief from their pain.", top=780),
            (740, "Is the therapy safe?", HEADING_SIZE),
            (40, "2", 9),
        ],
    )

    assert extract_pdf(data).blocks == [
        Block(
            BlockKind.PARAGRAPH,
            "Our stem cell treatment repairs damaged cartilage and, unlike surgery, it needs "
            "no hospital stay. Most patients are back at work within two days and report "
            "lasting relief from their pain.",
        ),
        Block(BlockKind.HEADING, "Is the therapy safe?"),
    ]


def test_it_reads_a_pdf_that_has_only_an_owner_password():
    no_printing = StandardEncryption("", ownerPassword="owner", canPrint=0)
    data = pdf_from(lines("Our treatment has no side effects."), encrypt=no_printing)

    assert extract_pdf(data).blocks == [
        Block(BlockKind.PARAGRAPH, "Our treatment has no side effects.")
    ]


def test_it_refuses_a_password_protected_pdf():
    data = pdf_from(lines("Our treatment has no side effects."), encrypt="secret")

    with pytest.raises(IngestError) as raised:
        extract_pdf(data)
    assert raised.value.code == IngestError.ENCRYPTED_PDF
    assert "password" in raised.value.message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\nthis is not really a pdf", id="header_then_prose"),
        pytest.param(
            pdf_from(lines("Our treatment has no side effects."))[:600], id="cut_off_download"
        ),
    ],
)
def test_it_refuses_a_corrupt_pdf(data):
    with pytest.raises(IngestError) as raised:
        extract_pdf(data)
    assert raised.value.code == IngestError.CORRUPT_PDF


def test_it_says_a_pdf_without_text_needs_ocr():
    buffer = io.BytesIO()
    scan = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    scan.rect(72, 500, 450, 250, fill=1)  # where a scanned page would have its picture
    scan.line(72, 480, 522, 480)
    scan.showPage()
    scan.save()

    with pytest.raises(IngestError) as raised:
        extract_pdf(buffer.getvalue())
    assert raised.value.code == IngestError.NO_TEXT
    assert "OCR" in raised.value.message


def test_it_keeps_emoji_and_accented_letters(emoji_font):
    data = pdf_from(
        [
            (760, "Why patients choose us 💪", HEADING_SIZE),
            *lines(
                "Café-style recovery lounge, naïve first-timers welcome ✅ Dr. Müller’s team",
                "answers every question.",
                top=736,
            ),
            *lines("👉 Book your free consultation today.", top=700),
        ],
        font=emoji_font,
    )

    assert extract_pdf(data).blocks == [
        Block(BlockKind.HEADING, "Why patients choose us 💪"),
        Block(
            BlockKind.PARAGRAPH,
            "Café-style recovery lounge, naïve first-timers welcome ✅ Dr. Müller’s team "
            "answers every question.",
        ),
        Block(BlockKind.LIST_ITEM, "👉 Book your free consultation today."),
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Stem Cell Therapy: Your Questions Answered",
            "Stem Cell Therapy: Your Questions Answered",
        ),
        ("Microsoft Word - Knee Pain Guide", "Knee Pain Guide"),
    ],
    ids=["as_written", "word_export_prefix_removed"],
)
def test_it_takes_the_title_from_the_pdf_metadata(title, expected):
    data = pdf_from(lines("Our treatment has no side effects."), title=title)

    assert extract_pdf(data).title == expected


def test_it_ignores_the_placeholder_title_reportlab_writes():
    data = pdf_from_story(Paragraph("Our treatment has no side effects.", STYLES["BodyText"]))

    assert metadata_title(data) == "(anonymous)"  # what platypus writes when given no title
    assert extract_pdf(data).title == ""


def test_it_parses_a_clinic_brochure_end_to_end():
    data = pdf_from(
        [
            (760, "How much does the therapy cost?", HEADING_SIZE),
            *lines(
                "Our treatment has no side effects. Prices range from $1,500 (2 injections)",
                "to $10,000. A 52-year-old woman was symptom-free after 4 infusions.",
                top=736,
            ),
            *lines("Lee KH, Park J. World J Clin Cases. 2021;9(23):6798-6803.", top=694),
        ],
        title="Stem Cell Therapy Prices",
    )

    parsed = parse_document(data, filename="brochure.pdf")

    assert parsed.media_type == MediaType.PDF
    assert parsed.title == "Stem Cell Therapy Prices"
    assert all(parsed.text[s.start : s.end] == s.text for s in parsed.sentences)
    assert [(s.kind, s.text) for s in parsed.sentences] == [
        (BlockKind.HEADING, "How much does the therapy cost?"),
        (BlockKind.PARAGRAPH, "Our treatment has no side effects."),
        (BlockKind.PARAGRAPH, "Prices range from $1,500 (2 injections) to $10,000."),
        (BlockKind.PARAGRAPH, "A 52-year-old woman was symptom-free after 4 infusions."),
        (BlockKind.REFERENCE, "Lee KH, Park J. World J Clin Cases. 2021;9(23):6798-6803."),
    ]


def test_a_reference_wrapped_before_its_doi_stays_one_entry():
    data = pdf_from(
        [
            (760, "References", HEADING_SIZE),
            *lines(
                "Silva R, Mendes T. Infusions after long illness. Stem Cell Rev Rep.",
                "2021 Mar 3;10(5):1012.",
                "doi.org/10.5555/scrr.2021.1005",
                top=736,
            ),
            *lines(
                "Lee KH, Park J. Knees. World J Clin Cases. 2021;9(23):6798-6803.",
                top=736 - 4 * PITCH,
            ),
        ]
    )

    parsed = parse_document(data, filename="brochure.pdf")

    assert [(s.kind, s.text) for s in parsed.sentences] == [
        (BlockKind.HEADING, "References"),
        (
            BlockKind.REFERENCE,
            "Silva R, Mendes T. Infusions after long illness. Stem Cell Rev Rep. 2021 Mar "
            "3;10(5):1012. doi.org/10.5555/scrr.2021.1005",
        ),
        (BlockKind.REFERENCE, "Lee KH, Park J. Knees. World J Clin Cases. 2021;9(23):6798-6803."),
    ]


def test_a_heading_wrapped_over_two_lines_stays_one_heading():
    heading_pitch = HEADING_SIZE * 1.4  # wider than the body text's paragraph gap
    data = pdf_from(
        [
            *lines(
                "How much does regenerative knee therapy cost",
                "at our partner clinic in Panama City?",
                top=760,
                pitch=heading_pitch,
                size=HEADING_SIZE,
            ),
            *lines("Prices range from $1,500 (2 injections) to $10,000.", top=710),
            *lines("Payment plans start at $99 per month for every patient.", top=690),
        ]
    )

    assert extract_pdf(data).blocks[0] == Block(
        BlockKind.HEADING,
        "How much does regenerative knee therapy cost at our partner clinic in Panama City?",
    )


def test_a_reference_list_set_larger_than_the_body_is_no_heading():
    large = 13
    body = lines(
        "Our clinic has treated more than 2,000 patients with knee arthritis since 2015,",
        "and every one of them received injections of their own cells on the same day.",
        "A 52-year-old woman was symptom-free after 4 infusions and went back to hiking",
        "with her grandchildren, and she has not needed any painkillers since that day.",
        top=760,
    )
    references = lines(
        "Lee KH, Park J, Kim S. Intra-articular cell injection for knee cartilage:",
        "a case report. World J Clin Cases. 2021 Aug 16;9(23):6798-6803.",
        top=680,
        pitch=large * 1.4,
        size=large,
    )

    parsed = parse_document(pdf_from(body + references), filename="brochure.pdf")

    assert parsed.sentences[-1].kind == BlockKind.REFERENCE
    assert parsed.sentences[-1].text == (
        "Lee KH, Park J, Kim S. Intra-articular cell injection for knee cartilage: a case "
        "report. World J Clin Cases. 2021 Aug 16;9(23):6798-6803."
    )
    assert not any(s.kind == BlockKind.HEADING for s in parsed.sentences)


def test_list_items_lose_the_bullets_and_numbers_the_pdf_drew():
    body = STYLES["BodyText"]
    data = pdf_from_story(
        ListFlowable([Paragraph("No surgery and no hospital stay.", body)], bulletType="bullet"),
        ListFlowable(
            [Paragraph("Book a free consultation.", body)], bulletType="1", bulletFormat="%s."
        ),
    )

    parsed = parse_document(data, filename="brochure.pdf")

    assert [(s.kind, s.text) for s in parsed.sentences] == [
        (BlockKind.LIST_ITEM, "No surgery and no hospital stay."),
        (BlockKind.LIST_ITEM, "Book a free consultation."),
    ]
