"""Canonical block text: what normalising keeps, removes and collapses."""

import re
import string
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from claims.ingest.normalise import normalise_blocks, normalise_text
from claims.ingest.types import Block, BlockKind

WOMAN_HEALTH_WORKER = "👩\u200d⚕\ufe0f"
RAINBOW_FLAG = "🏳\ufe0f\u200d🌈"
NURSE_MEDIUM_SKIN = "👩🏽\u200d⚕\ufe0f"

# (id, raw block text, canonical text)
NORMALISE_CASES: list[tuple[str, str, str]] = [
    ("plain_text_unchanged", "Book a free consultation.", "Book a free consultation."),
    ("decomposed_accent_composed", "Cafe\u0301 clinic", "Café clinic"),
    ("no_break_space", "$1,500\u00a0per injection", "$1,500 per injection"),
    ("narrow_no_break_space", "40\u202f% better", "40 % better"),
    ("figure_space", "from\u20071,500", "from 1,500"),
    ("zero_width_space", "stem\u200bcell", "stemcell"),
    ("zero_width_non_joiner", "thera\u200cpy", "therapy"),
    ("word_joiner", "no\u2060risk", "norisk"),
    ("byte_order_mark", "\ufeffHow much does it cost?", "How much does it cost?"),
    ("soft_hyphen", "regen\u00aderative", "regenerative"),
    ("stray_zero_width_joiner", "safe\u200d and natural", "safe and natural"),
    ("zwj_between_letter_and_emoji", "a\u200d👩", "a👩"),
    (
        "zwj_health_worker_kept",
        f"{WOMAN_HEALTH_WORKER} Our nurses",
        f"{WOMAN_HEALTH_WORKER} Our nurses",
    ),
    ("zwj_flag_after_variation_selector_kept", f"Pride {RAINBOW_FLAG}", f"Pride {RAINBOW_FLAG}"),
    ("zwj_after_skin_tone_kept", NURSE_MEDIUM_SKIN, NURSE_MEDIUM_SKIN),
    ("keycap_digit_kept", "1\ufe0f\u20e3 Book a call", "1\ufe0f\u20e3 Book a call"),
    ("newline_inside_block", "No side\neffects", "No side effects"),
    ("windows_line_endings", "Call now.\r\nBook today.", "Call now. Book today."),
    ("tab", "Knee\t$1,500", "Knee $1,500"),
    ("double_space_from_filter", "the  therapy", "the therapy"),
    ("gap_left_in_brackets", "adults (  ) only", "adults ( ) only"),
    ("leading_and_trailing_space", "  Why choose us \n", "Why choose us"),
    ("line_separator", "one\u2028two", "one two"),
    ("nul_removed", "cle\x00an", "clean"),
    ("bell_and_delete_removed", "a\x07b\x7fc", "abc"),
    ("curly_quotes_kept", "“It works,” she said. It’s true.", "“It works,” she said. It’s true."),
    ("straight_quotes_kept", "\"Safe\" and 'natural'", "\"Safe\" and 'natural'"),
    ("ellipsis_character_kept", "Wait…", "Wait…"),
    ("emoji_kept", "✅ 👉 💪", "✅ 👉 💪"),
    ("ideographic_space", "stem\u3000cells", "stem cells"),
    ("space_after_removed_soft_hyphen", "a \u00ad b", "a b"),
    ("only_invisible_characters", "\u200b\ufeff\u00ad", ""),
    ("only_whitespace", " \n\t\u00a0", ""),
    ("lone_surrogate_removed", "ok\ud800ay", "okay"),
    ("soft_hyphen_between_letter_and_accent", "e\u00ad\u0301", "é"),
    # Scraping leftovers: Markdown images and links with no text.
    ("image_placeholder_alone", "![image]()", ""),
    (
        "image_placeholder_before_text",
        "![faq image]() How long does it last?",
        "How long does it last?",
    ),
    ("image_with_target", "See the lab ![](/img/lab.jpg) today.", "See the lab today."),
    ("image_glued_between_words", "Learn more![image]()Stem cells", "Learn more Stem cells"),
    ("empty_link", "Follow us [](https://social.example.com/clinic) now", "Follow us now"),
    ("two_placeholders", "![a]()![b]() Book now", "Book now"),
    ("placeholder_inside_alt_text", "![x ![y]() ](z) Done.", "Done."),
    # ... and what only looks like one stays.
    (
        "link_with_text_kept",
        "[Book now](https://x.example.com)",
        "[Book now](https://x.example.com)",
    ),
    ("numbered_citation_kept", "Pain fell [1](2).", "Pain fell [1](2)."),
    ("brackets_and_price_kept", "Prices [from] ($1,500)", "Prices [from] ($1,500)"),
    ("escaped_image_kept", "Write \\![alt]() to show one", "Write \\![alt]() to show one"),
    ("double_bang_kept", "Wow!![x]()", "Wow!![x]()"),
    ("target_with_space_kept", "![x](a b)", "![x](a b)"),
    ("empty_brackets_kept", "adults [] () only", "adults [] () only"),
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(raw, expected) for _, raw, expected in NORMALISE_CASES],
    ids=[case_id for case_id, _, _ in NORMALISE_CASES],
)
def test_it_normalises_block_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    "raw", [raw for _, raw, _ in NORMALISE_CASES], ids=[i for i, _, _ in NORMALISE_CASES]
)
def test_normalising_twice_changes_nothing(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once


def test_the_output_is_in_nfc() -> None:
    text = normalise_text("Ame\u0301lie\u00a0Dupont, Ph.D.")
    assert unicodedata.is_normalized("NFC", text)


def test_it_keeps_block_kinds_and_order() -> None:
    blocks = [
        Block(BlockKind.HEADING, " How much?\n"),
        Block(BlockKind.TABLE_ROW, "Knee |\u00a0$1,500"),
    ]
    assert normalise_blocks(blocks) == [
        Block(BlockKind.HEADING, "How much?"),
        Block(BlockKind.TABLE_ROW, "Knee | $1,500"),
    ]


def test_it_drops_blocks_that_become_empty() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, "\u200b \n"),
        Block(BlockKind.LIST_ITEM, "✅ No surgery"),
        Block(BlockKind.CAPTION, ""),
    ]
    assert normalise_blocks(blocks) == [Block(BlockKind.LIST_ITEM, "✅ No surgery")]


def test_it_returns_an_empty_list_for_no_blocks() -> None:
    assert normalise_blocks([]) == []


# Anything that could be read as a placeholder: "![" ... "](" or "[](".
_PLACEHOLDER_SHAPE = re.compile(r"!\[[^\[\]]*\]\(|\[\]\(")


@given(st.text(alphabet=string.printable + "✅👉…“”’€ ", max_size=80))
def test_text_with_no_placeholder_only_has_its_whitespace_collapsed(raw: str) -> None:
    # Nothing but the leftovers is dropped: no other visible character goes.
    assume(not _PLACEHOLDER_SHAPE.search(raw))
    assert normalise_text(raw) == " ".join(raw.split())
