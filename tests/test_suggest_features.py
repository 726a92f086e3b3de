"""Sentence contexts and the rule markers the suggester's features are made of."""

import pytest

from claims.suggest.features import (
    SentenceIn,
    char_features,
    contexts_for,
    evidence_in,
    looks_like_reference,
    rule_features,
    tokens,
    word_features,
)
from tests.test_prices import FORMS as PRICE_FORMS

ARTICLE = [
    SentenceIn("Knee pain, solved", "heading", 0),
    SentenceIn("Our cells rebuild cartilage.", "paragraph", 1),
    SentenceIn("Most patients walk the next day.", "paragraph", 1),
    SentenceIn("It takes one hour.", "paragraph", 1),
    SentenceIn("No downtime", "list_item", 2),
    SentenceIn("References", "heading", 3),
    SentenceIn("Smith J. Knees and cells. Cartilage Today 2020.", "paragraph", 4),
    SentenceIn("A case report of one knee.", "list_item", 5),
    SentenceIn("Book now", "heading", 6),
    SentenceIn("Call us today.", "paragraph", 7),
]


def test_it_gives_neighbours_only_within_the_block():
    contexts = contexts_for(ARTICLE)
    middle = contexts[2]
    assert (middle.previous_text, middle.next_text) == (
        "Our cells rebuild cartilage.",
        "It takes one hour.",
    )
    assert middle.block_others == ("Our cells rebuild cartilage.", "It takes one hour.")
    assert (contexts[1].previous_text, contexts[3].next_text) == ("", "")
    assert (contexts[4].previous_text, contexts[4].next_text) == ("", "")


def test_it_carries_the_nearest_heading_and_the_previous_block():
    contexts = contexts_for(ARTICLE)
    assert contexts[3].heading == "Knee pain, solved"
    assert contexts[4].previous_block == "It takes one hour."
    assert contexts[1].previous_block == ""  # the block before is a heading
    assert contexts[0].heading == ""


def test_it_marks_the_references_section_until_the_next_heading():
    contexts = contexts_for(ARTICLE)
    assert [c.in_references for c in contexts] == [
        False,
        False,
        False,
        False,
        False,
        False,
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    "heading", ["References", "Sources:", "Bibliography", "Citations", "📚 Scientific references"]
)
def test_it_knows_reference_headings(heading):
    contexts = contexts_for(
        [SentenceIn(heading, "heading", 0), SentenceIn("Entry.", "list_item", 1)]
    )
    assert contexts[1].in_references


@pytest.mark.parametrize("heading", ["Sources of stem cells", "Where do the cells come from?"])
def test_it_does_not_take_topic_headings_for_reference_headings(heading):
    contexts = contexts_for(
        [SentenceIn(heading, "heading", 0), SentenceIn("Entry.", "list_item", 1)]
    )
    assert not contexts[1].in_references


@pytest.mark.parametrize(
    "entry",
    [
        "Lee KH, Park J, Kim S. Cells in knees. World J Clin Cases. 2021 Aug 16;9(23):6798-6803.",
        "Okafor N, et al. A case report of cord blood in autism. Regen Med. 2019.",
        "doi.org/10.1234/abcd.5678",
        "3. Smith AB, Jones CD. Stem Cells Transl Med. 2018;13(4):401-412.",
    ],
)
def test_it_knows_a_reference_entry_by_its_shape_anywhere(entry):
    assert looks_like_reference(entry)
    (context,) = contexts_for([SentenceIn(entry, "paragraph", 0)])
    assert context.in_references


@pytest.mark.parametrize(
    "sentence",
    [
        "A 52-year-old woman was symptom-free after 4 infusions.",
        "Dr. Lee leads our team of 12 doctors.",
        "Our clinic opened in 2012 in Cancún.",
    ],
)
def test_it_does_not_take_sentences_for_reference_entries(sentence):
    assert not looks_like_reference(sentence)


def markers(text: str) -> dict[str, str]:
    return evidence_in(text).found


@pytest.mark.parametrize(
    ("text", "marker", "matched"),
    [
        ("Her knee was fully restored.", "absolute", "fully"),
        ("Our serum has no side effects.", "absolute", "no side effects"),
        ("Stem cells target the root cause.", "absolute", "root cause"),
        ("The world’s only clinic offering this.", "superlative", "world’s only"),
        ("It may help with joint pain.", "hedge", "may"),
        ("Our cells rebuild cartilage in weeks.", "efficacy", "rebuild cartilage"),
        ("A 52-year-old woman walked again.", "age", "52-year-old"),
        ("In one case study, pain fell.", "case_study", "In one case study"),
        ("One patient regained her sight.", "a_patient", "One patient"),
        ("9 of 12 patients improved.", "small_n", "9 of 12"),
        ("I could finally sleep through the night.", "first_person", "I"),
        ("Smith et al. treated three patients.", "treated_n", "treated three patients"),
        ("A randomised trial is under way [3].", "citation_mark", "[3]"),
        ("Studies show it works.", "generic_appeal", "Studies show"),
        ("It is far cheaper than at home.", "price_word", "cheaper"),
        ("Ask about financing.", "price_word", "financing"),
        ("Insurance does not cover it.", "price_word", "Insurance"),
        ("Pay $99 per month.", "price_amount", "$99 per month"),
        ("It costs a fraction of US prices.", "price_word", "costs"),
        ("Between €7,000 and €31,000*.", "price_range", "Between €7,000 and €31,000"),
        ("Book a free consultation.", "free_offer", "free consultation"),
        ("How much does it cost?", "question", "?"),
        ("Not a guaranteed cure.", "caveat", "Not a guaranteed"),
    ],
)
def test_a_marker_fires_and_quotes_what_it_matched(text, marker, matched):
    assert markers(text)[marker] == matched


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("We secure your booking.", "absolute"),  # "cure" inside a word
        ("The treatment takes an hour.", "efficacy"),  # the noun, not "treats"
        ("Our team has 20 years of experience.", "age"),
        ("We treat patients from 30 countries.", "small_n"),
        ("Book a free consultation.", "price_word"),
        ("Three sessions are needed.", "price_amount"),
        ("Lose 20 pounds in a month.", "price_amount"),
        ("Is it a cure?", "citation"),
    ],
)
def test_a_marker_does_not_fire_where_it_should_not(text, marker):
    assert marker not in markers(text)


def test_a_question_heading_reads_as_a_question_heading():
    (context,) = contexts_for([SentenceIn("Can stem cells cure arthritis?", "heading", 0)])
    names = rule_features(context)
    assert {"r:question", "k:heading", "x:question&heading"} <= set(names)
    assert "x:claim&no_evidence" not in names


def test_a_reference_entry_with_case_in_it_reads_as_a_reference():
    entry = "Kim S, et al. A case report of knee regrowth. World J Clin Cases. 2021;9(2):1-5."
    (context,) = contexts_for([SentenceIn(entry, "paragraph", 0)])
    names = set(rule_features(context))
    assert {"r:reference_shape", "r:in_references", "r:citation", "r:locator"} <= names


def test_a_claim_without_evidence_in_its_paragraph_is_marked_so():
    contexts = contexts_for(
        [
            SentenceIn("Our cells rebuild cartilage.", "paragraph", 0),
            SentenceIn("They repair tendons.", "paragraph", 1),
            SentenceIn("A randomised trial found less pain [4].", "paragraph", 1),
        ]
    )
    assert "x:claim&no_evidence" in rule_features(contexts[0])
    assert "x:claim&evidence" in rule_features(contexts[1])


def test_a_story_continues_into_the_next_sentence():
    contexts = contexts_for(
        [
            SentenceIn("A 61-year-old man came to us in a wheelchair.", "paragraph", 0),
            SentenceIn("After two infusions he walked out.", "paragraph", 0),
        ]
    )
    names = rule_features(contexts[1])
    assert "x:story_continues" in names and "p:age" in names


def test_words_and_characters_are_lower_case_with_digits_folded():
    words = tokens("Only $4,500 — “Best” price!")
    assert words == ["only", "$", "0", "000", "best", "price", "!"]
    assert word_features(["stem", "cells", "work"], ngrams=(1, 2)) == [
        "w:stem",
        "w:cells",
        "w:work",
        "w:stem cells",
        "w:cells work",
    ]
    assert char_features("cell", ngrams=(4, 5)) == (
        "c: cel",
        "c:cell",
        "c:ell ",
        "c: cell",
        "c:cell ",
    )


@pytest.mark.parametrize(
    "sentence", [form.values[0] for form in PRICE_FORMS if form.values[1]], ids=str
)
def test_every_sentence_the_price_reader_finds_a_price_in_has_a_price_marker(sentence):
    # The markers skip price parsing on sentences with no currency cue: never on these.
    assert "price_amount" in evidence_in(sentence).found
