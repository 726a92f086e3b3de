"""Plain-text extraction: one block per non-empty line; headings, list items and table rows
recognised by their shape."""

import pytest

from claims.ingest.formats.plain_text import extract_text, line_kind, text_blocks
from claims.ingest.pipeline import parse_document
from claims.ingest.types import Block, BlockKind

H, P, LI, ROW = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_ROW


def test_it_makes_each_non_empty_line_a_block():
    text = "Is it safe?\n\n   \nYes, it is safe.\r\nBook now!"
    assert [b.text for b in text_blocks(text)] == ["Is it safe?", "Yes, it is safe.", "Book now!"]


@pytest.mark.parametrize(
    "line",
    [
        "- Multiple sclerosis",
        "• Autism",
        "– Heart failure",
        "1. Free consultation",
        "2) Review of records",
        "(3) Arrival",
        "b) Follow-up",
        "1️⃣ Free online consultation",
        "3\u20e3 Arrival",
        "#️⃣ Hashtag offers",
        "✅ No side effects",
        "✔ Natural",
        "☑ Painless",
        "👉 Book today",
        "🤔 Not sure yet?",
        "🧴 Our own lotion",
        "💊 No pills",
        "▶ Watch the video",
        "⏯️ Play the story",
        "➡️ Next step",
        "🔹 Blue diamond",
        "👩‍⚕️ Nurses on call",
        "👍🏽 Loved by patients",
        "🇨🇷 Costa Rica clinic",
        "✅✅ Twice as good",
        "  - indented bullet",
    ],
)
def test_it_recognises_list_markers_including_any_emoji_or_symbol_bullet(line):
    assert line_kind(line) == LI


@pytest.mark.parametrize(
    "line",
    [
        "-5% on every order",  # no space after the dash
        "2022 was our best year.",
        "1.5 million cells per dose.",
        "Dr. Lee treats knees.",
        "— Graham T., Leeds",
        "Prices from $1,500.",
        "© 2024 NovaStem Clinic.",
        "™ marks are ours.",
        "✅No space after the check mark",
        "* Prices exclude flights.",  # an asterisk on its own marks a footnote
    ],
)
def test_it_leaves_ordinary_lines_as_paragraphs(line):
    assert line_kind(line) == P


def test_asterisks_in_a_run_are_list_items_and_a_lone_one_is_a_footnote():
    text = "Why us\n* Heart failure\n* Autism\nPrices from $1,500*.\n* Excludes flights."
    assert [b.kind for b in text_blocks(text)] == [H, LI, LI, P, P]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("How much does the therapy cost?\nPrices start at $1,500.", [H, P]),
        ("Why patients choose us\nWe have treated 4,000 patients since 2012.", [H, P]),
        ("What can stem cells treat?\n✅ Knees\n✅ Hips", [H, LI, LI]),
        ("Our prices\nPackage | Cells | Price\nStarter | 2 | $49", [H, ROW, ROW]),
        ("References\n- Lee KH. Knees. 2021;9:1-9.", [H, LI]),
        ("References", [H]),
        ("Stem Cell Therapy for Knee Pain\nWhat can stem cells treat?\nMost joints.", [H, H, P]),
        # A short line followed by a shorter one is no heading: a call to action and a number.
        ("Book a free consultation\nCall +1 555 0199", [P, P]),
        # A line ending in a period, a comma or a colon is text, however short.
        ("It works.\nWe have treated 4,000 patients since 2012.", [P, P]),
        ("Here are some examples:\n- Knees", [P, LI]),
        # The last line introduces nothing.
        ("We treat knees.\nBook a free consultation", [P, P]),
        # Bylines and advisor lines keep their kind, as in the HTML.
        (
            "Dr. Lina Ferreira\nMedical Advisor, Renewa Clinic doctor\nOur knees are fine.",
            [P, P, P],
        ),
        ("By the VitaCell Labs Wellness Team\nYour body has stem cells.", [P, P]),
        ("Updated March 2024\nYour body has stem cells.", [P, P]),
        ("Lina Ferreira, MD\nYour body has stem cells.", [P, P]),
        # Long lines, lines opening in lower case, and hard-wrapped paragraphs are text.
        (
            "Stem cells from your own fat tissue are injected into the joint where they\n"
            "repair the cartilage.",
            [P, P],
        ),
        ("our story\nWe opened in 2012.", [P, P]),
    ],
)
def test_it_tells_headings_from_their_shape_and_what_follows(text, kinds):
    assert [block.kind for block in text_blocks(text)] == kinds


def test_it_rebuilds_pipe_separated_rows_from_their_cells():
    text = (
        "Package | Injections | Price\n"
        "Essential|2|$9,500.00\n"
        "| Premium | 6 | |\n"
        "|---|---|---|\n"
        "Starter | | $49 |\n"
        "| | |\n"
        "A | b"
    )
    assert text_blocks(text) == [
        Block(ROW, "Package | Injections | Price"),
        Block(ROW, "Essential | 2 | $9,500.00"),
        Block(ROW, "Premium | 6 |"),
        Block(ROW, "Starter | | $49 |"),
        Block(P, "A | b"),
    ]


def test_it_decodes_windows_1252_files():
    data = "Costs €7,000 – “all inclusive”.\n".encode("cp1252")
    assert extract_text(data).blocks == [Block(P, "Costs €7,000 – “all inclusive”.")]


def test_list_items_lose_their_drawn_marker_and_keep_their_emoji_with_exact_offsets():
    text = (
        "What do we treat?\n"
        "- Multiple sclerosis\n"
        "• Autism\n"
        "3. Heart failure\n"
        "✅ No side effects\n"
        "- ✅ No surgery\n"
        "👉 Book today!\n"
    )
    parsed = parse_document(text.encode(), filename="page.txt")
    assert [(s.kind, s.text) for s in parsed.sentences] == [
        (H, "What do we treat?"),
        (LI, "Multiple sclerosis"),
        (LI, "Autism"),
        (LI, "Heart failure"),
        (LI, "✅ No side effects"),
        (LI, "✅ No surgery"),
        (LI, "👉 Book today!"),
    ]
    assert "- " not in parsed.text and "•" not in parsed.text
    assert all(parsed.text[s.start : s.end] == s.text for s in parsed.sentences)


def test_a_clinic_page_as_plain_text_has_its_headings_lists_and_rows():
    text = (
        "Advanced Stem Cell Therapy Without Borders\n"
        "Our clinic is regulated by local health authorities.\n"
        "What conditions do you treat?\n"
        "We treat more than 40 conditions.\n"
        "- Multiple sclerosis: halts progression\n"
        "- Autism: improved speech\n"
        "How much does it cost?\n"
        "Package | Injections | Price\n"
        "Essential | 2 | $9,500.00\n"
        "*Prices are estimates only.\n"
        "Dr. Rafael Quintero-Ames, Medical Director\n"
        "References\n"
        "Quintero-Ames R. Our experience. NovaClinic White Paper. 2022. https://nova.example.org\n"
    )
    parsed = parse_document(text.encode(), filename="page.txt")
    assert [s.kind for s in parsed.sentences] == [
        H, P, H, P, LI, LI, H, ROW, ROW, P, P, H, BlockKind.REFERENCE,
    ]  # fmt: skip
