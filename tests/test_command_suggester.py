"""The suggestion commands: `suggest_tags` prints an article's suggestions (computing them
first when it has none), `evaluate_suggester` scores a version on gold pages, and
`train_suggester` trains a new version from the shipped corpus and this instance's work."""

import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article, SuggesterVersion, Suggestion, SuggestionReview
from claims.services.suggestions import (
    instance_training_data,
    suggester_active,
    suggestions_compute,
)
from claims.suggest.corpus import HELDOUT_DIR
from tests.helpers import adjudicate, annotate_sentences, suggested

pytestmark = pytest.mark.django_db

FIELDS = {"article", "sentence", "start", "end", "tag", "score", "reason", "model"}


def lines_of(capsys) -> list[str]:
    return capsys.readouterr().out.strip().splitlines()


def test_it_computes_and_prints_one_json_object_per_shown_suggestion(make_article, capsys):
    article = make_article()
    assert not Suggestion.objects.filter(article=article).exists()
    call_command("suggest_tags", "--article", str(article.pk), "--json")
    rows = [json.loads(line) for line in lines_of(capsys)]
    stored = Suggestion.objects.filter(article=article, shown=True)
    assert len(rows) == stored.count() > 0
    for row in rows:
        assert set(row) == FIELDS
        assert row["article"] == article.pk
        assert row["model"] == suggester_active().version
        assert (
            article.text[row["start"] : row["end"]]
            == article.sentences.get(index=row["sentence"]).text
        )
    assert any(row["tag"] == "price-claim" and "$1,500" in row["reason"] for row in rows)


def test_all_prints_the_hidden_ones_too(make_article, capsys):
    article = make_article()
    suggestions_compute(article=article)
    call_command("suggest_tags", "--article", str(article.pk), "--json", "--all")
    every = [json.loads(line) for line in lines_of(capsys)]
    assert len(every) == Suggestion.objects.filter(article=article).count()


def test_it_prints_a_readable_line_without_json(make_article, capsys):
    article = make_article()
    call_command("suggest_tags", "--article", str(article.pk))
    assert any("price-claim" in line for line in lines_of(capsys))


def test_it_names_a_missing_article_or_version(make_article):
    with pytest.raises(CommandError, match="There is no article 999999"):
        call_command("suggest_tags", "--article", "999999")
    article = make_article()
    with pytest.raises(CommandError, match="no model version 'nope'"):
        call_command("suggest_tags", "--article", str(article.pk), "--model", "nope")


def test_evaluate_prints_precision_recall_and_f1_per_tag_and_micro(capsys):
    call_command("evaluate_suggester", str(HELDOUT_DIR), "--baseline")
    out = capsys.readouterr().out
    for tag in ("unsupported", "overstated", "cited-case-report", "price-claim", "micro"):
        assert tag in out
    assert "keyword baseline" in out
    assert suggester_active().version in out


def test_evaluate_reads_json_lines_gold(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    price = {"page": "p", "block": 0, "kind": "paragraph", "text": "It costs $4,500."}
    heading = {"page": "p", "block": 1, "kind": "heading", "text": "Why us?", "tags": []}
    rows = [{**price, "tags": ["price-claim"]}, heading]
    gold.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    call_command("evaluate_suggester", str(gold))
    assert "2 sentences of 1 page" in capsys.readouterr().out


def test_evaluate_refuses_a_malformed_gold_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"page": "p"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"gold\.jsonl:1"):
        call_command("evaluate_suggester", str(gold))


def test_training_stores_an_inactive_version_with_its_figures(
    make_article, reviewer, other_reviewer, editor, capsys
):
    article = make_article()
    annotate_sentences(reviewer, article, "overstated", 1, 1)
    annotate_sentences(other_reviewer, article, "overstated", 1, 1)
    dismissed = suggested(article, 2, "price-claim")
    SuggestionReview.objects.create(suggestion=dismissed, reviewer=reviewer, state="dismissed")
    call_command("train_suggester", "--name", "trained-test")
    out = capsys.readouterr().out
    assert "1 from this instance and 1 dismissed suggestions" in out
    version = SuggesterVersion.objects.get(version="trained-test")
    assert not version.active
    assert set(version.figures) >= {"cv", "heldout", "instance"}
    assert version.figures["heldout"]["micro"]["support"] > 0
    with pytest.raises(CommandError, match="already a model version"):
        call_command("train_suggester", "--name", "trained-test")


def test_training_learns_from_adjudicated_articles(make_article, reviewer, other_reviewer, editor):
    article = make_article()
    annotate_sentences(reviewer, article, "overstated", 1, 1)
    annotate_sentences(other_reviewer, article, "overstated", 1, 1)
    adjudicate(editor, article, accept={(1, "overstated")})
    examples, negatives = instance_training_data()
    adjudicated = Article.objects.get(pk=article.pk)
    assert len(examples) == adjudicated.sentences.count()
    tagged = [e for e in examples if e.tags]
    assert [(e.text, e.tags) for e in tagged] == [
        (adjudicated.sentences.get(index=1).text, frozenset({"overstated"}))
    ]
    assert negatives == []


def test_training_with_activate_makes_it_active_and_queues_a_run(capsys):
    call_command("train_suggester", "--name", "trained-now", "--activate")
    assert suggester_active().version == "trained-now"
    assert "is active; run" in capsys.readouterr().out
