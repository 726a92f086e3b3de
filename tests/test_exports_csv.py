"""The CSV download: its header, one row per annotation read field by field, and quoting."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from claims.exports.csv import HEADER
from claims.models import Annotation
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

AWKWARD_NOTE = 'Claims "no side effects", yet lists three;\nsee the FAQ, point 4.'


@pytest.fixture
def article(make_article):
    return make_article(title="Knee clinic, “FAQ”", source_url="https://regenwell.example/knee")


@pytest.fixture
def tagged(article, reviewer) -> Annotation:
    annotation = annotate_phrase(reviewer, article, "overstated", "no side effects", AWKWARD_NOTE)
    moment = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    Annotation.objects.filter(pk=annotation.pk).update(created_at=moment)
    return annotation


def _download(client, user, article) -> str:
    client.force_login(user)
    response = client.get(reverse("claims:article_export", args=[article.pk, "csv"]))
    assert response.status_code == 200
    return response.getvalue().decode("utf-8")


def test_it_starts_with_the_header_and_no_byte_order_mark(client, editor, article, tagged):
    text = _download(client, editor, article)

    assert text.startswith(
        "article_id,article_title,publisher,article_url,annotation_id,tag,tag_name,start,end,"
        "quote,note,reviewer,created_at,context_before,context_after,replies\r\n"
    )
    assert list(HEADER) == next(csv.reader(io.StringIO(text)))


def test_it_writes_each_field_of_an_annotation(client, editor, article, tagged):
    rows = list(csv.DictReader(io.StringIO(_download(client, editor, article))))

    start = article.text.index("no side effects")
    assert rows == [
        {
            "article_id": str(article.pk),
            "article_title": "Knee clinic, “FAQ”",
            "publisher": "RegenWell Institute",
            "article_url": "https://regenwell.example/knee",
            "annotation_id": str(tagged.pk),
            "tag": "overstated",
            "tag_name": "Overstated",
            "start": str(start),
            "end": str(start + len("no side effects")),
            "quote": "no side effects",
            "note": AWKWARD_NOTE,
            "reviewer": "rita",
            "created_at": "2025-03-04T05:06:07.890000Z",
            "context_before": article.text[start - 32 : start],
            "context_after": article.text[start + 15 : start + 15 + 32],
            "replies": "",
        }
    ]


def test_it_quotes_notes_with_commas_quotes_and_line_breaks(client, editor, article, tagged):
    text = _download(client, editor, article)

    assert '"Claims ""no side effects"", yet lists three;\nsee the FAQ, point 4."' in text
    assert '"Knee clinic, “FAQ”"' in text


def test_it_writes_one_row_per_annotation_in_document_order(
    client, editor, other_reviewer, article, tagged
):
    first = annotate_phrase(other_reviewer, article, "unsupported", "Is stem cell therapy safe?")
    last = annotate_phrase(other_reviewer, article, "price-claim", "$10,000")

    rows = list(csv.DictReader(io.StringIO(_download(client, editor, article))))

    assert [int(r["annotation_id"]) for r in rows] == [first.pk, tagged.pk, last.pk]


def test_it_writes_only_the_header_when_nothing_is_covered(client, reviewer, make_article):
    untagged = make_article(text="Nothing to see here. Really.")

    text = _download(client, reviewer, untagged)

    assert text.count("\r\n") == 1
