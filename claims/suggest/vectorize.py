"""Sentence contexts -> a sparse matrix of binary features, over a fixed or a fitted vocabulary."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp

from claims.suggest.features import (
    FEATURES_VERSION,
    SentenceContext,
    char_features,
    rule_features,
    tokens,
    word_features,
)


@dataclass(frozen=True)
class FeatureSettings:
    """How features are made and weighed; saved with a model so scoring makes the same ones."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    # A feature's value when present, by family (chosen by cross-validation on the training
    # pages): the n-gram families are large, so each of their features counts for less.
    rule_weight: float = 1.5
    word_weight: float = 1.0
    char_weight: float = 0.25
    version: str = FEATURES_VERSION

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "FeatureSettings":
        return cls(
            word_ngrams=(int(data["word_ngrams"][0]), int(data["word_ngrams"][1])),
            char_ngrams=(int(data["char_ngrams"][0]), int(data["char_ngrams"][1])),
            rule_weight=float(data["rule_weight"]),
            word_weight=float(data["word_weight"]),
            char_weight=float(data["char_weight"]),
            version=str(data["version"]),
        )

    def weight_of(self, name: str) -> float:
        family = name.split(":", 1)[0]
        return {"w": self.word_weight, "c": self.char_weight}.get(family, self.rule_weight)


_WORD_CACHE_LIMIT = 200_000  # distinct words remembered (numbers and garbled words never end)


class Vectorizer:
    """Feature indices of contexts. With `grow`, unseen features get new indices (fitting);
    without, they are dropped (scoring with a saved vocabulary)."""

    def __init__(self, settings: FeatureSettings, vocabulary: Sequence[str] = (), *, grow=False):
        self.settings = settings
        self.index = {name: i for i, name in enumerate(vocabulary)}
        self.grow = grow
        # Per distinct word, the indices of its unigram and character n-grams: words repeat,
        # so this turns most of the n-gram work into one dictionary look-up per word.
        self._word_features: dict[str, list[int]] = {}

    @property
    def names(self) -> list[str]:
        return sorted(self.index, key=self.index.__getitem__)

    def _lookup(self, names: Sequence[str]) -> list[int]:
        if self.grow:
            return [self.index.setdefault(name, len(self.index)) for name in names]
        return [index for index in map(self.index.get, names) if index is not None]

    def _of_word(self, word: str) -> list[int]:
        """A word's own features: its unigram and its character n-grams."""
        cached = self._word_features.get(word)
        if cached is None:
            if len(self._word_features) > _WORD_CACHE_LIMIT:
                self._word_features.clear()
            names = (
                word_features([word], ngrams=(1, 1)) if self.settings.word_ngrams[0] == 1 else []
            )
            if self.settings.char_weight:
                names += char_features(word, ngrams=self.settings.char_ngrams)
            cached = self._word_features[word] = self._lookup(names)
        return cached

    def indices(self, context: SentenceContext) -> list[int]:
        """The feature indices of one context, in no order, some perhaps twice."""
        words = tokens(context.text)
        low, high = self.settings.word_ngrams
        indices = self._lookup(rule_features(context))
        indices += self._lookup(word_features(words, ngrams=(max(low, 2), high)))
        for word in words:
            indices += self._of_word(word)
        return indices

    def row(self, context: SentenceContext) -> np.ndarray:
        """Sorted, distinct feature indices of one context."""
        return np.array(sorted(set(self.indices(context))), dtype=np.int64)

    def matrix(self, contexts: Sequence[SentenceContext], values: np.ndarray) -> sp.csr_matrix:
        """One row per context with `values[j]` at each feature j it has, over the first
        len(values) features (all of them, for a fixed vocabulary)."""
        flat: list[int] = []
        ends = [0]
        for context in contexts:
            flat += self.indices(context)
            ends.append(len(flat))
        return binary_matrix(flat, ends, values)


def binary_matrix(flat: list[int], ends: list[int], values: np.ndarray) -> sp.csr_matrix:
    """Rows given by their column indices (repeats allowed) -> CSR with `values` per column."""
    indices = np.array(flat, dtype=np.int32)
    matrix = sp.csr_matrix(
        (np.ones(len(indices)), indices, np.array(ends, dtype=np.int64)),
        shape=(len(ends) - 1, len(values)),
    )
    matrix.sum_duplicates()  # sorts each row's columns and merges repeats
    matrix.data = values[matrix.indices]
    return matrix


def fit_matrix(
    contexts: Sequence[SentenceContext], settings: FeatureSettings, *, min_df: int
) -> tuple[list[str], sp.csr_matrix]:
    """The sorted vocabulary of features seen in at least `min_df` contexts (rule features
    always), and the contexts' matrix over it."""
    vectorizer = Vectorizer(settings, grow=True)
    flat: list[int] = []
    ends = [0]
    for context in contexts:
        flat += vectorizer.indices(context)
        ends.append(len(flat))
    names = vectorizer.names
    seen = binary_matrix(flat, ends, np.ones(len(names)))
    counts = np.bincount(seen.indices, minlength=len(names))
    kept = sorted(
        name
        for name, count in zip(names, counts, strict=True)
        if count >= min_df or name[:2] not in ("w:", "c:")
    )
    matrix = seen[:, [vectorizer.index[name] for name in kept]].tocsr()
    matrix.sort_indices()
    matrix.data = np.array([settings.weight_of(name) for name in kept])[matrix.indices]
    return kept, matrix
