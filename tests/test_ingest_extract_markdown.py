"""Markdown extraction: markup stripped, structure kept as blocks."""

from claims.ingest.formats.markdown import markdown_blocks
from claims.ingest.types import Block, BlockKind

H, P, LI, Q, ROW = (
    BlockKind.HEADING,
    BlockKind.PARAGRAPH,
    BlockKind.LIST_ITEM,
    BlockKind.QUOTE,
    BlockKind.TABLE_ROW,
)


def test_it_strips_emphasis_links_and_code_but_keeps_their_text():
    blocks = markdown_blocks(
        "# Knee *therapy*\n\n**Book** a [free consultation](https://x.example.com) with `Dr. Lee`."
    )
    assert blocks == [
        Block(H, "Knee therapy"),
        Block(P, "Book a free consultation with Dr. Lee."),
    ]


def test_it_drops_image_placeholders():
    blocks = markdown_blocks("Intro text.\n\n![faq image]()\n\nAfter the image.")
    assert [b.text for b in blocks] == ["Intro text.", "", "After the image."]


def test_it_makes_bullets_and_numbered_faq_items_list_items():
    blocks = markdown_blocks(
        "- ✅ No side effects\n- 👉 Results in days\n\n1. Is it safe?\n2. Does it hurt?\n"
    )
    assert blocks == [
        Block(LI, "✅ No side effects"),
        Block(LI, "👉 Results in days"),
        Block(LI, "Is it safe?"),
        Block(LI, "Does it hurt?"),
    ]


def test_it_keeps_nested_list_items_as_their_own_blocks():
    blocks = markdown_blocks("- Joints\n  - Knees\n  - Hips\n- Skin\n")
    assert [(b.kind, b.text) for b in blocks] == [
        (LI, "Joints"),
        (LI, "Knees"),
        (LI, "Hips"),
        (LI, "Skin"),
    ]


def test_it_marks_quotes_and_flattens_tables():
    blocks = markdown_blocks(
        "> “My pain was gone.” — Graham T.\n\n"
        "| Package | Price |\n|---|---|\n| Starter | £49 |\n| Premium | £219 |\n"
    )
    assert blocks == [
        Block(Q, "“My pain was gone.” — Graham T."),
        Block(ROW, "Package | Price"),
        Block(ROW, "Starter | £49"),
        Block(ROW, "Premium | £219"),
    ]


def test_it_joins_soft_wrapped_lines_of_a_paragraph():
    blocks = markdown_blocks("Our cells turn into\nnew cartilage\nwithin weeks.")
    assert blocks == [Block(P, "Our cells turn into new cartilage within weeks.")]


def test_it_keeps_the_text_of_raw_html_blocks_but_never_scripts():
    blocks = markdown_blocks("<div>\nOffer ends <b>Sunday</b>.\n<script>steal()</script>\n</div>\n")
    assert len(blocks) == 1
    assert "Offer ends Sunday." in blocks[0].text
    assert "steal" not in blocks[0].text


def test_it_reads_setext_headings():
    assert markdown_blocks("Prices\n======\n\nFrom $1,500.") == [
        Block(H, "Prices"),
        Block(P, "From $1,500."),
    ]


def test_lines_of_a_paragraph_that_open_with_a_marker_are_list_items():
    blocks = markdown_blocks("Benefits:\n✅ No downtime\n✅ No surgery\n\n👉 Book today\n")
    assert blocks == [
        Block(P, "Benefits:"),
        Block(LI, "✅ No downtime"),
        Block(LI, "✅ No surgery"),
        Block(P, "👉 Book today"),  # a one-line paragraph: the pipeline makes it an item
    ]


def test_table_rows_keep_their_empty_cells_in_place():
    blocks = markdown_blocks(
        "| Package | Price | Notes |\n|---|---|---|\n| Starter | £49 | |\n| | | |\n"
    )
    assert blocks == [Block(ROW, "Package | Price | Notes"), Block(ROW, "Starter | £49 | ")]
