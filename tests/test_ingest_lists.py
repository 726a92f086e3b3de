"""List markers written into the text: drawn ones go, written ones (emoji) stay, in any format."""

import pytest

from claims.ingest.lists import blocks_with_list_items, list_item_text
from claims.ingest.types import Block, BlockKind

H, P, LI, Q = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE

# (id, block text, the item's text or None when it is no list item)
ITEM_CASES: list[tuple[str, str, str | None]] = [
    ("dash", "- Knees", "Knees"),
    ("asterisk", "* Knees", "Knees"),
    ("plus", "+ Knees", "Knees"),
    ("bullet", "• Knees", "Knees"),
    ("white_bullet", "◦ Knees", "Knees"),
    ("square_bullet", "▪ Knees", "Knees"),
    ("black_circle", "● Knees", "Knees"),
    ("en_dash", "– Knees", "Knees"),
    ("word_symbol_font_bullet", "\uf0b7 Knees", "Knees"),
    ("number_period", "12. Knees", "Knees"),
    ("number_bracket", "3) Knees", "Knees"),
    ("number_in_brackets", "(3) Knees", "Knees"),
    ("letter_bracket", "b) Knees", "Knees"),
    ("several_spaces", "-   Knees", "Knees"),
    ("dash_then_emoji", "- ✅ Knees", "✅ Knees"),
    ("check_mark", "✅ Knees", "✅ Knees"),
    ("heavy_check", "✔️ Knees", "✔️ Knees"),
    ("pointing_hand_with_skin_tone", "👉🏾 Knees", "👉🏾 Knees"),
    ("keycap", "2️⃣ Knees", "2️⃣ Knees"),
    ("keycap_without_selector", "2\u20e3 Knees", "2\u20e3 Knees"),
    ("thinking_face", "🤔 Knees?", "🤔 Knees?"),
    ("lotion", "🧴 Knees", "🧴 Knees"),
    ("pill", "💊 Knees", "💊 Knees"),
    ("play_sign", "▶️ Knees", "▶️ Knees"),
    ("star", "⭐ Knees", "⭐ Knees"),
    ("arrow", "→ Knees", "→ Knees"),
    ("flag", "🇬🇧 Knees", "🇬🇧 Knees"),
    ("zwj_sequence", "👩‍⚕️ Knees", "👩‍⚕️ Knees"),
    ("no_space_after_dash", "-5% off", None),
    ("no_space_after_emoji", "✅Knees", None),
    ("decimal", "1.5 million cells", None),
    ("year", "2024. A good year", None),
    ("em_dash_attribution", "— Maria, 52", None),
    ("copyright", "© 2024 Clinic", None),
    ("trade_mark", "™ Ours", None),
    ("capital_letter_item", "A) Knees", None),
    ("marker_alone", "-", None),
    ("plain_words", "Knees hurt.", None),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in ITEM_CASES],
    ids=[case_id for case_id, _, _ in ITEM_CASES],
)
def test_it_finds_the_item_text_after_a_marker(text: str, expected: str | None) -> None:
    assert list_item_text(text) == expected


def test_paragraphs_with_a_typed_marker_become_list_items_in_any_format() -> None:
    blocks = [
        Block(P, "• No surgery"),
        Block(P, "👉 Book today"),
        Block(LI, "- Typed inside an <li>"),
        Block(LI, "Knees"),
        Block(P, "Knees hurt."),
    ]
    assert blocks_with_list_items(blocks) == [
        Block(LI, "No surgery"),
        Block(LI, "👉 Book today"),
        Block(LI, "Typed inside an <li>"),
        Block(LI, "Knees"),
        Block(P, "Knees hurt."),
    ]


def test_headings_quotes_rows_and_captions_keep_their_text() -> None:
    blocks = [
        Block(H, "1. Introduction"),
        Block(Q, "- Maria, 52"),
        Block(BlockKind.TABLE_ROW, "- | $1,500 |"),
        Block(BlockKind.CAPTION, "• The lab"),
    ]
    assert blocks_with_list_items(blocks) == blocks


def test_an_asterisk_is_a_marker_only_next_to_another_one() -> None:
    blocks = [
        Block(P, "Prices from $1,500*."),
        Block(P, "* Excludes flights."),
        Block(H, "Why us"),
        Block(P, "* Heart failure"),
        Block(P, "* Autism"),
    ]
    assert blocks_with_list_items(blocks) == [
        Block(P, "Prices from $1,500*."),
        Block(P, "* Excludes flights."),
        Block(H, "Why us"),
        Block(LI, "Heart failure"),
        Block(LI, "Autism"),
    ]
