"""Evaluation arithmetic on hand-computed examples, the report table, and the keyword baseline."""

import pytest

from claims.suggest.baseline import keyword_tags
from claims.suggest.evaluate import Scores, evaluate, format_report

UNSUPPORTED, OVERSTATED, CASE, PRICE = (
    "unsupported",
    "overstated",
    "cited-case-report",
    "price-claim",
)
TAGS = (UNSUPPORTED, OVERSTATED, CASE, PRICE)

GOLD = [
    frozenset({UNSUPPORTED, OVERSTATED}),
    frozenset({PRICE}),
    frozenset(),
    frozenset({CASE}),
    frozenset({UNSUPPORTED}),
]
PREDICTED = [
    frozenset({UNSUPPORTED}),
    frozenset({PRICE, UNSUPPORTED}),
    frozenset({OVERSTATED}),
    frozenset(),
    frozenset({UNSUPPORTED}),
]


def test_it_counts_per_tag():
    report = evaluate(PREDICTED, GOLD, TAGS)
    # unsupported: right on 0 and 4, wrong on 1.
    assert report.tags[UNSUPPORTED] == Scores(tp=2, fp=1, fn=0)
    assert report.tags[OVERSTATED] == Scores(tp=0, fp=1, fn=1)
    assert report.tags[CASE] == Scores(tp=0, fp=0, fn=1)
    assert report.tags[PRICE] == Scores(tp=1, fp=0, fn=0)


def test_it_computes_precision_recall_and_f1():
    unsupported = evaluate(PREDICTED, GOLD, TAGS).tags[UNSUPPORTED]
    assert unsupported.precision == pytest.approx(2 / 3)
    assert unsupported.recall == 1.0
    assert unsupported.f1 == pytest.approx(0.8)
    assert unsupported.support == 2


def test_micro_averages_pool_the_counts():
    micro = evaluate(PREDICTED, GOLD, TAGS).micro
    assert micro == Scores(tp=3, fp=2, fn=2)
    assert micro.precision == pytest.approx(0.6)
    assert micro.recall == pytest.approx(0.6)
    assert micro.f1 == pytest.approx(0.6)


def test_nothing_predicted_or_nothing_to_find_scores_zero():
    assert Scores(tp=0, fp=0, fn=3).precision == 0.0
    assert Scores(tp=0, fp=2, fn=0).recall == 0.0
    assert Scores(tp=0, fp=0, fn=0).f1 == 0.0


def test_it_refuses_predictions_and_gold_of_different_lengths():
    with pytest.raises(ValueError, match="2 predictions for 1 gold sentences"):
        evaluate([frozenset(), frozenset()], [frozenset()], TAGS)


def test_the_report_is_a_fixed_width_table():
    table = format_report(evaluate(PREDICTED, GOLD, TAGS), "Hand example")
    lines = table.splitlines()
    assert lines[0] == "Hand example"
    assert lines[1].split() == ["tag", "P", "R", "F1", "support", "tp", "fp", "fn"]
    assert lines[3].split() == [UNSUPPORTED, "0.667", "1.000", "0.800", "2", "2", "1", "0"]
    assert lines[-1].split() == ["micro", "0.600", "0.600", "0.600", "5", "3", "2", "2"]
    assert len({len(line) for line in lines[1:]}) == 1


def test_scores_as_a_dict_hold_counts_and_rounded_figures():
    assert Scores(tp=2, fp=1, fn=0).as_dict() == {
        "tp": 2,
        "fp": 1,
        "fn": 0,
        "support": 2,
        "precision": 0.6667,
        "recall": 1.0,
        "f1": 0.8,
    }


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Stem cells cure arthritis, proven.", {OVERSTATED}),
        ("One patient walked again.", {CASE}),
        ("Our injections repair cartilage.", {UNSUPPORTED}),
        ("Prices from $1,500 per knee.", {PRICE}),
        ("It is far cheaper than at home.", set()),  # no amount: the naive list misses it
        ("How much does it cost?", set()),
    ],
)
def test_the_keyword_baseline_is_naive(text, tags):
    assert keyword_tags(text) == frozenset(tags)
