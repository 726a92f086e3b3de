"""Quality and speed of the claim suggester: the pure pipeline, then the server and the worker.

Usage: `python bench/suggest.py [--only quality|scoring|training|worker]` (`make bench`).
Prints:
1. precision, recall and F1 per tag and micro on the held-out pages (claims/suggest/corpus/
   heldout, never used for training or tuning) for the naive keyword baseline and for the
   checked-in default model at its calibrated thresholds;
2. the time to suggest for a 1,225-sentence article built from held-out sentences (contexts,
   scores and reasons; p50 of RUNS runs, per-sentence caches emptied before each, so no run
   reuses another's work; per-word caches stay warm, as in a worker), and to score it only;
3. the time to train (vectorise, 5-fold cross-validation, calibration, final fit) on 100,000
   labelled sentences: the training pages repeated with light, deterministic perturbation;
4. with DATABASE_URL naming a PostgreSQL server, on a throwaway database there: the same article
   uploaded, its suggestions computed and stored and read through the API (p50), and a corpus
   run over 2,000 stored articles (~126,000 sentences) by a real `manage.py db_worker` process
   (articles per second).

Targets on a 2-core machine: micro-F1 >= 0.75, price-claim F1 >= 0.9 and every tag's
precision >= 0.8 on held-out; suggestions for 1,225 sentences <= 300 ms server-side; training
on 100,000 sentences <= 60 s.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from harness import ROOT, project_on_path

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


WORKER_ARTICLES = 2_000
SENTENCES_PER_ARTICLE = 63  # ~126,000 sentences in all, the corpus size of the other benches


def worker_figures() -> None:
    """Server side, on a throwaway PostgreSQL database: computing and storing the 1,225-sentence
    article's suggestions, reading them through the API, and a corpus run over 2,000 stored
    articles by a real `db_worker` process."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("server and worker figures need PostgreSQL: set DATABASE_URL=postgres://...")
        return
    from harness import django_setup, test_database

    django_setup()
    with test_database():
        _server_figures()
        _worker_run()


def _server_figures() -> None:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from claims.models import REVIEWER, Suggestion
    from claims.services.articles import Upload, article_ingest
    from claims.services.suggestions import suggester_active, suggester_model, suggestions_compute

    article_text = "\n\n".join(sentence.text for sentence in article_of(ARTICLE_SENTENCES))
    article = article_ingest(
        upload=Upload(data=article_text.encode(), filename="long-page.txt"), user=None
    )
    version = suggester_active()
    suggester_model(version)  # the worker holds the model once loaded

    times = []
    for _ in range(RUNS):
        Suggestion.objects.filter(article=article).delete()
        clear_text_caches()
        started = time.perf_counter()
        stored = suggestions_compute(article=article, version=version)
        times.append(time.perf_counter() - started)
    computed = statistics.median(times)
    reviewer = User.objects.create_user("bench-reviewer", password="bench-password")
    reviewer.groups.add(Group.objects.get(name=REVIEWER))
    client = Client(HTTP_HOST="localhost")
    client.force_login(reviewer)
    url = f"/api/v1/articles/{article.pk}/suggestions/"
    shown = len(client.get(url).json()["results"])
    read = median_seconds(lambda: client.get(url))
    print(
        f"article of {article.sentences.count():,} sentences: suggestions computed and stored "
        f"({stored:,} rows, hidden ones included) p50 {computed * 1000:.0f} ms; "
        f"GET /api/v1/articles/{{id}}/suggestions/ "
        f"({shown} shown) p50 {read * 1000:.0f} ms; {RUNS} runs each"
    )


def _worker_run() -> None:
    import corpus
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from claims.bulk_rows import rows_insert
    from claims.models import Article, Sentence, Suggestion, SuggestionRun
    from claims.services.suggestions import suggestion_run_start

    seed = article_of(WORKER_ARTICLES * SENTENCES_PER_ARTICLE // 10)
    articles, layouts = [], []
    for number in range(WORKER_ARTICLES):
        first = number * SENTENCES_PER_ARTICLE % (len(seed) - SENTENCES_PER_ARTICLE)
        sentences = seed[first : first + SENTENCES_PER_ARTICLE]
        text, spans = "", []
        for index, sentence in enumerate(sentences):
            if index:
                text += "\n\n" if sentence.block != sentences[index - 1].block else " "
            spans.append((sentence.block, len(text), len(text) + len(sentence.text), sentence.kind))
            text += sentence.text
        text += f"\n\nPage {_letters(number + 1)}."
        spans.append(
            (
                spans[-1][0] + 1,
                len(text) - len(f"Page {_letters(number + 1)}."),
                len(text),
                "paragraph",
            )
        )
        articles.append(
            corpus.plain_text_article(
                text, title=f"Clinic page {number + 1}", publisher=f"Clinic {number % 150 + 1}"
            )
        )
        layouts.append(spans)
    stored = Article.objects.bulk_create(articles, batch_size=500)
    rows_insert(
        model=Sentence,
        columns=("article_id", "index", "block", "start", "end", "text", "kind"),
        rows=(
            (article.pk, index, block, start, end, article.text[start:end], kind)
            for article, spans in zip(stored, layouts, strict=True)
            for index, (block, start, end, kind) in enumerate(spans)
        ),
    )
    sentence_count = Sentence.objects.filter(article__in=stored).count()
    DBTaskResult.objects.all().delete()
    run = suggestion_run_start(user=None)
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload"]
    started = time.perf_counter()
    finished = subprocess.run(
        [*command, "--no-startup-delay"], cwd=ROOT, env=env, capture_output=True, timeout=1800
    )
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    if finished.returncode or run.state != SuggestionRun.State.FINISHED:
        raise SystemExit(f"the worker failed ({run.state}): {finished.stderr.decode()[-2000:]}")
    stored_suggestions = Suggestion.objects.filter(model=run.model).count()
    print(
        f"corpus run by one db_worker process: {run.done:,} articles "
        f"({sentence_count:,} sentences) in {seconds:.1f} s, {run.done / seconds:.0f} articles/s, "
        f"{sentence_count / seconds:,.0f} sentences/s, {stored_suggestions:,} suggestions stored "
        f"(worker start-up included)"
    )


PARTS = ("quality", "scoring", "training", "worker")


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
    if "worker" in parts:
        worker_figures()


if __name__ == "__main__":
    main()
