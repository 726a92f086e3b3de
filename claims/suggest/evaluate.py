"""Precision, recall and F1 of predicted tag sets against gold ones, per tag and micro-averaged."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """0.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """0.0 when there was nothing to find."""
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def as_dict(self, decimals: int = 4) -> dict[str, float | int]:
        figures = {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        rounded = {name: round(value, decimals) for name, value in figures.items()}
        return {**asdict(self), "support": self.support, **rounded}


@dataclass(frozen=True)
class Report:
    tags: dict[str, Scores]
    micro: Scores

    def as_dict(self) -> dict[str, dict]:
        """As plain JSON data: {"tags": {slug: figures}, "micro": figures}."""
        return {
            "tags": {tag: scores.as_dict() for tag, scores in self.tags.items()},
            "micro": self.micro.as_dict(),
        }


def scores_for(predicted: Sequence[bool], gold: Sequence[bool]) -> Scores:
    pairs = list(zip(predicted, gold, strict=True))
    return Scores(
        tp=sum(p and g for p, g in pairs),
        fp=sum(p and not g for p, g in pairs),
        fn=sum(g and not p for p, g in pairs),
    )


def evaluate(
    predicted: Sequence[frozenset[str]], gold: Sequence[frozenset[str]], tags: Sequence[str]
) -> Report:
    """Sentence-level scores: `predicted[i]` and `gold[i]` are the tags of sentence i."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} gold sentences")
    per_tag = {
        tag: scores_for([tag in p for p in predicted], [tag in g for g in gold]) for tag in tags
    }
    micro = Scores(
        tp=sum(s.tp for s in per_tag.values()),
        fp=sum(s.fp for s in per_tag.values()),
        fn=sum(s.fn for s in per_tag.values()),
    )
    return Report(tags=per_tag, micro=micro)


def format_report(report: Report, title: str) -> str:
    """A fixed-width table: one line per tag, then the micro average."""
    width = max([len("micro"), *map(len, report.tags)])
    header = f"{'tag':<{width}}  {'P':>5}  {'R':>5}  {'F1':>5}  {'support':>7}  {'tp':>5}  "
    header += f"{'fp':>5}  {'fn':>5}"
    lines = [title, header, "-" * len(header)]
    for name, scores in [*report.tags.items(), ("micro", report.micro)]:
        lines.append(
            f"{name:<{width}}  {scores.precision:>5.3f}  {scores.recall:>5.3f}  "
            f"{scores.f1:>5.3f}  {scores.support:>7}  {scores.tp:>5}  {scores.fp:>5}  "
            f"{scores.fn:>5}"
        )
    return "\n".join(lines)
