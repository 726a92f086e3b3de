"""Properties that hold for any input: stable normalising and exact, complete sentence offsets."""

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from claims.ingest.normalise import normalise_text
from claims.ingest.segment import BLOCK_SEPARATOR, segment_blocks
from claims.ingest.types import Block, BlockKind, SentenceSpan

# Pieces that make segmentation and offsets hard: abbreviations, numbers, links, quotes,
# emoji sequences, invisible and non-breaking characters, and combining accents.
TRICKY_PIECES = [
    "Dr.", "et al.", "e.g.", "No. 5", "Fig. 2", "$1,500.00", "€7.000,50", "2.5k", "40.5%",
    "9(23):6798-6803", "doi.org/10.1234/abcd.5678", "https://example.org/a.b?c=d.e",
    "care@clinic-example.com", "Lee KH, Park J.", "J. Smith", "World J Clin Cases.",
    "It works.", "Book now!", "Is it safe?", "Yes.", "?!", "...", "…", "“for good.”", "’",
    "( )", "✅", "👉", "1\ufe0f\u20e3", "👩\u200d⚕\ufe0f", "💪.", "3.", "—", "|", "*",
    " ", "  ", "\n", "\t", "\u00a0", "\u202f", "\u200b", "\u200d", "\ufeff", "\u00ad",
    "e\u0301", "\u0301", "x", "The", "cells", "2021", ".", "!", "?", "\x00",
    "![faq image]()", "![", "](", "[]", "()", "- ", "• ", "1. ", "References",
    "Example Clinic. (2024).", "https://x.example.org/a", "[2] ",
]  # fmt: skip

tricky_text = st.lists(st.sampled_from(TRICKY_PIECES), max_size=30).map("".join)
any_text = st.one_of(tricky_text, st.text(max_size=60))
blocks = st.lists(st.builds(Block, st.sampled_from(list(BlockKind)), any_text), max_size=8)


def _assert_spans_are_exact_and_complete(text: str, spans: list[SentenceSpan]) -> None:
    previous_end = 0
    covered = set()
    for index, span in enumerate(spans):
        assert span.index == index
        assert previous_end <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
        assert BLOCK_SEPARATOR not in span.text
        covered.update(range(span.start, span.end))
        previous_end = span.end
    uncovered = [i for i, char in enumerate(text) if not char.isspace() and i not in covered]
    assert uncovered == []


@given(any_text)
@example("e\u00ad\u0301")
@example("👩\u200d\u200b⚕\ufe0f")
def test_normalising_is_idempotent(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once


@given(any_text)
def test_normalised_text_is_nfc_with_single_spaces_and_no_edges(raw: str) -> None:
    text = normalise_text(raw)
    assert unicodedata.is_normalized("NFC", text)
    assert text == text.strip()
    assert "  " not in text
    assert all(char == " " for char in text if char.isspace())


@given(blocks)
@example([Block(BlockKind.PARAGRAPH, "Dr. Lee. Dr. Lee. Dr. Lee.")])
@example([Block(BlockKind.LIST_ITEM, "👩\u200d⚕\ufe0f Safe. 1\ufe0f\u20e3 Fast. 💪.")])
@example([Block(BlockKind.PARAGRAPH, "Is it safe?! Yes... “Sure.” — Dr. Lee")])
def test_sentences_are_ordered_exact_and_cover_every_visible_character(
    sample: list[Block],
) -> None:
    text, spans = segment_blocks(sample)
    _assert_spans_are_exact_and_complete(text, spans)


@given(blocks)
def test_the_text_is_the_normalised_blocks_joined_by_a_blank_line(sample: list[Block]) -> None:
    text, _ = segment_blocks(sample)
    expected = [normalise_text(block.text) for block in sample]
    assert text == BLOCK_SEPARATOR.join(block for block in expected if block)


@given(blocks)
def test_every_sentence_stays_inside_one_block_and_takes_its_kind(sample: list[Block]) -> None:
    _, spans = segment_blocks(sample)
    block_ranges = []
    start = 0
    for block in sample:
        normalised = normalise_text(block.text)
        if normalised:
            block_ranges.append((start, start + len(normalised), block.kind))
            start += len(normalised) + len(BLOCK_SEPARATOR)
    for span in spans:
        assert any(
            low <= span.start and span.end <= high and span.kind == kind
            for low, high, kind in block_ranges
        )


@given(blocks)
def test_segmenting_its_own_output_again_gives_the_same_sentences(sample: list[Block]) -> None:
    # The blocks keep their kinds: a reference entry is split where entries end, not where
    # sentences do.
    text, spans = segment_blocks(sample)
    kinds = [block.kind for block in sample if normalise_text(block.text)]
    parts = text.split(BLOCK_SEPARATOR) if text else []
    again = [Block(kind, part) for kind, part in zip(kinds, parts, strict=True)]
    assert [s.text for s in segment_blocks(again)[1]] == [s.text for s in spans]


def test_offsets_after_emoji_count_code_points_not_utf16_units() -> None:
    text, spans = segment_blocks([Block(BlockKind.PARAGRAPH, "💪 Strong. 👉 Book now.")])
    assert [(s.start, s.end) for s in spans] == [(0, 9), (10, 21)]
    assert text[10] == "👉"


def test_it_handles_a_long_block_without_spaces() -> None:
    text, spans = segment_blocks([Block(BlockKind.PARAGRAPH, "a." * 50_000)])
    assert [s.text for s in spans] == [text]
