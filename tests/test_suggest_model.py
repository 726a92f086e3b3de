"""The saved model (plain JSON, same scores after a round trip) and the suggestions it makes."""

import json
from decimal import Decimal

import numpy as np
import pytest

from claims.prices import PriceQuote
from claims.suggest.features import SentenceIn, contexts_for
from claims.suggest.model import SuggesterModel, TagWeights
from claims.suggest.suggest import HIDDEN_FLOOR, format_price, reason_for, suggest
from claims.suggest.train import train
from claims.suggest.vectorize import FeatureSettings
from tests.test_suggest_train import small_corpus

ARTICLE = [
    SentenceIn("How much does the knee programme cost?", "heading", 0),
    SentenceIn("Prices range from $2,000 to $9,000 per knee.", "paragraph", 1),
    SentenceIn("Our cells rebuild cartilage and heal the joint.", "paragraph", 1),
    SentenceIn("Her knee was fully restored, with no side effects.", "paragraph", 2),
    SentenceIn("A 52-year-old nurse walked again after 3 injections.", "paragraph", 2),
    SentenceIn("Book a free consultation", "list_item", 3),
    SentenceIn(
        "Lee KH, Park J. A case report of knees. World J Clin Cases. 2021;9(23):6798-6803.",
        "paragraph",
        4,
    ),
]


@pytest.fixture(scope="module")
def model() -> SuggesterModel:
    return train(small_corpus(), version="small-1")


def test_the_json_round_trip_scores_identically(model):
    loaded = SuggesterModel.from_json(model.to_json())
    contexts = contexts_for(ARTICLE)
    assert np.array_equal(loaded.score(contexts), model.score(contexts))
    assert loaded.to_json() == model.to_json()
    assert loaded.version == model.version
    assert loaded.figures == model.figures


def test_the_json_is_plain_data_with_sorted_keys(model):
    text = model.to_json()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["format"] == "claimscope-suggester"
    assert [tag["slug"] for tag in data["tags"]] == list(model.slugs)
    name, *weights = data["weights"][0]
    assert isinstance(name, str) and len(weights) == len(model.slugs)
    assert all(round(w, 5) == w for row in data["weights"] for w in row[1:])


def test_it_refuses_json_that_is_not_a_model():
    with pytest.raises(ValueError, match="not a suggester model"):
        SuggesterModel.from_json('{"format": "something-else"}')


def test_it_refuses_a_model_made_from_other_features(model):
    data = json.loads(model.to_json())
    data["settings"]["version"] = "0"
    with pytest.raises(ValueError, match="features version 0"):
        SuggesterModel.from_json(json.dumps(data))


def test_scores_are_probabilities_per_sentence_and_tag(model):
    scores = model.score(contexts_for(ARTICLE))
    assert scores.shape == (len(ARTICLE), len(model.slugs))
    assert np.all((scores > 0) & (scores < 1))
    assert model.score([]).shape == (0, len(model.slugs))


def test_it_suggests_a_price_for_the_price_sentence_with_the_amounts(model):
    prices = [s for s in suggest(model, ARTICLE) if s.tag == "price-claim"]
    assert [s.sentence for s in prices] == [1]
    assert prices[0].reason == "price: $2,000–$9,000 per knee"
    assert prices[0].shown


def test_it_does_not_suggest_for_questions_calls_to_action_or_references(model):
    suggested = {s.sentence for s in suggest(model, ARTICLE)}
    assert not suggested & {0, 5, 6}


def test_hidden_suggestions_come_from_the_floor_up_and_are_marked(model):
    every = suggest(model, ARTICLE, include_hidden=True)
    shown = suggest(model, ARTICLE)
    assert [s for s in every if s.shown] == shown
    assert all(s.score >= HIDDEN_FLOOR for s in every if not s.shown)
    for s in every:
        assert s.shown == (s.score >= model.tags[s.tag].threshold)
        assert s.score == round(s.score, 3)


@pytest.mark.parametrize(
    ("index", "tag", "reason"),
    [
        (3, "overstated", "absolute wording: 'fully'"),
        (4, "cited-case-report", "single case: '52-year-old'"),
        (2, "unsupported", "no evidence given: 'rebuild cartilage'"),
        (1, "price-claim", "price: $2,000–$9,000 per knee"),
    ],
)
def test_a_reason_quotes_the_strongest_rule_evidence(index, tag, reason):
    assert reason_for(contexts_for(ARTICLE)[index], tag) == reason


def tiny_model() -> SuggesterModel:
    """One tag, three word features: "happy" and "customers" raise it, "sad" lowers it."""
    return SuggesterModel(
        version="tiny-1",
        settings=FeatureSettings(),
        vocabulary=("w:customers", "w:happy", "w:sad"),
        tags={"overstated": TagWeights(np.array([1.0, 2.0, -3.0]), intercept=-1.0, threshold=0.9)},
    )


def test_a_reason_falls_back_to_the_top_weighted_words():
    sentences = [SentenceIn("Thousands of happy customers", "paragraph", 0)]
    assert reason_for(contexts_for(sentences)[0], "overstated") == ""
    (suggestion,) = suggest(tiny_model(), sentences, include_hidden=True)
    assert suggestion.reason == "words: 'happy', 'customers'"
    assert not suggestion.shown  # sigmoid(2 + 1 - 1) = 0.881, under 0.9
    assert suggestion.score == 0.881


def test_a_price_without_an_amount_is_explained_by_its_wording():
    (context,) = contexts_for([SentenceIn("It is far cheaper than at home.", "paragraph", 0)])
    assert reason_for(context, "price-claim") == "price wording: 'cheaper'"


def quote(low: str | None, high: str | None, currency: str, per: str = "") -> PriceQuote:
    def amount(value):
        return None if value is None else Decimal(value)

    return PriceQuote(amount(low), amount(high), currency, per, 0, 1, "x")


@pytest.mark.parametrize(
    ("price", "text"),
    [
        (quote("2000", "9000", "USD"), "$2,000–$9,000"),
        (quote("1500", None, "EUR"), "from €1,500"),
        (quote(None, "8400", "CHF", "infusion"), "up to CHF 8,400 per infusion"),
        (quote("1499.99", "1499.99", "USD"), "$1,499.99"),
    ],
)
def test_a_price_reads_as_its_amounts(price, text):
    assert format_price(price) == text
