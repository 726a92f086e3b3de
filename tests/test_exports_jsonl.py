"""The native format: what JSONL and JSON downloads hold, and how a file is read back."""

import hashlib
import io
import json

import pytest
from django.urls import reverse

from claims.exports import jsonl
from claims.exports.jsonl import (
    CorpusFileError,
    article_problem,
    checked_fields,
    checked_header,
    read_records,
    sentences_problem,
    span_problem,
)
from claims.exports.rows import annotation_rows, article_rows
from claims.models import Annotation, Article, Tag
from tests.helpers import annotate_phrase

TEXT = "Is it safe? 🧬 Yes, totally.\n\nBook now."
SENTENCES = [[0, 0, 11, "heading", 0], [1, 12, 27, "paragraph", 1], [2, 29, 38, "paragraph", 2]]


def _records(client, user, fmt: str, url: str | None = None) -> list[dict]:
    client.force_login(user)
    response = client.get(url or reverse("claims:corpus_export", args=[fmt]))
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8")
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    document = json.loads(text)
    header = {"format": document["format"], "version": document["version"]}
    return [header, *document["tags"], *document["articles"], *document["annotations"]]


@pytest.fixture
def tagged(make_article, reviewer) -> Annotation:
    article = make_article(title="Knees", source_url="https://regenwell.example/knees")
    return annotate_phrase(reviewer, article, "overstated", "no side effects", "Says who?\nNobody.")


# --- Writing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_the_header_then_tags_articles_and_annotations(client, editor, tagged):
    records = _records(client, editor, "jsonl")

    assert records[0] == {"format": "claimscope", "version": 1}
    kinds = [r["type"] for r in records[1:]]
    assert kinds == ["tag"] * Tag.objects.count() + ["article", "annotation"]


@pytest.mark.django_db
def test_it_writes_every_field_of_a_tag(client, editor, tagged):
    tag = next(r for r in _records(client, editor, "jsonl")[1:] if r["slug"] == "overstated")

    stored = Tag.objects.get(slug="overstated")
    assert tag == {
        "type": "tag",
        "slug": "overstated",
        "name": "Overstated",
        "definition": stored.definition,
        "colour": stored.colour,
        "shortcut": "2",
        "order": 2,
        "archived": False,
    }


@pytest.mark.django_db
def test_it_writes_an_article_with_its_text_and_compact_sentences(client, editor, tagged):
    [article] = [r for r in _records(client, editor, "jsonl") if r.get("type") == "article"]

    stored = Article.objects.get()
    assert article == {
        "type": "article",
        "content_sha256": stored.content_sha256,
        "title": "Knees",
        "publisher": "RegenWell Institute",
        "source_url": "https://regenwell.example/knees",
        "original_filename": "pasted.txt",
        "media_type": "text/plain",
        "original_size": stored.original_size,
        "language": stored.language,
        "status": "in_review",
        "created_by": "rita",
        "created_at": stored.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": stored.updated_at.isoformat().replace("+00:00", "Z"),
        "adjudicated_at": "",
        "adjudicated_by": "",
        "text": stored.text,
        "sentences": [
            [s.index, s.start, s.end, s.kind, s.block] for s in stored.sentences.order_by("index")
        ],
    }


@pytest.mark.django_db
def test_it_names_an_annotations_article_tag_and_author_by_stable_keys(client, editor, tagged):
    [annotation] = [r for r in _records(client, editor, "jsonl") if r.get("type") == "annotation"]

    stored = Annotation.objects.select_related("article").get()
    assert annotation == {
        "type": "annotation",
        "article": stored.article.content_sha256,
        "tag": "overstated",
        "author": "rita",
        "final": False,
        "start": stored.start,
        "end": stored.end,
        "quote": "no side effects",
        "note": "Says who?\nNobody.",
        "created_at": stored.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": stored.updated_at.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.django_db
def test_the_json_document_holds_the_same_records_as_the_lines(client, editor, tagged):
    assert _records(client, editor, "json") == _records(client, editor, "jsonl")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_it_stays_valid_across_chunks(client, editor, reviewer, make_article, fmt, monkeypatch):
    monkeypatch.setattr(jsonl, "CHUNK_SIZE", 2)
    monkeypatch.setattr(jsonl, "ARTICLE_CHUNK_SIZE", 1)
    for number in range(3):
        article = make_article(text=f"Clinic {number} cures all. Call us.")
        annotate_phrase(reviewer, article, "overstated", "cures all")

    records = _records(client, editor, fmt)

    assert [r.get("type") for r in records].count("annotation") == 3
    assert [r.get("type") for r in records].count("article") == 3


@pytest.mark.django_db
def test_it_gives_an_article_without_sentences_none_of_its_neighbours(make_article):
    first = make_article(text="First clinic. Cures all.")
    text = "No sentences stored for this one."
    Article.objects.create(
        title="Bare",
        media_type="text/plain",
        text=text,
        text_length=len(text),
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    last = make_article(text="Last clinic. Heals all.")

    rows = list(article_rows(Article.objects.all()))

    assert [len(row["sentences"]) for row in rows] == [2, 0, 2]
    assert [row["id"] for row in rows][::2] == [first.pk, last.pk]


@pytest.mark.django_db
def test_annotation_rows_never_read_the_article_text(tagged, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        list(annotation_rows(Annotation.objects.all()))

    assert '"text"' not in queries.captured_queries[0]["sql"].replace('"quote"', "")


# --- Reading ----------------------------------------------------------------------------------

HEADER_LINE = '{"format": "claimscope", "version": 1}\n'


@pytest.mark.parametrize("name", ["corpus.jsonl", "corpus.ndjson", "-", "corpus.txt"])
def test_it_reads_json_lines_by_name_or_by_their_first_line(name):
    stream = io.StringIO(HEADER_LINE + '{"type": "tag", "slug": "x"}\n\n')

    records = list(read_records(stream, name=name))

    assert records == [
        ("line 1", {"format": "claimscope", "version": 1}),
        ("line 2", {"type": "tag", "slug": "x"}),
    ]


@pytest.mark.parametrize("name", ["corpus.json", "-"])
@pytest.mark.parametrize("indent", [None, 2])
def test_it_reads_a_json_document_by_name_or_by_its_first_line(name, indent):
    document = {"format": "claimscope", "version": 1, "tags": [{"type": "tag"}], "articles": []}

    records = list(read_records(io.StringIO(json.dumps(document, indent=indent)), name=name))

    assert records == [
        ("the document", {"format": "claimscope", "version": 1}),
        ("tags[0]", {"type": "tag"}),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER_LINE + "{not json\n", "line 2 is not JSON"),
        (HEADER_LINE + "[1, 2]\n", "line 2 is not a JSON object"),
        ('{"format": "claimscope", "version": 1, "tags": {}}', "“tags” must be a list"),
        ('{"format": "claimscope", "tags": [', "The file is not JSON"),
    ],
)
def test_it_says_where_a_file_is_not_json(content, message):
    with pytest.raises(CorpusFileError, match=message):
        list(read_records(io.StringIO(content), name="-"))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"format": "doccano", "version": 1}, "does not start a Claimscope corpus"),
        ({"format": "claimscope", "version": 2}, "version 2 is not one this instance reads"),
    ],
)
def test_it_refuses_another_format_or_version(header, message):
    with pytest.raises(CorpusFileError, match=message):
        checked_header(header, where="line 1")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"type": "comment"}, "unknown record type 'comment'"),
        ({"type": "tag", "name": "X", "colour": "#000000"}, "the tag has no “slug”"),
        (
            {"type": "tag", "slug": "x", "name": "X", "colour": "#000000", "order": "1"},
            "the tag's “order” must be int",
        ),
        (
            {"type": "tag", "slug": "x", "name": "X", "colour": "#000000", "order": True},
            "the tag's “order” must be int",
        ),
        (
            {"type": "annotation", "article": "a", "tag": "x", "author": "u", "final": "yes"},
            "the annotation's “final” must be bool",
        ),
        (
            {"type": "annotation", "article": "a", "tag": "x", "author": "u", "final": 1},
            "the annotation's “final” must be bool",
        ),
    ],
)
def test_it_refuses_a_record_with_a_missing_or_mistyped_field(record, message):
    with pytest.raises(CorpusFileError, match=message):
        checked_fields(record, where="line 3")


def test_it_fills_in_optional_fields():
    kind, fields = checked_fields(
        {"type": "tag", "slug": "x", "name": "X", "colour": "#000000"}, where="line 2"
    )

    assert kind == "tag"
    assert fields == {
        **{"slug": "x", "name": "X", "definition": "", "colour": "#000000", "shortcut": ""},
        **{"order": 0, "archived": False},
    }


def test_it_accepts_sentences_that_fit_the_text():
    assert sentences_problem(TEXT, SENTENCES) is None


@pytest.mark.parametrize(
    ("sentences", "problem"),
    [
        ([[0, 0, 11, "heading"]], "sentence 0 is not [index, start, end, kind, block]"),
        ([[0, 0, 11, "heading", -1]], "sentence 0 is not [index, start, end, kind, block]"),
        ([[1, 0, 11, "heading", 0]], "sentence 0 is numbered 1"),
        ([[0, 0, 99, "heading", 0]], "sentence 0 spans 0–99, outside the text"),
        ([[0, 5, 5, "heading", 0]], "sentence 0 spans 5–5"),
        ([[0, 0, 11, "heading", 0], [1, 10, 27, "paragraph", 1]], "overlapping"),
        ([[0, 0, 11, "chapter", 0]], "sentence 0 has an unknown kind 'chapter'"),
        ([[0, 0, 11, "heading", 1], [1, 12, 27, "paragraph", 0]], "sentence 1 is in block 0"),
    ],
)
def test_it_finds_sentences_that_do_not_fit_the_text(sentences, problem):
    assert problem in sentences_problem(TEXT, sentences)


def test_it_checks_an_articles_hash_against_its_text():
    fields = {"text": TEXT, "sentences": SENTENCES, "content_sha256": "0" * 64}

    assert article_problem(fields) == "its content_sha256 is not the SHA-256 of its text"
    fields["content_sha256"] = hashlib.sha256(TEXT.encode()).hexdigest()
    assert article_problem(fields) is None


@pytest.mark.parametrize(
    ("start", "end", "quote", "problem"),
    [
        (12, 14, "Is", "its quote is not the article's text at 12–14"),
        (29, 99, "", "its span 29–99 is not inside its article's text (38 characters)"),
        (5, 5, "", "its span 5–5"),
    ],
)
def test_it_finds_annotation_spans_that_do_not_fit_the_text(start, end, quote, problem):
    fields = {"start": start, "end": end, "quote": quote}

    assert problem in span_problem(fields, text=TEXT)


def test_it_counts_span_positions_in_code_points():
    start = TEXT.index("Yes")

    assert span_problem({"start": start, "end": start + 3, "quote": "Yes"}, text=TEXT) is None
