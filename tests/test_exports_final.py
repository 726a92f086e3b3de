"""The final (adjudicated) annotations in every export format: `scope=final` on the downloads."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from claims.models import Annotation, Article, Tag
from claims.services.review import adjudication_finish
from tests.helpers import adjudicate, annotate_phrase

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "json", "jsonl", "md", "w3c", "claimreview")
OZONE_TEXT = "Ozone therapy\n\nOzone completely cleared her infection. Sessions cost CAD 450.\n"


@pytest.fixture
def clinic(make_article, reviewer, other_reviewer, editor) -> Article:
    """Rita and Omar flagged the knee clinic; Edna accepted the overstatement and the price
    and rejected the unsupported claim, and finished."""
    article = make_article(title="Knee clinic")
    annotate_phrase(reviewer, article, "overstated", "no side effects", "Says who?")
    annotate_phrase(other_reviewer, article, "overstated", "no side effects")
    annotate_phrase(other_reviewer, article, "price-claim", "Prices from $1,500")
    annotate_phrase(other_reviewer, article, "unsupported", "It targets the root cause")
    no_side_effects = _sentence_with(article, "no side effects")
    prices = _sentence_with(article, "Prices from")
    adjudicate(editor, article, accept={(no_side_effects, "overstated"), (prices, "price-claim")})
    return article


@pytest.fixture
def ozone(make_article, reviewer, editor) -> Article:
    """Rita's ozone claim, accepted by Edna in an adjudication she has not finished."""
    article = make_article(text=OZONE_TEXT, title="Ozone", publisher="PureLife")
    annotate_phrase(reviewer, article, "overstated", "completely cleared her infection")
    cleared = _sentence_with(article, "completely cleared")
    adjudicate(editor, article, accept={(cleared, "overstated")}, finish=False)
    return article


def _sentence_with(article: Article, phrase: str) -> int:
    return article.sentences.get(text__contains=phrase).index


def _download(client, url: str, query: dict | None = None) -> str:
    response = client.get(url, query or {})
    assert response.status_code == 200, response.content
    return response.getvalue().decode("utf-8")


def _article_url(article: Article, fmt: str) -> str:
    return reverse("claims:article_export", args=[article.pk, fmt])


def _corpus_url(fmt: str) -> str:
    return reverse("claims:corpus_export", args=[fmt])


# What each format says about its annotations: (tag, author) pairs; ClaimReview names no
# author, only the verdict's tag name.


def _csv_pairs(text: str) -> list[tuple[str, str]]:
    return [(row["tag"], row["reviewer"]) for row in csv.DictReader(io.StringIO(text))]


def _native_pairs(records: list[dict]) -> list[tuple[str, str]]:
    annotations = [r for r in records if r.get("type") == "annotation"]
    assert all(r["final"] is True for r in annotations)
    return [(r["tag"], r["author"]) for r in annotations]


def _json_pairs(text: str) -> list[tuple[str, str]]:
    return _native_pairs(json.loads(text)["annotations"])


def _jsonl_pairs(text: str) -> list[tuple[str, str]]:
    return _native_pairs([json.loads(line) for line in text.splitlines()])


def _md_pairs(text: str) -> list[tuple[str, str]]:
    names = {tag.name: tag.slug for tag in Tag.objects.all()}
    sections = re.findall(r"^### \d+\. (.+)\n\n(?:> .*\n)+\nReviewer (\w+)", text, re.MULTILINE)
    return [(names[name], reviewer) for name, reviewer in sections]


def _w3c_pairs(text: str) -> list[tuple[str, str]]:
    slugs = {f"http://testserver/vocabulary/{tag.slug}": tag.slug for tag in Tag.objects.all()}
    items = json.loads(text)["first"]["items"]
    return [(slugs[item["body"][0]["source"]], item["creator"]["nickname"]) for item in items]


def _claimreview_pairs(text: str) -> list[tuple[str, str]]:
    names = {tag.name: tag.slug for tag in Tag.objects.all()}
    reviews = json.loads(text)["@graph"]
    return [(names[r["reviewRating"]["alternateName"]], "") for r in reviews]


PAIRS = {
    "csv": _csv_pairs,
    "json": _json_pairs,
    "jsonl": _jsonl_pairs,
    "md": _md_pairs,
    "w3c": _w3c_pairs,
    "claimreview": _claimreview_pairs,
}


def _expected(fmt: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(tag, "" if fmt == "claimreview" else author) for tag, author in pairs]


# --- Article downloads ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_article_download_of_the_final_scope_holds_only_the_final_annotations(
    client, editor, clinic, fmt
):
    client.force_login(editor)

    text = _download(client, _article_url(clinic, fmt), {"scope": "final"})

    final = _expected(fmt, [("overstated", "edna"), ("price-claim", "edna")])
    assert PAIRS[fmt](text) == final


@pytest.mark.parametrize("fmt", ["csv", "md", "w3c"])
def test_an_article_download_of_the_reviewers_scope_holds_no_final_annotation(
    client, editor, clinic, fmt
):
    client.force_login(editor)

    pairs = PAIRS[fmt](_download(client, _article_url(clinic, fmt), {"scope": "everyone"}))

    assert sorted(pairs) == [
        ("overstated", "omar"),
        ("overstated", "rita"),
        ("price-claim", "omar"),
        ("unsupported", "omar"),
    ]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_the_native_formats_mark_each_annotation_final_or_not(client, editor, clinic, fmt):
    client.force_login(editor)

    reviews = _download(client, _article_url(clinic, fmt))
    finals = _download(client, _article_url(clinic, fmt), {"scope": "final"})

    records = (
        json.loads(reviews)["annotations"]
        if fmt == "json"
        else [json.loads(line) for line in reviews.splitlines()]
    )
    annotations = [r for r in records if r.get("type") == "annotation"]
    assert [r["final"] for r in annotations] == [False] * 4
    assert PAIRS[fmt](finals) == [("overstated", "edna"), ("price-claim", "edna")]


def test_the_native_formats_say_when_and_by_whom_an_article_was_adjudicated(
    client, editor, clinic, ozone
):
    client.force_login(editor)

    records = [json.loads(line) for line in _download(client, _corpus_url("jsonl")).splitlines()]

    articles = {r["title"]: r for r in records if r.get("type") == "article"}
    finished = Article.objects.get(pk=clinic.pk).adjudicated_at
    assert articles["Knee clinic"]["adjudicated_at"] == finished.isoformat().replace("+00:00", "Z")
    assert articles["Knee clinic"]["adjudicated_by"] == "edna"
    assert (articles["Ozone"]["adjudicated_at"], articles["Ozone"]["adjudicated_by"]) == ("", "")


def test_it_names_a_final_download_apart_from_the_reviewers(client, editor, clinic):
    client.force_login(editor)

    article = client.get(_article_url(clinic, "csv"), {"scope": "final"})
    corpus = client.get(_corpus_url("jsonl"), {"scope": "final"})

    assert article["Content-Disposition"] == (
        f'attachment; filename="article-{clinic.pk}-final-annotations.csv"'
    )
    assert corpus["Content-Disposition"] == (
        'attachment; filename="claimscope-final-annotations.jsonl"'
    )


def test_it_titles_a_final_download_as_such(client, editor, clinic):
    client.force_login(editor)

    markdown = _download(client, _article_url(clinic, "md"), {"scope": "final"})
    collection = json.loads(_download(client, _corpus_url("w3c"), {"scope": "final"}))

    assert markdown.startswith("# Final annotations on “Knee clinic”\n")
    assert collection["label"] == "Claimscope final annotations"


# --- Corpus downloads and who gets what -------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_corpus_download_of_the_final_scope_holds_every_final_annotation_for_editors(
    client, editor, clinic, ozone, fmt
):
    client.force_login(editor)

    text = _download(client, _corpus_url(fmt), {"scope": "final"})

    pairs = [("overstated", "edna"), ("price-claim", "edna"), ("overstated", "edna")]
    assert PAIRS[fmt](text) == _expected(fmt, pairs)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reviewer_gets_the_final_annotations_of_finished_adjudications_only(
    client, reviewer, clinic, ozone, fmt
):
    client.force_login(reviewer)

    text = _download(client, _corpus_url(fmt), {"scope": "final"})

    assert PAIRS[fmt](text) == _expected(fmt, [("overstated", "edna"), ("price-claim", "edna")])
    assert "Ozone" not in text


def test_a_reviewer_gets_an_articles_final_annotations_once_its_adjudication_is_finished(
    client, reviewer, editor, ozone
):
    client.force_login(reviewer)
    before = _csv_pairs(_download(client, _article_url(ozone, "csv"), {"scope": "final"}))

    adjudication_finish(article=ozone, editor=editor)
    after = _csv_pairs(_download(client, _article_url(ozone, "csv"), {"scope": "final"}))

    assert (before, after) == ([], [("overstated", "edna")])


def test_the_final_scope_is_refused_with_one_reviewer_on_every_download(client, editor, clinic):
    client.force_login(editor)
    query = {"scope": "final", "reviewer": "omar"}

    for url in (_article_url(clinic, "csv"), _corpus_url("w3c"), reverse("claims:price_export")):
        response = client.get(url, query)
        assert response.status_code == 400, url
        assert "Choose one reviewer or the final annotations, not both." in response.text


def test_the_price_download_of_the_final_scope_holds_the_accepted_prices(client, editor, clinic):
    client.force_login(editor)

    text = _download(client, reverse("claims:price_export"), {"scope": "final"})

    [row] = list(csv.DictReader(io.StringIO(text)))
    final = Annotation.objects.get(final=True, tag__slug="price-claim")
    assert (row["annotation_id"], row["reviewer"], row["minimum"]) == (
        str(final.pk),
        "edna",
        "1500",
    )
