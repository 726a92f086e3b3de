"""Training: one logistic regression per tag, thresholds calibrated on cross-validated scores."""

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from claims.suggest.corpus import HELDOUT_DIR, TRAIN_DIR, LabelledSentence, read_gold
from claims.suggest.evaluate import Scores, evaluate, scores_for
from claims.suggest.features import SentenceContext, SentenceIn, contexts_for
from claims.suggest.model import SCORE_DECIMALS, SuggesterModel, compact
from claims.suggest.vectorize import FeatureSettings, fit_matrix

DEFAULT_TAGS = ("unsupported", "overstated", "cited-case-report", "price-claim")
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "models" / "default.json"
DEFAULT_VERSION = "default-1"


@dataclass(frozen=True)
class TrainingSettings:
    features: FeatureSettings = field(default_factory=FeatureSettings)
    # Inverse regularisation strength per tag, and for tags not listed.
    c: dict[str, float] = field(default_factory=dict)
    default_c: float = 1.0
    positive_weight: float = 1.0  # class weight of the positive class
    min_df: int = 2  # n-grams seen in fewer sentences are dropped
    folds: int = 5
    min_precision: float = 0.8
    negative_weight: float = 2.0  # sample weight of a dismissed suggestion
    workers: int = 2  # processes fitting the per-tag, per-fold models on large corpora

    def c_for(self, tag: str) -> float:
        return self.c.get(tag, self.default_c)


@dataclass(frozen=True)
class _Rows:
    """The training rows of one tag: matrix rows, labels, sample weights and C."""

    index: np.ndarray
    gold: np.ndarray
    weight: np.ndarray  # sample weights: class weight times the dismissed-suggestion weight
    c: float


def train(
    examples: Sequence[LabelledSentence],
    *,
    version: str,
    tags: Sequence[str] = DEFAULT_TAGS,
    negatives: Sequence[tuple[LabelledSentence, str]] = (),
    settings: TrainingSettings | None = None,
) -> SuggesterModel:
    """A model for `tags` from gold sentences (in page order), plus sentences known not to
    carry one tag (dismissed suggestions), which count only against that tag."""
    settings = settings or TrainingSettings()
    dismissed = [sentence for sentence, _ in negatives]
    sentences = [*examples, *dismissed]
    # A dismissed sentence is read among the other dismissed ones of its page: gold pages
    # are whole, while dismissals are a few scattered sentences.
    contexts = page_contexts(examples) + page_contexts(dismissed)
    vocabulary, matrix = fit_matrix(contexts, settings.features, min_df=settings.min_df)
    folds = _fold_of(np.array([sentence.page for sentence in sentences]), settings.folds)
    rows = {tag: _rows_for(tag, examples, negatives, settings) for tag in tags}
    fitted = _fit_all(matrix, rows, folds, settings)
    weights, intercepts, thresholds, figures = [], [], {}, {}
    for tag in tags:
        cv_scores = _cross_validated_scores(matrix, rows[tag], folds, fitted[tag])
        thresholds[tag] = calibrate_threshold(cv_scores, rows[tag].gold, settings.min_precision)
        figures[tag] = _tag_figures(cv_scores, rows[tag].gold, thresholds[tag])
        coef, intercept = fitted[tag][_ALL]
        weights.append(coef)
        intercepts.append(intercept)
    summary = _summary(examples, tags, figures, settings, folds)
    return compact(
        version,
        settings.features,
        vocabulary,
        np.column_stack(weights),
        intercepts,
        thresholds,
        summary,
    )


def page_contexts(sentences: Sequence[LabelledSentence]) -> list[SentenceContext]:
    """Contexts of sentences given page by page, each page's in reading order."""
    by_page: dict[str, list[int]] = {}
    for index, sentence in enumerate(sentences):
        by_page.setdefault(sentence.page, []).append(index)
    contexts: list[SentenceContext | None] = [None] * len(sentences)
    for indices in by_page.values():
        page = [_sentence_in(sentences[i]) for i in indices]
        for i, context in zip(indices, contexts_for(page), strict=True):
            contexts[i] = context
    return [context for context in contexts if context is not None]


def _sentence_in(sentence: LabelledSentence) -> SentenceIn:
    return SentenceIn(text=sentence.text, kind=sentence.kind, block=sentence.block)


def _rows_for(
    tag: str,
    examples: Sequence[LabelledSentence],
    negatives: Sequence[tuple[LabelledSentence, str]],
    settings: TrainingSettings,
) -> _Rows:
    dismissed = [len(examples) + i for i, (_, negative) in enumerate(negatives) if negative == tag]
    gold = np.array([tag in s.tags for s in examples] + [False] * len(dismissed), dtype=bool)
    weight = np.array([1.0] * len(examples) + [settings.negative_weight] * len(dismissed))
    weight[gold] *= settings.positive_weight
    return _Rows(
        index=np.array([*range(len(examples)), *dismissed], dtype=np.int64),
        gold=gold,
        weight=weight,
        c=settings.c_for(tag),
    )


def _fold_of(groups: np.ndarray, folds: int) -> np.ndarray:
    """The cross-validation fold of each row, whole pages to a fold."""
    n_splits = min(folds, len(set(groups)))
    fold = np.zeros(len(groups), dtype=np.int64)
    if n_splits < 2:
        return fold
    for number, (_, test) in enumerate(GroupKFold(n_splits=n_splits).split(groups, groups=groups)):
        fold[test] = number
    return fold


# Stricter than liblinear's own default for the dual (0.1); tighter changes nothing
# measurable on the corpus and costs half as much again on 100,000 sentences.
_TOLERANCE = 1e-2
# Rows from which fitting in worker processes pays for starting them (about a second).
_PARALLEL_FROM = 20_000
_ALL = -1  # the fold number of the final model, fitted on every row


def _fit_all(
    matrix: sp.csr_matrix, rows: dict[str, _Rows], folds: np.ndarray, settings: TrainingSettings
) -> dict[str, dict[int, tuple[np.ndarray, float]]]:
    """Weights and intercept per tag and fold: one model per cross-validation fold (trained
    on the other folds' pages) and the final one.

    On large corpora the fits run in worker processes. Not threads: liblinear draws from the
    C library's one random generator per process, which threads would share, and the same
    corpus must give the same bytes. Each fit seeds the generator, so a fit's result does not
    depend on the process it ran in or on the order."""
    jobs = [(tag, fold) for tag in rows for fold in [_ALL, *np.unique(folds).tolist()]]
    if settings.workers > 1 and matrix.shape[0] >= _PARALLEL_FROM:
        with ProcessPoolExecutor(
            max_workers=settings.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_share,
            initargs=(matrix, rows, folds),
        ) as pool:
            results = list(pool.map(_shared_fit, jobs))
    else:
        results = [_fit_fold(matrix, rows[tag], folds, fold) for tag, fold in jobs]
    fitted: dict[str, dict[int, tuple[np.ndarray, float]]] = {tag: {} for tag in rows}
    for (tag, fold), result in zip(jobs, results, strict=True):
        fitted[tag][fold] = result
    return fitted


# What a worker process's fits read, sent once per process rather than once per fit.
_shared: dict[str, Any] = {}


def _share(matrix: sp.csr_matrix, rows: dict[str, _Rows], folds: np.ndarray) -> None:
    _shared.update(matrix=matrix, rows=rows, folds=folds)


def _shared_fit(job: tuple[str, int]) -> tuple[np.ndarray, float]:
    tag, fold = job
    return _fit_fold(_shared["matrix"], _shared["rows"][tag], _shared["folds"], fold)


def _fit_fold(
    matrix: sp.csr_matrix, rows: _Rows, folds: np.ndarray, fold: int
) -> tuple[np.ndarray, float]:
    """The model trained on every fold but `fold` (on everything when that leaves nothing)."""
    keep = folds[rows.index] != fold
    if fold == _ALL or not keep.any():
        keep = np.ones(len(rows.index), dtype=bool)
    if keep.all() and np.array_equal(rows.index, np.arange(matrix.shape[0])):
        return _fit(matrix, rows.gold, rows.weight, rows.c)  # every row: no copy to make
    return _fit(matrix[rows.index[keep]], rows.gold[keep], rows.weight[keep], rows.c)


def _fit(
    matrix: sp.csr_matrix, gold: np.ndarray, weight: np.ndarray, c: float
) -> tuple[np.ndarray, float]:
    if gold.all() or not gold.any():
        # One class only: a constant model, sure of the only answer it has seen.
        return np.zeros(matrix.shape[1]), 8.0 if gold.any() else -8.0
    classifier = LogisticRegression(
        solver="liblinear",
        C=c,
        random_state=0,
        max_iter=1000,
        # The dual problem: far faster on many sparse features, the same optimum.
        dual=True,
        tol=_TOLERANCE,
    )
    classifier.fit(matrix, gold, sample_weight=weight)
    return classifier.coef_[0], float(classifier.intercept_[0])


def _cross_validated_scores(
    matrix: sp.csr_matrix,
    rows: _Rows,
    folds: np.ndarray,
    fitted: dict[int, tuple[np.ndarray, float]],
) -> np.ndarray:
    """Each row's score from the model trained on the other folds' pages (with one fold
    only, from a model trained on every row: optimistic, but there is nothing else)."""
    row_folds = folds[rows.index]
    scores = np.zeros(len(rows.index))
    for fold in np.unique(row_folds):
        test = row_folds == fold
        coef, intercept = fitted[int(fold)]
        logits = matrix[rows.index[test]] @ coef + intercept
        scores[test] = 1.0 / (1.0 + np.exp(-logits))
    return scores


def calibrate_threshold(scores: np.ndarray, gold: np.ndarray, min_precision: float) -> float:
    """The threshold with the best F1 among those reaching `min_precision` (the lowest such on
    a tie); the best-F1 one if none does. Thresholds are scores as reported (3 places)."""
    rounded = np.round(scores, SCORE_DECIMALS)
    candidates = np.unique(rounded)
    if not gold.any() or not len(candidates):
        return 1.0
    order = np.argsort(-rounded, kind="stable")
    true_positives = np.cumsum(gold[order])
    # For threshold t, the predictions are every score >= t: a prefix of the sorted scores.
    ends = len(rounded) - np.searchsorted(np.sort(rounded), candidates, side="left")
    tp = true_positives[ends - 1]
    precision = tp / ends
    f1 = 2 * tp / (ends + gold.sum())
    eligible = precision >= min_precision
    pool = np.flatnonzero(eligible) if eligible.any() else np.arange(len(candidates))
    best = pool[f1[pool] == f1[pool].max()]
    return float(candidates[best.min()])


def _tag_figures(scores: np.ndarray, gold: np.ndarray, threshold: float) -> Scores:
    predicted = np.round(scores, SCORE_DECIMALS) >= threshold
    return scores_for(predicted.tolist(), gold.tolist())


def _summary(
    examples: Sequence[LabelledSentence],
    tags: Sequence[str],
    figures: dict[str, Scores],
    settings: TrainingSettings,
    folds: np.ndarray,
) -> dict[str, Any]:
    micro = Scores(
        tp=sum(s.tp for s in figures.values()),
        fp=sum(s.fp for s in figures.values()),
        fn=sum(s.fn for s in figures.values()),
    )
    training = asdict(settings)
    # The features are saved as the model's settings; the worker count changes nothing.
    training.pop("features")
    training.pop("workers")
    return {
        "cv": {
            "folds": len(np.unique(folds)),
            "tags": {tag: figures[tag].as_dict() for tag in tags},
            "micro": micro.as_dict(),
        },
        "training": training,
        "sentences": len(examples),
        "pages": len({sentence.page for sentence in examples}),
    }


def build_default_model() -> SuggesterModel:
    """The default model: every page in TRAIN_DIR, with the default settings. Its figures
    also record how it scores on HELDOUT_DIR, which is read only once the model is trained."""
    model = train(read_gold([TRAIN_DIR]), version=DEFAULT_VERSION)
    heldout = read_gold([HELDOUT_DIR])
    if not heldout:
        return model
    report = evaluate(model.predict(page_contexts(heldout)), [s.tags for s in heldout], model.slugs)
    return replace(model, figures={**model.figures, "heldout": report.as_dict()})
