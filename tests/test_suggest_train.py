"""Training the suggester: determinism, calibrated thresholds, dismissed suggestions, and the
checked-in default model being what the corpus trains."""

import numpy as np
import pytest

from claims.suggest.corpus import parse_page
from claims.suggest.features import SentenceIn
from claims.suggest.model import SuggesterModel, load_model
from claims.suggest.train import (
    DEFAULT_MODEL_PATH,
    DEFAULT_TAGS,
    TrainingSettings,
    build_default_model,
    calibrate_threshold,
    page_contexts,
    train,
)

# Six short pages in the corpus format: enough for a five-fold cross-validation by page.
SMALL_PAGES = {
    "knee": """\
H |    | How much does the knee programme cost?
P | p  | Treatment starts at $4,500 for one knee.
P | p  | Both knees cost $8,000 in total.

P | uo | Our cells rebuild cartilage completely, with no side effects.
P | u  | The injection reduces inflammation in the joint.
L | o  | No surgery, no downtime, no risk
P | c  | A 52-year-old teacher walked without a cane after 4 injections.
P | c  | She now hikes every weekend.
H |    | Book a free consultation
""",
    "drip": """\
H |    | What is in the drip?
P |    | Each bag holds vitamins and saline.
P | uo | The drip flushes every toxin from your body for good.
P | u  | It boosts your immune system within hours.
T | p  | Immune drip | 45 minutes | €180
T | p  | Energy drip | 30 minutes | €150
P | c  | One client told us she slept through the night for the first time in years.
P |    | Our friendly nurses will welcome you.
""",
    "stem": """\
H |    | Can stem cells cure arthritis?
P | uo | Stem cells target the root cause of arthritis.
P | u  | They regenerate damaged tissue and restore mobility.
P | co | In one case study, a 70-year-old man was fully restored after a single infusion.
P | p  | Treatment abroad is far cheaper than at home.
P | p  | Prices range from $2,000 to $9,000 depending on the condition.
R |    | Lee KH, Park J. A case report of cells in knees. World J Clin Cases. 2021;9(23):6798-6803.
""",
    "peptide": """\
H |    | Why choose our peptides?
P | uo | Our peptides are the world's only formula that reverses ageing.
P | u  | They repair muscle and heal tendons faster.
P | c  | 9 of 12 patients reported less pain after two weeks.
P | p  | A monthly supply is $299, or $99 per month with financing.
P |    | Orders ship within two days.
H |    | References
R |    | Okafor N, et al. Peptides in a case series. Regen Med. 2019;14(2):101-109.
""",
    "ozone": """\
H |    | Does ozone therapy hurt?
P |    | Most people feel a slight pressure.
P | u  | Ozone kills viruses and oxygenates the blood.
P | uo | It is completely safe and has no side effects.
P | c  | My husband had Lyme disease and after ten sessions he was himself again.
P | p  | Each session costs £120, and packages of ten are £1,000.
P | p  | Insurance does not cover ozone, but we offer payment plans.
""",
    "red": """\
H |    | Red light for your skin
P | u  | Red light stimulates collagen and heals acne.
P | uo | Results are guaranteed for every patient.
P | c  | Sara, 34, saw her scars fade in a month.
P | p  | The panel costs $599, a fraction of clinic prices.
L |    | Call us today
C |    | Written by the Rubra team
""",
}


def small_corpus():
    return [
        sentence for page, text in SMALL_PAGES.items() for sentence in parse_page(text, page=page)
    ]


@pytest.fixture(scope="module")
def small_model() -> SuggesterModel:
    return train(small_corpus(), version="small-1")


def test_it_trains_the_same_bytes_twice(small_model):
    again = train(small_corpus(), version="small-1")
    assert again.to_json() == small_model.to_json()


def test_fitting_in_worker_processes_gives_the_same_bytes(small_model, monkeypatch):
    monkeypatch.setattr("claims.suggest.train._PARALLEL_FROM", 1)
    parallel = train(small_corpus(), version="small-1", settings=TrainingSettings(workers=2))
    assert parallel.to_json() == small_model.to_json()


def test_it_trains_one_model_per_tag_with_thresholds_and_figures(small_model):
    assert small_model.slugs == DEFAULT_TAGS
    assert small_model.version == "small-1"
    for slug, tag in small_model.tags.items():
        assert 0.0 <= tag.threshold <= 1.0
        assert len(tag.weights) == len(small_model.vocabulary)
        assert set(small_model.figures["cv"]["tags"][slug]) >= {"precision", "recall", "f1"}
    assert small_model.figures["cv"]["folds"] == 5
    assert small_model.figures["pages"] == 6


def test_it_keeps_only_features_with_a_weight(small_model):
    weights = np.column_stack([tag.weights for tag in small_model.tags.values()])
    assert np.all(np.any(weights != 0, axis=1))


def test_it_trains_only_the_tags_asked_for():
    model = train(small_corpus(), version="prices-1", tags=["price-claim"])
    assert model.slugs == ("price-claim",)
    assert list(model.figures["cv"]["tags"]) == ["price-claim"]


def test_a_dismissed_suggestion_lowers_that_tag_only():
    corpus = small_corpus()
    dismissed = next(s for s in corpus if s.text.startswith("Insurance does not cover"))
    model = train(corpus, version="before")
    lowered = train(corpus, version="after", negatives=[(dismissed, "price-claim")] * 3)
    (context,) = page_contexts([dismissed])
    before, after = model.score([context])[0], lowered.score([context])[0]
    changes = dict(zip(model.slugs, after - before, strict=True))
    assert changes["price-claim"] < -0.1
    # The others move only as far as the vocabulary does (the sentence's words now pass
    # the minimum count): far less.
    assert all(abs(change) < 0.1 for slug, change in changes.items() if slug != "price-claim")


def test_the_threshold_is_the_best_f1_reaching_the_precision():
    scores = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3])
    gold = np.array([True, True, False, True, True, False, False, True])
    # From 0.6 up: 4 of 5 right (P 0.8, F1 0.8); from 0.3: P 5/8; from 0.9: P 1, F1 0.57.
    assert calibrate_threshold(scores, gold, 0.8) == 0.6


def test_the_threshold_falls_back_to_the_best_f1_when_no_precision_is_enough():
    scores = np.array([0.9, 0.8, 0.2])
    gold = np.array([False, True, False])
    assert calibrate_threshold(scores, gold, 0.8) == 0.8


def test_the_threshold_is_one_when_no_sentence_carries_the_tag():
    assert calibrate_threshold(np.array([0.3, 0.2]), np.array([False, False]), 0.8) == 1.0


@pytest.fixture(scope="module")
def default_model() -> SuggesterModel:
    return build_default_model()


def test_the_checked_in_default_model_is_what_the_corpus_trains(default_model):
    assert DEFAULT_MODEL_PATH.read_text(encoding="utf-8") == default_model.to_json()


def test_the_default_model_reaches_the_precision_on_cross_validation(default_model):
    cv = default_model.figures["cv"]
    assert cv["folds"] == 5
    for slug in DEFAULT_TAGS:
        assert cv["tags"][slug]["precision"] >= 0.8, slug


def test_the_default_model_loads_and_scores_fast_enough_to_use():
    model = load_model(DEFAULT_MODEL_PATH)
    assert model.version == "default-1"
    (context,) = page_contexts(
        parse_page("P | p | The full protocol costs $12,000 per knee.", page="x")
    )
    scores = dict(zip(model.slugs, model.score([context])[0], strict=True))
    assert scores["price-claim"] >= model.tags["price-claim"].threshold
    assert SentenceIn  # the input type the Django side builds
