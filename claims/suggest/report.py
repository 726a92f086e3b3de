"""Scoring a model against labelled pages: the tags it would show on each sentence, and the
precision, recall and F1 that come of it."""

from collections.abc import Sequence

from claims.suggest.corpus import LabelledSentence
from claims.suggest.evaluate import Report, evaluate
from claims.suggest.model import SuggesterModel, shown
from claims.suggest.train import page_contexts


def predicted_tags(
    model: SuggesterModel, sentences: Sequence[LabelledSentence]
) -> list[frozenset[str]]:
    """The tags the model shows on each sentence (at or above each tag's threshold), read
    with the same page context the app gives it."""
    scores = model.score(page_contexts(sentences))
    slugs = list(model.tags)
    return [
        frozenset(
            slug
            for column, slug in enumerate(slugs)
            if shown(float(row[column]), model.tags[slug].threshold)
        )
        for row in scores
    ]


def model_report(model: SuggesterModel, sentences: Sequence[LabelledSentence]) -> Report:
    gold = [sentence.tags for sentence in sentences]
    return evaluate(predicted_tags(model, sentences), gold, list(model.tags))


def report_figures(report: Report) -> dict:
    """A report as the JSON a model version keeps with it."""
    return {
        "tags": {tag: scores.as_dict() for tag, scores in report.tags.items()},
        "micro": report.micro.as_dict(),
    }
