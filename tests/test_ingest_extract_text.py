"""Plain-text extraction: one block per non-empty line, bullets and pipe rows recognised."""

import pytest

from claims.ingest.formats.plain_text import extract_text, line_kind, text_blocks
from claims.ingest.types import Block, BlockKind


def test_it_makes_each_non_empty_line_a_block():
    text = "Is it safe?\n\n   \nYes, it is safe.\r\nBook now!"
    assert [b.text for b in text_blocks(text)] == ["Is it safe?", "Yes, it is safe.", "Book now!"]


@pytest.mark.parametrize(
    "line",
    [
        "- Multiple sclerosis",
        "* Heart failure",
        "• Autism",
        "1. Free consultation",
        "2) Review of records",
        "1️⃣ Free online consultation",
        "3\u20e3 Arrival",
        "✅ No side effects",
        "👉 Book today",
        "  - indented bullet",
    ],
)
def test_it_recognises_list_markers(line):
    assert line_kind(line) == BlockKind.LIST_ITEM


@pytest.mark.parametrize(
    "line",
    [
        "-5% on every order",  # no space after the dash
        "2022 was our best year.",
        "Dr. Lee treats knees.",
        "— Graham T., Leeds",
        "Prices from $1,500.",
    ],
)
def test_it_leaves_ordinary_lines_as_paragraphs(line):
    assert line_kind(line) == BlockKind.PARAGRAPH


def test_it_recognises_pipe_separated_table_rows():
    assert text_blocks("Package | Injections | Price\nEssential | 2 | $9,500.00\nA | b") == [
        Block(BlockKind.TABLE_ROW, "Package | Injections | Price"),
        Block(BlockKind.TABLE_ROW, "Essential | 2 | $9,500.00"),
        Block(BlockKind.PARAGRAPH, "A | b"),
    ]


def test_it_decodes_windows_1252_files():
    data = "Costs €7,000 – “all inclusive”.\n".encode("cp1252")
    assert extract_text(data).blocks == [
        Block(BlockKind.PARAGRAPH, "Costs €7,000 – “all inclusive”.")
    ]
