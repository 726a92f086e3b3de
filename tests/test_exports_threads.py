"""The threads in the exports: W3C replying annotations (checked field by field), the JSONL
replies section read back by import_corpus, the CSV `replies` column (formula-safe), and the
editor's decision comment in ClaimReview; each only as far as the downloader may read it."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from claims.models import Annotation, Article, Reply
from claims.services.review import adjudication_finish, decision_make
from claims.services.threads import reply_create, reply_edit
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_article, reviewer, other_reviewer, editor) -> tuple[Annotation, list[Reply]]:
    """Rita's tag with a short discussion, and Omar's with a reply Rita may not read."""
    article = make_article()
    ritas = annotate_phrase(reviewer, article, "overstated", "no side effects", note="absolute")
    question = reply_create(annotation=ritas, author=editor, body="Any study cited?")
    reply_edit(reply=question, user=editor, body="Is any study cited?")
    answer = reply_create(annotation=ritas, author=reviewer, body="=None on the page.")
    omars = annotate_phrase(other_reviewer, article, "unsupported", "targets the root cause")
    reply_create(annotation=omars, author=editor, body="Root cause of what?")
    return ritas, [question, answer]


def _download(client, user, article_id: int, fmt: str, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("claims:article_export", args=[article_id, fmt]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_a_w3c_reply_is_a_replying_annotation_on_the_annotations_iri(client, editor, thread):
    ritas, (question, answer) = thread
    question.refresh_from_db()
    collection = json.loads(_download(client, editor, ritas.article_id, "w3c"))

    items = collection["first"]["items"]
    replies = [item for item in items if item["motivation"] == "replying"]
    assert collection["total"] == len(items) == 5
    base = "http://testserver/api/v1"
    assert replies[0] == {
        "id": f"{base}/replies/{question.pk}/",
        "type": "Annotation",
        "motivation": "replying",
        "creator": {"type": "Person", "nickname": "edna"},
        "created": _iso(question.created_at),
        "modified": _iso(question.edited_at),
        "body": [
            {
                "type": "TextualBody",
                "purpose": "replying",
                "value": "Is any study cited?",
                "format": "text/plain",
            }
        ],
        "target": f"{base}/annotations/{ritas.pk}/",
    }
    assert replies[1]["modified"] == replies[1]["created"] == _iso(answer.created_at)
    tagging_ids = {item["id"] for item in items if item["motivation"] == "tagging"}
    assert {reply["target"] for reply in replies} <= tagging_ids


def test_a_reviewer_downloads_only_the_threads_of_their_own_annotations(client, reviewer, thread):
    ritas, _ = thread
    items = json.loads(_download(client, reviewer, ritas.article_id, "w3c"))["first"]["items"]
    assert [item["motivation"] for item in items] == ["tagging", "replying", "replying"]


def test_the_csv_has_a_replies_column_that_a_spreadsheet_does_not_run(client, editor, thread):
    ritas, _ = thread
    rows = list(csv.DictReader(io.StringIO(_download(client, editor, ritas.article_id, "csv"))))

    by_id = {row["annotation_id"]: row["replies"] for row in rows}
    assert by_id[str(ritas.pk)] == "edna: Is any study cited?\nrita: =None on the page."
    assert sorted(by_id.values())[1] == "edna: Root cause of what?"


def test_a_reply_cell_that_starts_like_a_formula_gets_a_quote(client, editor, reviewer, thread):
    ritas, _ = thread
    plotter = User.objects.create_user(username="+plotter")
    plotter.groups.add(*editor.groups.all())
    reply_create(annotation=ritas, author=plotter, body="fine")
    Reply.objects.exclude(author=plotter).filter(annotation=ritas).delete()

    rows = list(csv.DictReader(io.StringIO(_download(client, editor, ritas.article_id, "csv"))))

    assert {row["replies"] for row in rows if row["annotation_id"] == str(ritas.pk)} == {
        "'+plotter: fine"
    }


def test_the_jsonl_replies_section_names_each_replys_annotation(client, editor, thread):
    ritas, (question, _) = thread
    lines = [
        json.loads(line)
        for line in _download(client, editor, ritas.article_id, "jsonl").splitlines()
    ]

    replies = [line for line in lines if line.get("type") == "reply"]
    assert [line.get("type") for line in lines][-3:] == ["reply"] * 3
    question.refresh_from_db()
    assert replies[0] == {
        "type": "reply",
        "annotation": {
            "article": ritas.article.content_sha256,
            "start": ritas.start,
            "end": ritas.end,
            "tag": "overstated",
            "author": "rita",
            "final": False,
        },
        "author": "edna",
        "body": "Is any study cited?",
        "created_at": _iso(question.created_at),
        "edited_at": _iso(question.edited_at),
    }


def _thread_rows() -> list[tuple]:
    return list(
        Reply.objects.order_by("annotation__start", "id").values_list(
            "annotation__article__content_sha256",
            "annotation__start",
            "annotation__tag__slug",
            "annotation__author__username",
            "author__username",
            "body",
            "created_at",
            "edited_at",
        )
    )


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_import_corpus_reads_the_replies_back(thread, tmp_path: Path, fmt):
    before = _thread_rows()
    path = tmp_path / f"corpus.{fmt}"
    call_command("export_corpus", "--format", fmt, "--output", str(path))
    Article.objects.all().delete()
    assert Reply.objects.count() == 0

    out = io.StringIO()
    call_command("import_corpus", str(path), stdout=out)

    assert _thread_rows() == before
    assert "3 replies (0 already here)" in out.getvalue()
    again = io.StringIO()
    call_command("import_corpus", str(path), stdout=again)
    assert "0 replies (3 already here)" in again.getvalue()
    assert _thread_rows() == before


def test_claimreview_carries_the_editors_comment_on_the_decision(client, editor, reviewer, thread):
    ritas, _ = thread
    article = ritas.article
    decision_make(
        article=article,
        sentence=1,
        tag="overstated",
        accept=True,
        editor=editor,
        comment="No treatment is free of side effects.",
    )
    decision_make(article=article, sentence=2, tag="unsupported", accept=False, editor=editor)

    reviews = json.loads(_download(client, editor, article.pk, "claimreview"))["@graph"]

    bodies = {
        review["reviewRating"]["alternateName"]: review.get("reviewBody") for review in reviews
    }
    assert bodies["Overstated"] == "absolute\n\nEditor: No treatment is free of side effects."
    assert bodies["Unsupported"] is None
    # A reviewer reads the editor's comments once the adjudication is finished.
    mine = json.loads(_download(client, reviewer, article.pk, "claimreview"))["@graph"]
    assert [review["reviewBody"] for review in mine] == ["absolute"]
    adjudication_finish(article=article, editor=editor)
    mine = json.loads(_download(client, reviewer, article.pk, "claimreview"))["@graph"]
    assert [review["reviewBody"] for review in mine] == [
        "absolute\n\nEditor: No treatment is free of side effects."
    ]
