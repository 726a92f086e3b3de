"""DOCX extraction: block kinds from styles, tables row by row, core properties, refusals."""

import io
import zipfile

import docx
import pytest
from docx.document import Document
from docx.oxml import parse_xml

from claims.ingest.errors import IngestError
from claims.ingest.formats.word import extract_docx
from claims.ingest.pipeline import parse_document
from claims.ingest.types import Block, BlockKind, MediaType

WORD_NAMESPACE = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# Bytes with no structure, the same on every run.
NOISE = bytes((index * 37 + 11) % 256 for index in range(2048))


def docx_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_from(*items, title: str = "", language: str = "") -> bytes:
    """A DOCX holding `items` in order: a string is a Normal paragraph, (style, text) a styled
    paragraph and a list of rows (lists of cell texts) a table."""
    document = docx.Document()
    for item in items:
        if isinstance(item, str):
            document.add_paragraph(item)
        elif isinstance(item, tuple):
            style, text = item
            document.add_paragraph(text, style=style)
        else:
            table = document.add_table(rows=len(item), cols=len(item[0]))
            for row, texts in zip(table.rows, item, strict=True):
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.text = text
    document.core_properties.title = title
    document.core_properties.language = language
    return docx_bytes(document)


def docx_with_body_xml(*elements: str) -> bytes:
    """A DOCX whose body holds the given WordprocessingML elements, written without the
    namespace declaration ("<w:p><w:r><w:t>...</w:t></w:r></w:p>")."""
    document = docx.Document()
    end_of_body = document.element.body.sectPr
    for element in elements:
        start_tag, rest = element.split(">", 1)
        end_of_body.addprevious(parse_xml(f"{start_tag} {WORD_NAMESPACE}>{rest}"))
    return docx_bytes(document)


def zip_of(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_it_marks_heading_styles_as_headings():
    document = docx.Document()
    document.add_heading("Stem Cell Therapy at RegenWell", level=0)
    document.add_paragraph("Healing from within", style="Subtitle")
    document.add_heading("How much does the therapy cost?", level=1)
    document.add_paragraph("Prices range from $1,500 (2 injections) to $10,000.")
    document.add_heading("What is included?", level=2)

    assert extract_docx(docx_bytes(document)).blocks == [
        Block(BlockKind.HEADING, "Stem Cell Therapy at RegenWell"),
        Block(BlockKind.HEADING, "Healing from within"),
        Block(BlockKind.HEADING, "How much does the therapy cost?"),
        Block(BlockKind.PARAGRAPH, "Prices range from $1,500 (2 injections) to $10,000."),
        Block(BlockKind.HEADING, "What is included?"),
    ]


def test_it_marks_bulleted_and_numbered_paragraphs_as_list_items():
    data = docx_from(
        "Why patients choose us:",
        ("List Bullet", "No surgery and no hospital stay."),
        ("List Bullet 2", "Results in as little as two weeks."),
        ("List Number", "Book a free consultation."),
        ("List Number", "Receive 2 injections of your own cells."),
        "Our treatment has no side effects.",
    )

    assert extract_docx(data).blocks == [
        Block(BlockKind.PARAGRAPH, "Why patients choose us:"),
        Block(BlockKind.LIST_ITEM, "No surgery and no hospital stay."),
        Block(BlockKind.LIST_ITEM, "Results in as little as two weeks."),
        Block(BlockKind.LIST_ITEM, "Book a free consultation."),
        Block(BlockKind.LIST_ITEM, "Receive 2 injections of your own cells."),
        Block(BlockKind.PARAGRAPH, "Our treatment has no side effects."),
    ]


def test_it_marks_a_paragraph_numbered_by_direct_formatting_as_a_list_item():
    data = docx_with_body_xml(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val='0'/><w:numId w:val='1'/></w:numPr></w:pPr>"
        "<w:r><w:t>Pain relief that lasts for years.</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>Results may vary.</w:t></w:r></w:p>",
    )

    assert extract_docx(data).blocks == [
        Block(BlockKind.LIST_ITEM, "Pain relief that lasts for years."),
        Block(BlockKind.PARAGRAPH, "Results may vary."),
    ]


def test_it_marks_quotes_and_captions():
    data = docx_from(
        ("Quote", "“It gave me my life back.”"),
        ("Intense Quote", "I walk without a cane after 3 sessions."),
        ("Caption", "Figure 1. Knee cartilage before and after treatment."),
    )

    assert extract_docx(data).blocks == [
        Block(BlockKind.QUOTE, "“It gave me my life back.”"),
        Block(BlockKind.QUOTE, "I walk without a cane after 3 sessions."),
        Block(BlockKind.CAPTION, "Figure 1. Knee cartilage before and after treatment."),
    ]


def test_it_reads_a_table_as_one_row_block_per_row_with_cells_joined_by_bars():
    data = docx_from(
        [
            ["Treatment", "Injections", "Price"],
            ["Knee arthritis", "2", "$1,500"],
            ["Full-body regeneration", "6", "$10,000"],
        ]
    )

    assert extract_docx(data).blocks == [
        Block(BlockKind.TABLE_ROW, "Treatment | Injections | Price"),
        Block(BlockKind.TABLE_ROW, "Knee arthritis | 2 | $1,500"),
        Block(BlockKind.TABLE_ROW, "Full-body regeneration | 6 | $10,000"),
    ]


def test_it_reads_a_merged_cell_once():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    banner = table.cell(0, 0).merge(table.cell(0, 2))
    banner.text = "Prices from $1,500 (2 injections) to $10,000"
    for cell, text in zip(table.rows[1].cells, ["Knee", "Hip", "Spine"], strict=True):
        cell.text = text

    assert extract_docx(docx_bytes(document)).blocks == [
        Block(BlockKind.TABLE_ROW, "Prices from $1,500 (2 injections) to $10,000"),
        Block(BlockKind.TABLE_ROW, "Knee | Hip | Spine"),
    ]


def test_it_keeps_paragraphs_and_tables_in_document_order():
    data = docx_from(
        ("Heading 1", "How much does the therapy cost?"),
        "Our prices are all-inclusive.",
        [["Knee", "$1,500"], ["Spine", "$10,000"]],
        "A 52-year-old woman was symptom-free after 4 infusions.",
        [["Consultation", "free"]],
    )

    assert extract_docx(data).blocks == [
        Block(BlockKind.HEADING, "How much does the therapy cost?"),
        Block(BlockKind.PARAGRAPH, "Our prices are all-inclusive."),
        Block(BlockKind.TABLE_ROW, "Knee | $1,500"),
        Block(BlockKind.TABLE_ROW, "Spine | $10,000"),
        Block(BlockKind.PARAGRAPH, "A 52-year-old woman was symptom-free after 4 infusions."),
        Block(BlockKind.TABLE_ROW, "Consultation | free"),
    ]


def test_it_takes_title_and_language_from_the_core_properties():
    data = docx_from(
        "Our treatment has no side effects.",
        title="Stem Cell Therapy: Your Questions Answered",
        language="en-GB",
    )

    extracted = extract_docx(data)

    assert extracted.title == "Stem Cell Therapy: Your Questions Answered"
    assert extracted.language == "en-GB"


def test_it_leaves_title_and_language_empty_when_the_document_has_none():
    extracted = extract_docx(docx_from("Our treatment has no side effects."))

    assert (extracted.title, extracted.language) == ("", "")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(zip_of({"notes.txt": "Our treatment has no side effects."}), id="plain_zip"),
        pytest.param(
            zip_of({"[Content_Types].xml": "", "word/document.xml": ""}), id="empty_parts"
        ),
        pytest.param(docx_from("Our treatment has no side effects.")[:1500], id="cut_off_docx"),
        pytest.param(b"PK\x03\x04" + NOISE, id="zip_signature_then_noise"),
        pytest.param(NOISE, id="noise"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_docx(data):
    with pytest.raises(IngestError) as raised:
        extract_docx(data)
    assert raised.value.code == IngestError.INVALID_DOCX


def test_it_refuses_a_docx_whose_document_part_has_no_body():
    with zipfile.ZipFile(io.BytesIO(docx_from("Our treatment has no side effects."))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = f"<w:document {WORD_NAMESPACE}/>".encode()

    with pytest.raises(IngestError) as raised:
        extract_docx(zip_of(parts))
    assert raised.value.code == IngestError.INVALID_DOCX


def test_it_reads_the_inserted_text_of_a_tracked_change():
    data = docx_with_body_xml(
        "<w:p><w:r><w:t xml:space='preserve'>Our treatment </w:t></w:r>"
        "<w:ins w:id='1' w:author='Editor' w:date='2024-03-01T00:00:00Z'>"
        "<w:r><w:t xml:space='preserve'>never </w:t></w:r></w:ins>"
        "<w:r><w:t>has side effects.</w:t></w:r></w:p>"
    )

    assert extract_docx(data).blocks == [
        Block(BlockKind.PARAGRAPH, "Our treatment never has side effects.")
    ]


def test_it_reads_paragraphs_inside_a_content_control():
    data = docx_with_body_xml(
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Stem cells: the end of knee pain</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>",
        "<w:p><w:r><w:t>Our treatment has no side effects.</w:t></w:r></w:p>",
    )

    assert extract_docx(data).blocks == [
        Block(BlockKind.PARAGRAPH, "Stem cells: the end of knee pain"),
        Block(BlockKind.PARAGRAPH, "Our treatment has no side effects."),
    ]


def test_it_makes_no_sentence_of_an_empty_paragraph():
    data = docx_from(
        "Our treatment has no side effects.",
        "",
        "   ",
        ("List Bullet", ""),
        "Book a free consultation today.",
    )

    parsed = parse_document(data, filename="clinic.docx")

    assert [s.text for s in parsed.sentences] == [
        "Our treatment has no side effects.",
        "Book a free consultation today.",
    ]
    assert parsed.text == "Our treatment has no side effects.\n\nBook a free consultation today."


def test_it_says_a_docx_of_empty_paragraphs_has_no_text():
    with pytest.raises(IngestError) as raised:
        parse_document(docx_from("", "  ", [["", ""]]), filename="blank.docx")
    assert raised.value.code == IngestError.NO_TEXT


def test_it_parses_a_clinic_page_end_to_end():
    data = docx_from(
        ("Title", "Stem Cell Therapy at RegenWell"),
        ("Heading 1", "How much does the therapy cost?"),
        "Our treatment has no side effects. Prices range from $1,500 (2 injections) to $10,000.",
        ("List Bullet", "A 52-year-old woman was symptom-free after 4 infusions."),
        [["Knee", "$1,500"], ["Spine", "$10,000"]],
        "Lee KH, Park J. World J Clin Cases. 2021;9(23):6798-6803.",
        title="Stem Cell Therapy Prices",
        language="en-US",
    )

    parsed = parse_document(data, filename="clinic.docx")

    assert parsed.media_type == MediaType.DOCX
    assert (parsed.title, parsed.language) == ("Stem Cell Therapy Prices", "en-US")
    assert all(parsed.text[s.start : s.end] == s.text for s in parsed.sentences)
    assert [(s.kind, s.text) for s in parsed.sentences] == [
        (BlockKind.HEADING, "Stem Cell Therapy at RegenWell"),
        (BlockKind.HEADING, "How much does the therapy cost?"),
        (BlockKind.PARAGRAPH, "Our treatment has no side effects."),
        (BlockKind.PARAGRAPH, "Prices range from $1,500 (2 injections) to $10,000."),
        (BlockKind.LIST_ITEM, "A 52-year-old woman was symptom-free after 4 infusions."),
        (BlockKind.TABLE_ROW, "Knee | $1,500"),
        (BlockKind.TABLE_ROW, "Spine | $10,000"),
        (BlockKind.REFERENCE, "Lee KH, Park J. World J Clin Cases. 2021;9(23):6798-6803."),
    ]
