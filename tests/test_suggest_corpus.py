"""Reading the suggestion corpus: `.page` files, JSON lines and folders of pages."""

import json

import pytest

from claims.suggest.corpus import (
    HELDOUT_DIR,
    TRAIN_DIR,
    LabelledSentence,
    parse_page,
    read_gold,
    read_page,
)

PAGE = """\
# title: Knee programme — Example Clinic
# kind: clinic
H |    | How much does the knee programme cost?
P | p  | Treatment starts at $4,500 for one knee.
P | p  | Most patients need a second visit, billed separately.

P | uo | Our cells rebuild cartilage completely, with no side effects.
L | o  | No surgery, no downtime, no risk
L |    | Free parking
T | p  | Knee | 1 injection | $4,500
Q | c  | “I walk again.
Q | c  | My knee is like new.”
C |    | — Ana, 61
R |    | Lee KH, Park J. Cells in knees. World J Clin Cases. 2021;9(23):6798-6803.
"""


def test_it_reads_kinds_tags_and_text_in_order(tmp_path):
    path = tmp_path / "k01.page"
    path.write_text(PAGE, encoding="utf-8")
    sentences = read_page(path)
    assert [s.kind for s in sentences] == [
        "heading",
        "paragraph",
        "paragraph",
        "paragraph",
        "list_item",
        "list_item",
        "table_row",
        "quote",
        "quote",
        "caption",
        "reference",
    ]
    assert sentences[3] == LabelledSentence(
        page="k01",
        block=2,
        kind="paragraph",
        text="Our cells rebuild cartilage completely, with no side effects.",
        tags=frozenset({"unsupported", "overstated"}),
    )
    assert sentences[0].tags == frozenset()


def test_it_groups_running_paragraph_and_quote_lines_into_one_block():
    blocks = [s.block for s in parse_page(PAGE, page="k01")]
    # heading | two-sentence paragraph | paragraph | list item | list item | table row |
    # two-line quote | caption | reference
    assert blocks == [0, 1, 1, 2, 3, 4, 5, 6, 6, 7, 8]


def test_it_keeps_pipes_inside_the_text():
    (row,) = [s for s in parse_page(PAGE, page="k01") if s.kind == "table_row"]
    assert row.text == "Knee | 1 injection | $4,500"
    assert row.tags == frozenset({"price-claim"})


def test_it_gives_every_list_item_its_own_block_without_blank_lines():
    sentences = parse_page("L | o | One\nL |  | Two\nP |  | Three\nP |  | Four", page="x")
    assert [s.block for s in sentences] == [0, 1, 2, 2]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("X | u | Unknown kind.", "unknown kind 'X'"),
        ("P | ux | Unknown tag.", "unknown tag letter 'x'"),
        ("P  no pipes at all", "expected 'KIND | TAGS | TEXT'"),
        ("P | u |   ", "the sentence text is empty"),
    ],
)
def test_it_names_the_file_and_line_of_a_malformed_line(tmp_path, line, message):
    path = tmp_path / "broken.page"
    path.write_text(f"# title: Broken\nH |  | Fine heading\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        read_page(path)
    assert str(error.value).startswith(f"{path}:4: ")


def test_it_reads_json_lines(tmp_path):
    path = tmp_path / "gold.jsonl"
    rows = [
        {
            "page": "a1",
            "block": 0,
            "kind": "paragraph",
            "text": "Costs $9.",
            "tags": ["price-claim"],
        },
        {"page": "a1", "block": 1, "kind": "heading", "text": "Why us?", "tags": []},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n", encoding="utf-8")
    assert read_gold([path]) == [
        LabelledSentence("a1", 0, "paragraph", "Costs $9.", frozenset({"price-claim"})),
        LabelledSentence("a1", 1, "heading", "Why us?", frozenset()),
    ]


def test_it_names_the_line_of_a_bad_json_row(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"page": "a", "block": 0, "kind": "paragraph", "text": "x", "tags": []}\n{"page": "a"}\n'
    )
    with pytest.raises(ValueError, match=rf"^{path}:2: missing field 'block'"):
        read_gold([path])


def test_it_reads_every_page_of_a_folder_in_name_order(tmp_path):
    (tmp_path / "b.page").write_text("P | p | Costs $9.\n", encoding="utf-8")
    (tmp_path / "a.page").write_text("H |  | Prices\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a page", encoding="utf-8")
    assert [(s.page, s.text) for s in read_gold([tmp_path])] == [
        ("a", "Prices"),
        ("b", "Costs $9."),
    ]


def test_it_refuses_a_file_of_another_kind(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("page,text\n")
    with pytest.raises(ValueError, match=r"gold\.csv: expected a \.page or \.jsonl file"):
        read_gold([path])


def test_the_checked_in_corpus_parses():
    sentences = read_gold([TRAIN_DIR, HELDOUT_DIR])
    assert sentences
    assert {tag for s in sentences for tag in s.tags} <= {
        "unsupported",
        "overstated",
        "cited-case-report",
        "price-claim",
    }
