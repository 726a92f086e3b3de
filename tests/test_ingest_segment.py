"""Sentence splitting of clinic-marketing blocks: a table of tricky cases plus offset checks."""

import blingfire
import pytest

from claims.ingest.segment import segment_blocks
from claims.ingest.types import Block, BlockKind

# (id, block text, expected sentences). Written for these tests in the style of clinic pages;
# bench/segmenters.py scores pysbd and blingfire on the same table.
SEGMENT_CASES: list[tuple[str, str, list[str]]] = [
    # Plain boundaries that must split.
    ("two_statements", "It works. Book now!", ["It works.", "Book now!"]),
    ("question_then_answer", "Is it safe? Yes.", ["Is it safe?", "Yes."]),
    ("no_final_punctuation", "Book a free consultation", ["Book a free consultation"]),
    ("question_heading", "How much does the therapy cost?", ["How much does the therapy cost?"]),
    ("heading_without_punctuation", "Why patients choose us", ["Why patients choose us"]),
    (
        "interrobang_ends",
        "Really?! Our patients walk again.",
        ["Really?!", "Our patients walk again."],
    ),
    ("triple_exclamation", "Act now!!! Spots are limited.", ["Act now!!!", "Spots are limited."]),
    (
        "answer_no_then_sentence",
        "Does it hurt? No. Most patients feel nothing.",
        ["Does it hurt?", "No.", "Most patients feel nothing."],
    ),
    (
        "short_sentences_in_a_row",
        "Is it safe? Yes. Wait and see.",
        ["Is it safe?", "Yes.", "Wait and see."],
    ),
    (
        "sentence_after_et_al_sentence",
        "Kim et al. saw it too. Dr. Lee agrees.",
        ["Kim et al. saw it too.", "Dr. Lee agrees."],
    ),
    (
        "two_sentences_starting_with_dr",
        "Dr. Lee agrees. Dr. Kim agrees.",
        ["Dr. Lee agrees.", "Dr. Kim agrees."],
    ),
    (
        "anecdote_then_case_study",
        "A 52-year-old woman was symptom-free after 4 infusions. In one case study, a man "
        "regained his sight.",
        [
            "A 52-year-old woman was symptom-free after 4 infusions.",
            "In one case study, a man regained his sight.",
        ],
    ),
    ("vitamin_letter_ends", "Take vitamin D. It helps.", ["Take vitamin D.", "It helps."]),
    (
        "byline_then_date",
        "Medically reviewed by Dr. Sam Okoro, MD. Updated March 2024.",
        ["Medically reviewed by Dr. Sam Okoro, MD.", "Updated March 2024."],
    ),
    # Ellipses.
    ("ellipsis_at_end", "Results may vary...", ["Results may vary..."]),
    ("unicode_ellipsis_at_end", "Your new life starts here…", ["Your new life starts here…"]),
    (
        "ellipsis_then_capital",
        "We waited... The pain was gone.",
        ["We waited...", "The pain was gone."],
    ),
    (
        "ellipsis_then_lower_case",
        "It sounds too good… but it is real.",
        ["It sounds too good… but it is real."],
    ),
    ("ellipsis_after_yes", "Yes. Wait...", ["Yes.", "Wait..."]),
    # Quotes and brackets around the end.
    (
        "curly_quote_ends_sentence",
        "“It fixed my knee for good.” Dr. Lee said it twice.",
        ["“It fixed my knee for good.”", "Dr. Lee said it twice."],
    ),
    (
        "straight_quote_ends_sentence",
        '"No more pain." That is what she told us.',
        ['"No more pain."', "That is what she told us."],
    ),
    (
        "quoted_question_ends_sentence",
        "She asked, “Does it hurt?” We said no.",
        ["She asked, “Does it hurt?”", "We said no."],
    ),
    (
        "interrobang_inside_quote",
        "They asked “Is it a cure?!” and we said yes.",
        ["They asked “Is it a cure?!” and we said yes."],
    ),
    (
        "testimonial_with_attribution",
        "“I can walk again!” — Maria, 52",
        ["“I can walk again!” — Maria, 52"],
    ),
    (
        "bracketed_sentence",
        "(Results vary by patient.) Call us today.",
        ["(Results vary by patient.)", "Call us today."],
    ),
    (
        "curly_apostrophes",
        "It’s the world’s only clinic with this protocol.",
        ["It’s the world’s only clinic with this protocol."],
    ),
    # Sentences that start with a digit or an emoji.
    (
        "starts_with_number",
        "Our clinic opened in 2009. 1,200 patients have been treated since.",
        ["Our clinic opened in 2009.", "1,200 patients have been treated since."],
    ),
    (
        "starts_with_year",
        "2023 was our best year. We treated 400 patients.",
        ["2023 was our best year.", "We treated 400 patients."],
    ),
    (
        "starts_with_decimal_percent",
        "Our success rate is high. 87.5% of patients report relief.",
        ["Our success rate is high.", "87.5% of patients report relief."],
    ),
    (
        "starts_with_check_mark",
        "No side effects. ✅ Natural and safe.",
        ["No side effects.", "✅ Natural and safe."],
    ),
    (
        "starts_with_pointing_hand",
        "Limited places. 👉 Reserve yours today!",
        ["Limited places.", "👉 Reserve yours today!"],
    ),
    (
        "keycap_digits_start_sentences",
        "1️⃣ Book a call. 2️⃣ Get your plan.",
        ["1️⃣ Book a call.", "2️⃣ Get your plan."],
    ),
    (
        "health_worker_emoji_with_zwj",
        "👩‍⚕️ Our nurses are on call around the clock.",
        ["👩‍⚕️ Our nurses are on call around the clock."],
    ),
    (
        "emoji_before_period",
        "Feel young again 💪. Call now.",
        ["Feel young again 💪.", "Call now."],
    ),
    ("emoji_without_punctuation", "Book now ✅ Limited spots", ["Book now ✅ Limited spots"]),
    (
        "check_mark_list_item",
        "✅ No downtime, no surgery, no scars",
        ["✅ No downtime, no surgery, no scars"],
    ),
    # Abbreviations that never end a sentence.
    (
        "et_al_mid_sentence",
        "Kim et al. reported a 40% gain in mobility.",
        ["Kim et al. reported a 40% gain in mobility."],
    ),
    (
        "et_al_before_year",
        "This was shown by Kim et al. in 2019.",
        ["This was shown by Kim et al. in 2019."],
    ),
    (
        "e_g_before_lower_case",
        "Many conditions, e.g. arthritis and MS, respond well.",
        ["Many conditions, e.g. arthritis and MS, respond well."],
    ),
    (
        "e_g_before_capital",
        "Chronic conditions (e.g. Parkinson’s disease) respond well.",
        ["Chronic conditions (e.g. Parkinson’s disease) respond well."],
    ),
    (
        "i_e_before_capital",
        "The cells are autologous, i.e. MSCs from your own fat.",
        ["The cells are autologous, i.e. MSCs from your own fat."],
    ),
    (
        "dr_at_start",
        "Dr. Adeyemi founded the clinic in 2011.",
        ["Dr. Adeyemi founded the clinic in 2011."],
    ),
    ("dr_mid_sentence", "Ask Dr. Lee about the protocol.", ["Ask Dr. Lee about the protocol."]),
    (
        "prof_title",
        "Our advisor, Prof. Martens, has 30 years of experience.",
        ["Our advisor, Prof. Martens, has 30 years of experience."],
    ),
    (
        "mr_and_mrs",
        "Mr. and Mrs. Osei both had the infusion.",
        ["Mr. and Mrs. Osei both had the infusion."],
    ),
    (
        "mrs_before_name",
        "Mrs. Osei felt better. Mr. Osei did too.",
        ["Mrs. Osei felt better.", "Mr. Osei did too."],
    ),
    (
        "saint_street_name",
        "The clinic is on St. Anne Street in the old town.",
        ["The clinic is on St. Anne Street in the old town."],
    ),
    (
        "versus",
        "Stem cells vs. Surgery: which is better?",
        ["Stem cells vs. Surgery: which is better?"],
    ),
    (
        "approx_before_number",
        "Recovery takes approx. 3 weeks.",
        ["Recovery takes approx. 3 weeks."],
    ),
    (
        "number_sign",
        "Our protocol No. 5 uses cord blood cells.",
        ["Our protocol No. 5 uses cord blood cells."],
    ),
    (
        "figure_number",
        "As Fig. 2 shows, pain scores fell sharply.",
        ["As Fig. 2 shows, pain scores fell sharply."],
    ),
    (
        "volume_number",
        "It appeared in Vol. 12 of a regional bulletin.",
        ["It appeared in Vol. 12 of a regional bulletin."],
    ),
    (
        "country_initialism",
        "Approved outside the U.S. for decades.",
        ["Approved outside the U.S. for decades."],
    ),
    (
        "time_of_day",
        "Open from 9 a.m. to 6 p.m. on weekdays.",
        ["Open from 9 a.m. to 6 p.m. on weekdays."],
    ),
    (
        "etc_mid_sentence",
        "Knees, hips, shoulders etc. are treated.",
        ["Knees, hips, shoulders etc. are treated."],
    ),
    (
        "degree_with_periods",
        "Our founder holds a Ph.D. in biology.",
        ["Our founder holds a Ph.D. in biology."],
    ),
    (
        "several_abbreviations_then_split",
        "Dr. Lee, Prof. Kim et al. agree. See Fig. 2.",
        ["Dr. Lee, Prof. Kim et al. agree.", "See Fig. 2."],
    ),
    (
        "abbreviation_then_real_split",
        "Dr. Lee treated her. She walked out smiling.",
        ["Dr. Lee treated her.", "She walked out smiling."],
    ),
    # Initials in names.
    (
        "initial_before_surname",
        "J. Smith leads our research team.",
        ["J. Smith leads our research team."],
    ),
    ("middle_initial", "Written by Maria T. Alvarez, RN.", ["Written by Maria T. Alvarez, RN."]),
    # Numbers and prices.
    (
        "dollar_price_with_cents",
        "A single injection costs $1,500.00 in our Miami office.",
        ["A single injection costs $1,500.00 in our Miami office."],
    ),
    (
        "euro_price_continental",
        "In Madrid the same package is €7.000,50 before tax.",
        ["In Madrid the same package is €7.000,50 before tax."],
    ),
    (
        "thousands_suffix",
        "Over 2.5k patients have trusted us.",
        ["Over 2.5k patients have trusted us."],
    ),
    (
        "decimal_percent",
        "Mobility improved by 40.5% after four infusions.",
        ["Mobility improved by 40.5% after four infusions."],
    ),
    (
        "price_range_with_brackets",
        "Prices range from $1,500 (2 injections) to $10,000.",
        ["Prices range from $1,500 (2 injections) to $10,000."],
    ),
    (
        "price_with_footnote_asterisk",
        "Treatment costs between €7,000 and €31,000*. Financing is available.",
        ["Treatment costs between €7,000 and €31,000*.", "Financing is available."],
    ),
    (
        "sentence_ends_with_price",
        "The full course costs $300,000. Financing is available.",
        ["The full course costs $300,000.", "Financing is available."],
    ),
    ("version_number", "Ask about protocol 2.0 today.", ["Ask about protocol 2.0 today."]),
    (
        "journal_locator_in_prose",
        "See World J Clin Cases 2021;9(23):6798-6803 for the case.",
        ["See World J Clin Cases 2021;9(23):6798-6803 for the case."],
    ),
    # URLs, DOIs and e-mail addresses.
    (
        "doi_org_link",
        "Read the study at doi.org/10.1234/abcd.5678 before you decide.",
        ["Read the study at doi.org/10.1234/abcd.5678 before you decide."],
    ),
    (
        "doi_prefix",
        "The trial is listed as doi:10.1016/j.stem.2020.01.002 in the registry.",
        ["The trial is listed as doi:10.1016/j.stem.2020.01.002 in the registry."],
    ),
    (
        "doi_ends_sentence",
        "Source: doi.org/10.1234/abcd.5678. Ask us for a copy.",
        ["Source: doi.org/10.1234/abcd.5678.", "Ask us for a copy."],
    ),
    (
        "url_with_query",
        "Details at https://example.org/a.b?c=d.e for every patient.",
        ["Details at https://example.org/a.b?c=d.e for every patient."],
    ),
    (
        "www_address",
        "Visit www.clinic-example.com for a free quote.",
        ["Visit www.clinic-example.com for a free quote."],
    ),
    (
        "www_address_ends_sentence",
        "Book at www.clinic-example.com. We answer within a day.",
        ["Book at www.clinic-example.com.", "We answer within a day."],
    ),
    (
        "email_address",
        "Write to care@clinic-example.com for a price list.",
        ["Write to care@clinic-example.com for a price list."],
    ),
    (
        "email_ends_sentence",
        "Questions? Mail care@clinic-example.com.",
        ["Questions?", "Mail care@clinic-example.com."],
    ),
    # Reference entries: each is one block and ideally one sentence.
    (
        "reference_vancouver",
        "Lee KH, Park J, Kim S. Umbilical cord cells for knee pain. World J Clin Cases. "
        "2021 Aug 16;9(23):6798-6803.",
        [
            "Lee KH, Park J, Kim S. Umbilical cord cells for knee pain. World J Clin Cases. "
            "2021 Aug 16;9(23):6798-6803."
        ],
    ),
    (
        "reference_with_et_al",
        "Okafor N, et al. Fat-derived cells in joint repair. J Regen Med. 2019;4(2):101-109.",
        ["Okafor N, et al. Fat-derived cells in joint repair. J Regen Med. 2019;4(2):101-109."],
    ),
    (
        "reference_with_doi",
        "Brandt M, Silva R. Infusions after long illness. Stem Cell Rev Rep. 2022;18:55-61. "
        "doi:10.1016/j.stem.2020.01.002",
        [
            "Brandt M, Silva R. Infusions after long illness. Stem Cell Rev Rep. 2022;18:55-61. "
            "doi:10.1016/j.stem.2020.01.002"
        ],
    ),
    (
        "reference_white_paper_with_year_and_link",
        "Ortiz-Vale R. Our experience with 300 patients. Clinic White Paper. 2022. "
        "https://clinic.example.org/paper",
        [
            "Ortiz-Vale R. Our experience with 300 patients. Clinic White Paper. 2022. "
            "https://clinic.example.org/paper"
        ],
    ),
    (
        "prose_with_a_year_and_a_link_still_splits",
        "We opened in 2015. Read more at https://clinic.example.org/about today.",
        ["We opened in 2015.", "Read more at https://clinic.example.org/about today."],
    ),
    (
        "reference_initials_first",
        "J. Smith and A. B. Jones, Cell therapy outcomes, Regen. Rep. 12 (2020) 44-51.",
        ["J. Smith and A. B. Jones, Cell therapy outcomes, Regen. Rep. 12 (2020) 44-51."],
    ),
    ("reference_authors_only", "Lee KH, Park J, Kim S.", ["Lee KH, Park J, Kim S."]),
    (
        "reference_numbered",
        "1. Lee KH, Park J. Cord blood for autism. Pediatr Rep. 2020;7:12-19.",
        ["1. Lee KH, Park J. Cord blood for autism. Pediatr Rep. 2020;7:12-19."],
    ),
    (
        "reference_journal_then_locator",
        "World J Clin Cases. 2021 Aug 16;9(23):6798-6803.",
        ["World J Clin Cases. 2021 Aug 16;9(23):6798-6803."],
    ),
    # Structural blocks.
    ("table_row", "Knee | 2 injections | $1,500", ["Knee | 2 injections | $1,500"]),
    (
        "table_row_with_abbreviation",
        "Hip | approx. 3 wks | $4,500.00",
        ["Hip | approx. 3 wks | $4,500.00"],
    ),
    ("numbered_faq", "3. How long does recovery take?", ["3. How long does recovery take?"]),
    ("dash_list_item", "- Safe, natural and painless", ["- Safe, natural and painless"]),
    # Scraping damage: no crash, nothing lost.
    (
        "glued_words",
        "Learn moreStem cell therapy is safe.",
        ["Learn moreStem cell therapy is safe."],
    ),
    ("glued_after_period", "It works.it really does.", ["It works.it really does."]),
    (
        "filtered_words_leave_gaps",
        "We offer the  therapy to adults ( ) only.",
        ["We offer the therapy to adults ( ) only."],
    ),
    (
        "empty_brackets_between_sentences",
        "Results ( ) were seen in weeks. Call ( ) today.",
        ["Results ( ) were seen in weeks.", "Call ( ) today."],
    ),
    (
        # Normalising drops the placeholder (tests/test_ingest_normalise.py).
        "image_placeholder",
        "![faq image]() How long does it last?",
        ["How long does it last?"],
    ),
    ("lone_punctuation", "...", ["..."]),
]


def _sentences(text: str) -> list[str]:
    _, spans = segment_blocks([Block(BlockKind.PARAGRAPH, text)])
    return [span.text for span in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in SEGMENT_CASES],
    ids=[case_id for case_id, _, _ in SEGMENT_CASES],
)
def test_it_splits_the_block_into_the_expected_sentences(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_the_case_table_has_unique_ids() -> None:
    ids = [case_id for case_id, _, _ in SEGMENT_CASES]
    assert len(ids) == len(set(ids))


def test_it_joins_blocks_with_a_blank_line_and_offsets_span_the_whole_text() -> None:
    blocks = [
        Block(BlockKind.HEADING, "How much does it cost?"),
        Block(BlockKind.PARAGRAPH, "From $1,500. Book now!"),
    ]
    text, spans = segment_blocks(blocks)
    assert text == "How much does it cost?\n\nFrom $1,500. Book now!"
    assert [(s.index, s.start, s.end, s.kind) for s in spans] == [
        (0, 0, 22, BlockKind.HEADING),
        (1, 24, 36, BlockKind.PARAGRAPH),
        (2, 37, 46, BlockKind.PARAGRAPH),
    ]


def test_it_never_joins_sentences_across_blocks() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, "Treated by Dr."),
        Block(BlockKind.PARAGRAPH, "Lee in 2020"),
    ]
    _, spans = segment_blocks(blocks)
    assert [s.text for s in spans] == ["Treated by Dr.", "Lee in 2020"]


def test_each_structural_block_gets_its_own_sentence_and_kind() -> None:
    blocks = [
        Block(BlockKind.HEADING, "Why choose us"),
        Block(BlockKind.LIST_ITEM, "✅ No surgery"),
        Block(BlockKind.TABLE_ROW, "Knee | $1,500"),
        Block(BlockKind.LIST_ITEM, "Lee KH, Park J, Kim S. Knees. World J Clin Cases. 2021;9:1-2."),
    ]
    _, spans = segment_blocks(blocks)
    assert [s.kind for s in spans] == [b.kind for b in blocks]
    assert [s.text for s in spans] == [b.text for b in blocks]


def test_it_counts_offsets_in_code_points_after_emoji() -> None:
    blocks = [Block(BlockKind.PARAGRAPH, "👩‍⚕️ Safe. 1️⃣ Fast. Cheap 💶.")]
    text, spans = segment_blocks(blocks)
    assert [s.text for s in spans] == ["👩‍⚕️ Safe.", "1️⃣ Fast.", "Cheap 💶."]
    assert [(s.start, s.end) for s in spans] == [(0, 10), (11, 20), (21, 29)]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_repeated_sentences_get_their_own_offsets() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, "Book now! Book now! Book now!"),
        Block(BlockKind.PARAGRAPH, "Book now!"),
    ]
    text, spans = segment_blocks(blocks)
    assert [(s.start, s.end) for s in spans] == [(0, 9), (10, 19), (20, 29), (31, 40)]
    assert {text[s.start : s.end] for s in spans} == {"Book now!"}


def test_it_numbers_sentences_from_zero_across_blocks() -> None:
    blocks = [Block(BlockKind.PARAGRAPH, "One. Two."), Block(BlockKind.QUOTE, "Three.")]
    _, spans = segment_blocks(blocks)
    assert [s.index for s in spans] == [0, 1, 2]


def test_it_drops_blocks_that_are_empty_after_normalising() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, "  \u200b\n "),
        Block(BlockKind.PARAGRAPH, "Call\u00a0now."),
    ]
    text, spans = segment_blocks(blocks)
    assert text == "Call now."
    assert [s.text for s in spans] == ["Call now."]


def test_it_returns_nothing_for_no_blocks() -> None:
    assert segment_blocks([]) == ("", [])


def test_blingfire_offsets_count_code_points_not_utf8_bytes() -> None:
    # segment.py feeds these offsets straight into str slicing, so they must be code points.
    text = "👩‍⚕️ Café ça va. Très bien 💶. Encore."
    _, offsets = blingfire.text_to_sentences_and_offsets(text)
    assert [text[start:end] for start, end in offsets] == [
        "👩‍⚕️ Café ça va.",
        "Très bien 💶.",
        "Encore.",
    ]


def test_an_ambiguous_gap_after_emoji_is_decided_at_the_right_offset() -> None:
    assert _sentences("👩‍⚕️ Café staff say take vitamin D. It helps.") == [
        "👩‍⚕️ Café staff say take vitamin D.",
        "It helps.",
    ]


def test_limitation_an_initialism_before_a_capitalised_word_does_not_end_a_sentence() -> None:
    # "U.S." then a capital is ambiguous; blingfire keeps it, so the two stay together.
    assert _sentences("It costs less than in the U.S. Patients fly in weekly.") == [
        "It costs less than in the U.S. Patients fly in weekly."
    ]


def test_limitation_a_reference_without_author_list_or_locator_splits_at_abbreviations() -> None:
    assert _sentences("Stem cell basics. Natl Inst Health. Accessed May 2023.") == [
        "Stem cell basics.",
        "Natl Inst Health.",
        "Accessed May 2023.",
    ]


def test_limitation_a_short_paragraph_ending_in_a_citation_locator_is_one_sentence() -> None:
    # Read as a reference entry; the price of keeping "Journal. 2021;9(23):1-9." whole.
    assert _sentences("Pain fell by half. Lee 2021;9(23):6798-6803.") == [
        "Pain fell by half. Lee 2021;9(23):6798-6803."
    ]
