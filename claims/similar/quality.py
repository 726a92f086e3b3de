"""How well claim-text similarity tells the same claim from a different one, on labelled pairs.

The similarity is pg_trgm's over the claim keys (claims.similar.normalise), computed here the
way PostgreSQL computes it (tests compare the two), so that the figures need no database: each
word, padded with two spaces before and one after, gives its three-character pieces, and two
texts are as similar as the share of their distinct pieces they have in common.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.similar.normalise import claim_key, claim_text

# The similarity (pg_trgm's, 0 to 1, over claim texts) at or above which two sentences are
# taken to make the same claim: the threshold_tuned() of the tuning split of PAIRS (a test
# holds the two together; docs/similar.md gives how it does on the held-out split).
DEFAULT_MIN_SCORE = 0.35

PAIRS = Path(__file__).parent / "fixtures" / "pairs.jsonl"
THRESHOLDS = tuple(round(step / 100, 2) for step in range(5, 100, 5))


@dataclass(frozen=True)
class Pair:
    """Two sentences, and whether they make the same claim (`kind` says how they differ)."""

    a: str
    b: str
    same: bool
    kind: str
    split: str


@dataclass(frozen=True)
class Counts:
    """Labelled pairs found and missed, with precision, recall and F1 of them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class Quality(Counts):
    """The counts of claim-text similarity at one threshold."""

    threshold: float


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of a text (already case-folded, as claim texts are)."""
    pieces: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        pieces.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return pieces


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(a, b)."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def pairs_load(path: Path = PAIRS, *, split: str | None = None) -> list[Pair]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    pairs = [Pair(r["a"], r["b"], r["same"], r["kind"], r["split"]) for r in rows]
    return [pair for pair in pairs if split is None or pair.split == split]


def pair_score(pair: Pair) -> float:
    return similarity(claim_key(claim_text(pair.a)), claim_key(claim_text(pair.b)))


def quality_at(pairs: Iterable[Pair], threshold: float) -> Quality:
    tp = fp = fn = 0
    for pair in pairs:
        matched = pair_score(pair) >= threshold
        tp += matched and pair.same
        fp += matched and not pair.same
        fn += pair.same and not matched
    return Quality(true_positives=tp, false_positives=fp, false_negatives=fn, threshold=threshold)


def threshold_tuned(pairs: Sequence[Pair], thresholds: Sequence[float] = THRESHOLDS) -> Quality:
    """The threshold with the best F1 on `pairs` (the higher one of a tie: fewer false
    matches for the same F1)."""
    return max((quality_at(pairs, t) for t in thresholds), key=lambda q: (q.f1, q.threshold))
