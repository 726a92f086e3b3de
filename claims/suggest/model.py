"""A trained suggester as plain data: vocabulary, per-tag weights and thresholds, and figures."""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from claims.suggest.features import FEATURES_VERSION, SentenceContext
from claims.suggest.vectorize import FeatureSettings, Vectorizer

FORMAT = "claimscope-suggester"
WEIGHT_DECIMALS = 5
SCORE_DECIMALS = 3


@dataclass(frozen=True)
class TagWeights:
    """One tag's linear model: a weight per vocabulary feature, an intercept, a threshold."""

    weights: np.ndarray  # aligned with SuggesterModel.vocabulary
    intercept: float
    threshold: float  # a suggestion is shown from this (rounded) score up


@dataclass(frozen=True, eq=False)
class SuggesterModel:
    version: str
    settings: FeatureSettings
    vocabulary: tuple[str, ...]
    tags: dict[str, TagWeights]  # in the order of score()'s columns
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(self.tags)

    @cached_property
    def _vectorizer(self) -> Vectorizer:
        return Vectorizer(self.settings, self.vocabulary)

    @cached_property
    def _weights(self) -> np.ndarray:
        return np.column_stack([tag.weights for tag in self.tags.values()])

    @cached_property
    def _values(self) -> np.ndarray:
        return np.array([self.settings.weight_of(name) for name in self.vocabulary])

    def matrix(self, contexts: Sequence[SentenceContext]) -> sp.csr_matrix:
        """The contexts' feature values over the model's vocabulary, one row per context."""
        return self._vectorizer.matrix(contexts, self._values)

    def probabilities(self, matrix: sp.csr_matrix) -> np.ndarray:
        intercepts = np.array([tag.intercept for tag in self.tags.values()])
        return 1.0 / (1.0 + np.exp(-(matrix @ self._weights + intercepts)))

    def score(self, contexts: Sequence[SentenceContext]) -> np.ndarray:
        """Probabilities, one row per context and one column per tag (in `slugs` order)."""
        if not contexts:
            return np.zeros((0, len(self.tags)))
        return self.probabilities(self.matrix(contexts))

    def predict(self, contexts: Sequence[SentenceContext]) -> list[frozenset[str]]:
        """The tags shown for each context: those scoring at or above their threshold."""
        scores = self.score(contexts)
        thresholds = [tag.threshold for tag in self.tags.values()]
        return [
            frozenset(
                slug
                for slug, score, threshold in zip(self.slugs, row, thresholds, strict=True)
                if shown(float(score), threshold)
            )
            for row in scores
        ]

    def top_words(self, matrix: sp.csr_matrix, row: int, slug: str, count: int = 3) -> list[str]:
        """The words (and word pairs) of one row of `matrix()` that raise a tag's score most."""
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        columns = matrix.indices[start:end]
        raised = matrix.data[start:end] * self.tags[slug].weights[columns]
        words: list[str] = []
        for i in np.argsort(-raised, kind="stable"):
            name = self.vocabulary[columns[i]]
            if raised[i] <= 0 or len(words) == count:
                break
            if name.startswith("w:"):
                words.append(name[2:])
        return words

    def to_json(self) -> str:
        return dump_model(self)

    @classmethod
    def from_json(cls, text: str) -> "SuggesterModel":
        return load_model_json(text)


def shown(score: float, threshold: float) -> bool:
    """The one rule for whether a score reaches a threshold: on the score as reported."""
    return round(score, SCORE_DECIMALS) >= threshold


def dump_model(model: SuggesterModel) -> str:
    """Deterministic JSON: sorted keys, rounded floats, one vocabulary row per line."""
    head = {
        "format": FORMAT,
        "version": model.version,
        "settings": model.settings.to_dict(),
        "tags": [
            {"slug": slug, "intercept": _round(tag.intercept), "threshold": tag.threshold}
            for slug, tag in model.tags.items()
        ],
        "figures": model.figures,
    }
    weights = np.column_stack([tag.weights for tag in model.tags.values()])
    rows = [
        json.dumps([name, *(_round(w) for w in weights[i])], ensure_ascii=False)
        for i, name in enumerate(model.vocabulary)
    ]
    text = json.dumps(head, sort_keys=True, indent=1, ensure_ascii=False)
    # "weights" sorts after every key of `head`, so the file keeps its keys sorted.
    return text[:-2] + ',\n "weights": [\n' + ",\n".join(rows) + "\n ]\n}\n"


def load_model_json(text: str) -> SuggesterModel:
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"not a suggester model (format {data.get('format')!r})")
    settings = FeatureSettings.from_dict(data["settings"])
    if settings.version != FEATURES_VERSION:
        raise ValueError(
            f"the model was trained on features version {settings.version}, "
            f"this code makes version {FEATURES_VERSION}: rebuild it"
        )
    rows = data["weights"]
    slugs = [tag["slug"] for tag in data["tags"]]
    weights = np.array([row[1:] for row in rows], dtype=float).reshape(len(rows), len(slugs))
    tags = {
        tag["slug"]: TagWeights(
            weights=weights[:, i], intercept=tag["intercept"], threshold=tag["threshold"]
        )
        for i, tag in enumerate(data["tags"])
    }
    return SuggesterModel(
        version=data["version"],
        settings=settings,
        vocabulary=tuple(row[0] for row in rows),
        tags=tags,
        figures=data["figures"],
    )


def load_model(path: Path | str) -> SuggesterModel:
    return load_model_json(Path(path).read_text(encoding="utf-8"))


def _round(value: float) -> float:
    rounded = round(float(value), WEIGHT_DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def compact(
    version: str,
    settings: FeatureSettings,
    vocabulary: Sequence[str],
    weights: np.ndarray,
    intercepts: Sequence[float],
    thresholds: dict[str, float],
    figures: dict[str, Any],
) -> SuggesterModel:
    """A model holding rounded weights and only the features with a non-zero one, so that it
    scores exactly as its JSON does. `weights` is [len(vocabulary), len(thresholds)]."""
    rounded = np.round(weights, WEIGHT_DECIMALS)
    rounded[rounded == 0] = 0.0
    keep = np.flatnonzero(np.any(rounded != 0, axis=1))
    tags = {
        slug: TagWeights(
            weights=rounded[keep, i], intercept=_round(intercepts[i]), threshold=thresholds[slug]
        )
        for i, slug in enumerate(thresholds)
    }
    return SuggesterModel(
        version=version,
        settings=settings,
        vocabulary=tuple(vocabulary[int(i)] for i in keep),
        tags=tags,
        figures=figures,
    )
