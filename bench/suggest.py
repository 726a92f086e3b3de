"""Quality and speed of the claim suggester, the pure pipeline only (no database).

Usage: `python bench/suggest.py [--only quality|scoring|training]`. Prints:
1. precision, recall and F1 per tag and micro on the held-out pages (claims/suggest/corpus/
   heldout, never used for training or tuning) for the naive keyword baseline and for the
   checked-in default model at its calibrated thresholds;
2. the time to suggest for a 1,225-sentence article built from held-out sentences (contexts,
   scores and reasons; p50 of RUNS runs, per-sentence caches emptied before each, so no run
   reuses another's work; per-word caches stay warm, as in a worker), and to score it only;
3. the time to train (vectorise, 5-fold cross-validation, calibration, final fit) on 100,000
   labelled sentences: the training pages repeated with light, deterministic perturbation.

Targets on a 2-core machine: micro-F1 >= 0.75, price-claim F1 >= 0.9 and every tag's
precision >= 0.8 on held-out; scoring 1,225 sentences well under 300 ms; training on 100,000
sentences <= 60 s.
"""

import argparse
import random
import re
import statistics
import time
from collections.abc import Callable

from harness import project_on_path

project_on_path()

from claims.suggest.baseline import keyword_tags  # noqa: E402
from claims.suggest.corpus import HELDOUT_DIR, TRAIN_DIR, LabelledSentence, read_gold  # noqa: E402
from claims.suggest.evaluate import evaluate, format_report  # noqa: E402
from claims.suggest.features import SentenceIn, clear_text_caches, contexts_for  # noqa: E402
from claims.suggest.model import SuggesterModel, load_model  # noqa: E402
from claims.suggest.suggest import suggest  # noqa: E402
from claims.suggest.train import DEFAULT_MODEL_PATH, DEFAULT_TAGS, page_contexts, train  # noqa: E402

ARTICLE_SENTENCES = 1_225
TRAINING_SENTENCES = 100_000
RUNS = 9


def quality(model: SuggesterModel) -> None:
    gold = read_gold([HELDOUT_DIR])
    pages = len({sentence.page for sentence in gold})
    truth = [sentence.tags for sentence in gold]
    title = f"on {len(gold):,} held-out sentences of {pages} pages"
    baseline = [keyword_tags(sentence.text) for sentence in gold]
    print(format_report(evaluate(baseline, truth, DEFAULT_TAGS), f"keyword baseline, {title}"))
    print()
    predicted = model.predict(page_contexts(gold))
    thresholds = ", ".join(f"{slug} {tag.threshold:.3f}" for slug, tag in model.tags.items())
    heading = f"model {model.version} ({thresholds}), {title}"
    print(format_report(evaluate(predicted, truth, DEFAULT_TAGS), heading))


def article_of(size: int) -> list[SentenceIn]:
    """Held-out sentences in their blocks, repeated until there are `size`; each repeat is
    numbered, so that no two sentences of the article are the same text."""
    seed = read_gold([HELDOUT_DIR])
    sentences: list[SentenceIn] = []
    block, round_number = 0, 0
    while len(sentences) < size:
        round_number += 1
        last = None
        for sentence in seed:
            if len(sentences) == size:
                break
            if (sentence.page, sentence.block) != last:
                block, last = block + 1, (sentence.page, sentence.block)
            # A letter, not a number: a digit would send every sentence through price parsing.
            text = (
                sentence.text
                if round_number == 1
                else f"{sentence.text} ({_letters(round_number)})"
            )
            sentences.append(SentenceIn(text=text, kind=sentence.kind, block=block))
    return sentences


def _letters(number: int) -> str:
    """1 -> "a", 26 -> "z", 27 -> "aa": a repeat's mark."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def median_seconds(run: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        clear_text_caches()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scoring_speed(model: SuggesterModel) -> None:
    article = article_of(ARTICLE_SENTENCES)
    model.score(contexts_for(article[:10]))  # load the vocabulary once, as a worker would
    whole = median_seconds(lambda: suggest(model, article, include_hidden=True))
    scores = median_seconds(lambda: model.score(contexts_for(article)))
    shown = len(suggest(model, article))
    print(
        f"suggest() on a {len(article):,}-sentence article: p50 {whole * 1000:.0f} ms "
        f"(scores only {scores * 1000:.0f} ms), {shown} suggestions shown; {RUNS} runs"
    )


# Light perturbation: synonyms, digits shifted, a filler word, a doubled space.
_SYNONYMS = {
    "clinic": "centre",
    "patients": "clients",
    "treatment": "therapy",
    "pain": "discomfort",
    "our": "the",
    "cells": "cell lines",
    "results": "outcomes",
    "price": "cost",
    "quickly": "fast",
    "body": "system",
}
_WORD = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"\d")


def perturbed(text: str, rng: random.Random) -> str:
    """The text with one or two light edits, so that nearly every copy is a new string."""
    edited = text
    for edit in rng.sample([_shift_digits, _synonyms, _filler, _double_space], k=rng.randint(1, 2)):
        edited = edit(edited, rng)
    return edited if edited != text else _filler(text, rng)


def _shift_digits(text: str, rng: random.Random) -> str:
    shift = rng.randrange(1, 9)
    return _DIGIT.sub(lambda digit: str((int(digit[0]) + shift) % 10), text)


def _synonyms(text: str, rng: random.Random) -> str:
    return _WORD.sub(lambda word: _SYNONYMS.get(word[0], word[0]), text)


def _filler(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    words.insert(rng.randrange(1, len(words) + 1), rng.choice(["really", "truly", "now", "today"]))
    return " ".join(words)


def _double_space(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) < 2:
        return text + " "
    position = rng.randrange(1, len(words))
    return " ".join(words[:position]) + "  " + " ".join(words[position:])


def synthetic_corpus(size: int) -> list[LabelledSentence]:
    seed = read_gold([TRAIN_DIR])
    corpus: list[LabelledSentence] = []
    copy = 0
    while len(corpus) < size:
        rng = random.Random(copy)
        for sentence in seed[: size - len(corpus)]:
            corpus.append(
                LabelledSentence(
                    page=f"{sentence.page}~{copy}",
                    block=sentence.block,
                    kind=sentence.kind,
                    text=perturbed(sentence.text, rng) if copy else sentence.text,
                    tags=sentence.tags,
                )
            )
        copy += 1
    return corpus


def training_speed() -> None:
    corpus = synthetic_corpus(TRAINING_SENTENCES)
    distinct = len({sentence.text for sentence in corpus})
    clear_text_caches()
    started = time.perf_counter()
    model = train(corpus, version="bench")
    seconds = time.perf_counter() - started
    print(
        f"train() on {len(corpus):,} sentences ({distinct:,} distinct texts, "
        f"{len({s.page for s in corpus}):,} pages): {seconds:.1f} s, "
        f"{len(model.vocabulary):,} features kept, JSON {len(model.to_json()) / 1e6:.1f} MB"
    )


# ---- worker_figures() -------------------------------------------------------------------------
# The database and task-worker figures (computing suggestions for stored articles through the
# task queue) are added here by the Django side: `def worker_figures() -> None`.
# ------------------------------------------------------------------------------------------------


PARTS = ("quality", "scoring", "training")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (repeatable)"
    )
    args = parser.parse_args()
    parts = args.only or PARTS
    model = load_model(DEFAULT_MODEL_PATH)
    if "quality" in parts:
        quality(model)
        print()
    if "scoring" in parts:
        scoring_speed(model)
    if "training" in parts:
        training_speed()


if __name__ == "__main__":
    main()
