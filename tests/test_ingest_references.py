"""Reference lists: entries found by section and by shape, one sentence per entry.

The entries are written for these tests in the styles clinic pages use (Vancouver, APA with a
person or an organisation as author, "Org. (Year). Title. Journal. URL", MLA, web pages with
an access date), numbered, bulleted and plain; none is copied from a real page.
"""

import pytest

from claims.ingest.lists import blocks_with_list_items
from claims.ingest.normalise import normalise_blocks
from claims.ingest.pipeline import parse_document
from claims.ingest.references import (
    blocks_with_references,
    is_references_title,
    looks_like_reference_entry,
)
from claims.ingest.segment import segment_blocks
from claims.ingest.types import Block, BlockKind

# (id, block as a list item or paragraph under a "References" heading, its entries)
ENTRY_CASES: list[tuple[str, str, list[str]]] = [
    # Vancouver.
    (
        "vancouver_full",
        "Lee KH, Park J, Kim S. Umbilical cord cells for knee pain. World J Clin Cases. "
        "2021 Aug 16;9(23):6798-6803.",
        [
            "Lee KH, Park J, Kim S. Umbilical cord cells for knee pain. World J Clin Cases. "
            "2021 Aug 16;9(23):6798-6803."
        ],
    ),
    (
        "vancouver_et_al_with_doi",
        "Okafor N, Brandt M, et al. Fat-derived cells in joint repair. J Regen Med. "
        "2019;4(2):101-109. doi:10.5555/jrm.2019.0402",
        [
            "Okafor N, Brandt M, et al. Fat-derived cells in joint repair. J Regen Med. "
            "2019;4(2):101-109. doi:10.5555/jrm.2019.0402"
        ],
    ),
    (
        "vancouver_doi_org_after_page",
        "Silva R, Mendes T. Infusions after long illness. Stem Cell Rev Rep. 2021 Mar "
        "3;10(5):1012. doi.org/10.5555/scrr.2021.1005",
        [
            "Silva R, Mendes T. Infusions after long illness. Stem Cell Rev Rep. 2021 Mar "
            "3;10(5):1012. doi.org/10.5555/scrr.2021.1005"
        ],
    ),
    (
        "vancouver_numbered_with_period",
        "3. Haddad Y, Rossi A. Ozone and the immune system. Altern Ther Health Med. "
        "2017;23(6):44-50.",
        [
            "Haddad Y, Rossi A. Ozone and the immune system. Altern Ther Health Med. "
            "2017;23(6):44-50."
        ],
    ),
    (
        "vancouver_bracket_numbered",
        "[4] Moreau P, Chen L. Exosomes for hair loss. Dermatol Surg. 2022;48(1):77-81.",
        ["[4] Moreau P, Chen L. Exosomes for hair loss. Dermatol Surg. 2022;48(1):77-81."],
    ),
    (
        "vancouver_bulleted",
        "• Ahmed S, Novak J. PRP in tendon injuries. Clin Orthop Relat Res. 2020;478:1190-8.",
        ["Ahmed S, Novak J. PRP in tendon injuries. Clin Orthop Relat Res. 2020;478:1190-8."],
    ),
    (
        "vancouver_dashed",
        "- Varga B, et al. Stem cells in autism: a case series. Pediatr Rep. 2018;6:12-19.",
        ["Varga B, et al. Stem cells in autism: a case series. Pediatr Rep. 2018;6:12-19."],
    ),
    (
        "vancouver_single_author_white_paper",
        "Quintero-Ames R. Our clinical experience with 500 patients. NovaClinic White Paper. "
        "2022. https://nova.example.org/whitepaper",
        [
            "Quintero-Ames R. Our clinical experience with 500 patients. NovaClinic White "
            "Paper. 2022. https://nova.example.org/whitepaper"
        ],
    ),
    (
        "vancouver_journal_only_locator",
        "Int J Integr Med Sci. 2022;14(2):88-97.",
        ["Int J Integr Med Sci. 2022;14(2):88-97."],
    ),
    (
        "vancouver_epub_note",
        "Ito K, Weber F. Cord blood for cerebral palsy. Neural Regen Res. 2023;18(4):700-6. "
        "Epub 2022 Nov 2.",
        [
            "Ito K, Weber F. Cord blood for cerebral palsy. Neural Regen Res. 2023;18(4):700-6. "
            "Epub 2022 Nov 2."
        ],
    ),
    (
        "vancouver_initials_first",
        "J. Smith and A. B. Jones, Cell therapy outcomes, Regen. Rep. 12 (2020) 44-51.",
        ["J. Smith and A. B. Jones, Cell therapy outcomes, Regen. Rep. 12 (2020) 44-51."],
    ),
    (
        "vancouver_pmid",
        "Duarte L, Kim H. NAD+ drips and fatigue. Nutrients. 2021;13(9):3001. PMID: 34578899.",
        ["Duarte L, Kim H. NAD+ drips and fatigue. Nutrients. 2021;13(9):3001. PMID: 34578899."],
    ),
    # APA, a person as author.
    (
        "apa_two_authors_doi",
        "Lee, K. H., & Park, J. (2021). Umbilical cord cells for knee pain. World Journal of "
        "Clinical Cases, 9(23), 6798–6803. https://doi.org/10.5555/wjcc.2021.923",
        [
            "Lee, K. H., & Park, J. (2021). Umbilical cord cells for knee pain. World Journal "
            "of Clinical Cases, 9(23), 6798–6803. https://doi.org/10.5555/wjcc.2021.923"
        ],
    ),
    (
        "apa_single_author_no_link",
        "Brandt, M. (2019). Regeneration without surgery. Journal of Joint Care, 4(2), 101–109.",
        ["Brandt, M. (2019). Regeneration without surgery. Journal of Joint Care, 4(2), 101–109."],
    ),
    (
        "apa_many_authors",
        "Okafor, N., Silva, R., Mendes, T., & Varga, B. (2020). Fat-derived cells: A review. "
        "Regenerative Medicine Reports, 12, 44–51.",
        [
            "Okafor, N., Silva, R., Mendes, T., & Varga, B. (2020). Fat-derived cells: A "
            "review. Regenerative Medicine Reports, 12, 44–51."
        ],
    ),
    (
        "apa_numbered",
        "2. Haddad, Y. (2018). Ozone therapy explained. Integrative Health, 7(1), 3–9.",
        ["Haddad, Y. (2018). Ozone therapy explained. Integrative Health, 7(1), 3–9."],
    ),
    (
        "apa_with_month_in_date",
        "Novak, J. (2023, May 4). Why your knees hurt. Clinic Blog. https://blog.example.com/k",
        ["Novak, J. (2023, May 4). Why your knees hurt. Clinic Blog. https://blog.example.com/k"],
    ),
    (
        "apa_no_date",
        "Rossi, A. (n.d.). Cellular renewal at home. Wellness Weekly. https://ww.example.org/r",
        ["Rossi, A. (n.d.). Cellular renewal at home. Wellness Weekly. https://ww.example.org/r"],
    ),
    (
        "harvard_year_without_period",
        "Moreau, P. (2022) Exosomes and ageing skin. Skin Science 5(3), pp. 20-28.",
        ["Moreau, P. (2022) Exosomes and ageing skin. Skin Science 5(3), pp. 20-28."],
    ),
    # APA, an organisation as author: "Org. (Year). Title. Journal. URL".
    (
        "apa_organisation_with_link",
        "Example Clinic. (2024). Stem cells: What they are and what they do. "
        "https://clinic.example.com/stem-cells",
        [
            "Example Clinic. (2024). Stem cells: What they are and what they do. "
            "https://clinic.example.com/stem-cells"
        ],
    ),
    (
        "apa_organisation_bulleted",
        "- Example Clinic. (2024). Stem cells: What they are. https://clinic.example.com/what",
        ["Example Clinic. (2024). Stem cells: What they are. https://clinic.example.com/what"],
    ),
    (
        "apa_organisation_journal_and_doi",
        "International Society for Cell Medicine. (2021). Guidance on unproven cell therapies. "
        "Cell Medicine Bulletin, 3(2), 10–14. https://doi.org/10.5555/cmb.2021.0302",
        [
            "International Society for Cell Medicine. (2021). Guidance on unproven cell "
            "therapies. Cell Medicine Bulletin, 3(2), 10–14. "
            "https://doi.org/10.5555/cmb.2021.0302"
        ],
    ),
    (
        "apa_organisation_with_date",
        "National Institute for Regenerative Health. (2023, March 3). Questions to ask a "
        "clinic. https://nirh.example.gov/questions",
        [
            "National Institute for Regenerative Health. (2023, March 3). Questions to ask a "
            "clinic. https://nirh.example.gov/questions"
        ],
    ),
    (
        "apa_organisation_no_date",
        "RegenWell Institute. (n.d.). Our protocol. Retrieved May 2, 2024, from "
        "https://regenwell.example.com/protocol",
        [
            "RegenWell Institute. (n.d.). Our protocol. Retrieved May 2, 2024, from "
            "https://regenwell.example.com/protocol"
        ],
    ),
    (
        "apa_organisation_numbered",
        "5. Ozone Therapy Association. (2020). Position statement. Journal of Oxidative "
        "Medicine. https://ota.example.org/position",
        [
            "Ozone Therapy Association. (2020). Position statement. Journal of Oxidative "
            "Medicine. https://ota.example.org/position"
        ],
    ),
    (
        "apa_organisation_with_abbreviation",
        "U.S. Cell Therapy Council. (2019). Consumer alert: Clinics abroad. Consumer Health "
        "Rep. https://uctc.example.org/alert",
        [
            "U.S. Cell Therapy Council. (2019). Consumer alert: Clinics abroad. Consumer Health "
            "Rep. https://uctc.example.org/alert"
        ],
    ),
    (
        "apa_organisation_emoji_bullet",
        "📄 Example Clinic. (2024). Patient guide to stem cells. https://clinic.example.com/guide",
        [
            "📄 Example Clinic. (2024). Patient guide to stem cells. "
            "https://clinic.example.com/guide"
        ],
    ),
    # MLA.
    (
        "mla_et_al",
        "Lee, Kyung-Hee, et al. “Cord Cells for Knee Pain.” World Journal of Clinical Cases, "
        "vol. 9, no. 23, 2021, pp. 6798-6803.",
        [
            "Lee, Kyung-Hee, et al. “Cord Cells for Knee Pain.” World Journal of Clinical "
            "Cases, vol. 9, no. 23, 2021, pp. 6798-6803."
        ],
    ),
    (
        "mla_two_authors",
        'Brandt, Marta, and Rui Silva. "Infusions and Fatigue." Stem Cell Reports, 2022.',
        ['Brandt, Marta, and Rui Silva. "Infusions and Fatigue." Stem Cell Reports, 2022.'],
    ),
    # Web pages and other sources.
    (
        "web_page_accessed",
        "Stem cell basics. Natl Inst Health. https://nih.example.gov/basics. Accessed May 3, 2023.",
        [
            "Stem cell basics. Natl Inst Health. https://nih.example.gov/basics. "
            "Accessed May 3, 2023."
        ],
    ),
    (
        "web_page_available_at",
        "Clinic price survey. Health Travel Review. Available at: www.htr.example.com/prices "
        "(2024).",
        [
            "Clinic price survey. Health Travel Review. Available at: "
            "www.htr.example.com/prices (2024)."
        ],
    ),
    (
        "bare_doi",
        "doi.org/10.5555/abcd.5678",
        ["doi.org/10.5555/abcd.5678"],
    ),
    (
        "bare_url",
        "https://clinicaltrials.example.gov/study/NCT00000000",
        ["https://clinicaltrials.example.gov/study/NCT00000000"],
    ),
    (
        "data_on_file",
        "VitaCell Labs internal customer survey, 2023 (data on file).",
        ["VitaCell Labs internal customer survey, 2023 (data on file)."],
    ),
    (
        "book_with_publisher",
        "Hollis P. Natural Approaches to Cellular Renewal. 2nd ed. London: Greenleaf Press; 2019.",
        [
            "Hollis P. Natural Approaches to Cellular Renewal. 2nd ed. London: Greenleaf "
            "Press; 2019."
        ],
    ),
    (
        "conference_abstract",
        "Ferreira L, Ortiz V. Knee injections in 40 patients [abstract]. In: Proceedings of the "
        "Regenerative Congress; 2021 Oct 4-6; Lisbon. p. 12.",
        [
            "Ferreira L, Ortiz V. Knee injections in 40 patients [abstract]. In: Proceedings "
            "of the Regenerative Congress; 2021 Oct 4-6; Lisbon. p. 12."
        ],
    ),
    (
        "entry_with_curly_quotes_and_nbsp",
        "Marsh\u00a0DL, Okonjo P. “Algae and progenitor cells.” J Nutr Suppl Res. "
        "2020;12(4):233-240.",
        ["Marsh DL, Okonjo P. “Algae and progenitor cells.” J Nutr Suppl Res. 2020;12(4):233-240."],
    ),
    # Several entries run together in one block (a PDF, or <br> between entries).
    (
        # The first number is the block's list marker and goes; the later ones are text.
        "two_numbered_entries_in_one_block",
        "1. Lee KH, Park J. Knees. World J Clin Cases. 2021;9(23):6798-6803. "
        "2. Brown T, et al. Hips. J Regen Ortho. 2019;4(2):112-118.",
        [
            "Lee KH, Park J. Knees. World J Clin Cases. 2021;9(23):6798-6803.",
            "2. Brown T, et al. Hips. J Regen Ortho. 2019;4(2):112-118.",
        ],
    ),
    (
        "bracketed_entries_in_one_block",
        "[1] Haddad Y. Ozone. Altern Ther. 2017;23:44-50. [2] Rossi A. Drips. Integr Med. "
        "2018;7:3-9. [3] Chen L. Hair. Dermatol Surg. 2022;48:77-81.",
        [
            "[1] Haddad Y. Ozone. Altern Ther. 2017;23:44-50.",
            "[2] Rossi A. Drips. Integr Med. 2018;7:3-9.",
            "[3] Chen L. Hair. Dermatol Surg. 2022;48:77-81.",
        ],
    ),
    (
        "entries_after_a_doi_in_one_block",
        "Lee KH, Park J. Knees. World J Clin Cases. 2021;9:1-9. doi.org/10.5555/a.1 "
        "Brown T, et al. Hips. J Regen Ortho. 2019;4:11-18. doi.org/10.5555/b.2",
        [
            "Lee KH, Park J. Knees. World J Clin Cases. 2021;9:1-9. doi.org/10.5555/a.1",
            "Brown T, et al. Hips. J Regen Ortho. 2019;4:11-18. doi.org/10.5555/b.2",
        ],
    ),
    (
        "numbered_entry_mentioning_a_number_stays_whole",
        "Varga B. 3 patients, 2 years. Regen Case Rep. 2020;2(1):5-7.",
        ["Varga B. 3 patients, 2 years. Regen Case Rep. 2020;2(1):5-7."],
    ),
]

# (id, block with no references heading before it, whether it is taken as an entry)
SHAPE_CASES: list[tuple[str, str, bool]] = [
    (
        "vancouver_by_shape",
        "Lee KH, Park J. Knees. World J Clin Cases. 2021;9(23):6798-6803.",
        True,
    ),
    (
        "apa_organisation_by_shape",
        "Example Clinic. (2024). Stem cells: What they are. https://clinic.example.com/what",
        True,
    ),
    ("apa_person_by_shape", "Brandt, M. (2019). Regeneration. J Joint Care, 4(2), 1–9.", True),
    (
        "mla_by_shape",
        "Lee, Kyung-Hee, et al. “Cord Cells.” World J Clin Cases, vol. 9, 2021, pp. 1-9.",
        True,
    ),
    (
        "web_page_by_shape",
        "Stem cell basics. https://nih.example.gov/basics. Accessed May 3, 2023.",
        True,
    ),
    ("prose_with_year_and_link", "We opened in 2015. Read more at https://x.example.org.", False),
    ("prose_citing_et_al", "Dr. Marsh et al. reported a rise in progenitor cells.", False),
    ("prose_with_names_and_a_year", "Kim, Lee and Park met in 2019, and the clinic grew.", False),
    ("price_sentence", "Treatment costs between €7,000 and €31,000* (2024 prices).", False),
    ("copyright_line", "© 2024 NovaStem Clinic. This information is not medical advice.", False),
    ("byline", "Medically reviewed by Dr. Ana Morales, Medical Advisor, 3 March 2024.", False),
    ("question_heading_with_year", "What changed in 2024?", False),
]


def _entries(text: str) -> list[str]:
    blocks = [Block(BlockKind.HEADING, "References"), Block(BlockKind.LIST_ITEM, text)]
    blocks = blocks_with_references(blocks_with_list_items(normalise_blocks(blocks)))
    assert [block.kind for block in blocks] == [BlockKind.HEADING, BlockKind.REFERENCE]
    _, spans = segment_blocks(blocks)
    return [span.text for span in spans[1:]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in ENTRY_CASES],
    ids=[case_id for case_id, _, _ in ENTRY_CASES],
)
def test_a_reference_list_gives_one_sentence_per_entry(text: str, expected: list[str]) -> None:
    assert _entries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in SHAPE_CASES],
    ids=[case_id for case_id, _, _ in SHAPE_CASES],
)
def test_it_tells_an_entry_by_its_shape_without_a_heading(text: str, expected: bool) -> None:
    assert looks_like_reference_entry(text) is expected
    [block] = blocks_with_references([Block(BlockKind.PARAGRAPH, text)])
    assert (block.kind == BlockKind.REFERENCE) is expected


def test_the_case_tables_have_unique_ids() -> None:
    ids = [case[0] for case in [*ENTRY_CASES, *SHAPE_CASES]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "title",
    ["References", "References:", "Sources", "SOURCES", "Bibliography", "Works cited",
     "Scientific references", "5. References", "Literature cited", "Further reading"],
)  # fmt: skip
def test_it_knows_the_titles_of_a_reference_list(title: str) -> None:
    assert is_references_title(title)


@pytest.mark.parametrize(
    "text", ["Our references", "References available on request.", "Sources of stem cells"]
)
def test_it_does_not_take_other_lines_for_a_reference_list_title(text: str) -> None:
    assert not is_references_title(text)


def test_under_the_heading_only_blocks_with_the_marks_of_an_entry_are_entries() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, "Our knees are our pride."),
        Block(BlockKind.HEADING, "Sources"),
        Block(BlockKind.LIST_ITEM, "Clinic price survey, 2024."),
        Block(BlockKind.PARAGRAPH, "Medical Advisor, Renewa Clinic doctor"),
        Block(BlockKind.PARAGRAPH, "Contact: care@renewa.example.com · +1 555 0199"),
        Block(BlockKind.HEADING, "Book a visit"),
        Block(BlockKind.PARAGRAPH, "We opened in 2015, and 4,000 patients came."),
    ]
    assert [block.kind for block in blocks_with_references(blocks)] == [
        BlockKind.PARAGRAPH,
        BlockKind.HEADING,
        BlockKind.REFERENCE,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
    ]


def test_a_references_title_written_as_a_paragraph_becomes_a_heading() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, "References"),
        Block(BlockKind.PARAGRAPH, "Clinic price survey, 2024."),
    ]
    assert [block.kind for block in blocks_with_references(blocks)] == [
        BlockKind.HEADING,
        BlockKind.REFERENCE,
    ]


def test_a_clean_text_reference_list_keeps_its_entries_whole() -> None:
    text = (
        "How do stem cells work?\n"
        "Our cells target the root cause of pain.\n"
        "References\n"
        "- Example Clinic. (2024). Stem cells: What they are. https://clinic.example.com/what\n"
        "- Example Clinic. (2023). Knee pain: Causes. https://clinic.example.com/knee\n"
        "1. Lee KH, Park J. Knees. World J Clin Cases. 2021;9(23):6798-6803.\n"
    )
    parsed = parse_document(text.encode(), filename="page.txt")
    assert [(s.kind, s.text) for s in parsed.sentences] == [
        (BlockKind.HEADING, "How do stem cells work?"),
        (BlockKind.PARAGRAPH, "Our cells target the root cause of pain."),
        (BlockKind.HEADING, "References"),
        (
            BlockKind.REFERENCE,
            "Example Clinic. (2024). Stem cells: What they are. https://clinic.example.com/what",
        ),
        (
            BlockKind.REFERENCE,
            "Example Clinic. (2023). Knee pain: Causes. https://clinic.example.com/knee",
        ),
        (BlockKind.REFERENCE, "Lee KH, Park J. Knees. World J Clin Cases. 2021;9(23):6798-6803."),
    ]
    assert all(parsed.text[s.start : s.end] == s.text for s in parsed.sentences)
