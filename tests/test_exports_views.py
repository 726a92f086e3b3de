"""The download views: who may export what, the filters, formats, media types and file names."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Annotation, Article
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

OZONE_TEXT = (
    "Ozone therapy 💨 at PureLife\n\n"
    "Ozone completely cleared her infection in 3 sessions. Sessions cost CAD 450.\n"
)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "md": "text/markdown; charset=utf-8",
    "w3c": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    "claimreview": "application/ld+json",
}
SUFFIXES = {
    "csv": ".csv",
    "json": ".json",
    "jsonl": ".jsonl",
    "md": ".md",
    "w3c": ".w3c.jsonld",
    "claimreview": ".claimreview.jsonld",
}


@pytest.fixture
def clinic(make_article) -> Article:
    return make_article(title="Knee clinic")


@pytest.fixture
def ozone(make_article) -> Article:
    return make_article(
        text=OZONE_TEXT,
        title="Ozone",
        publisher="PureLife",
        source_url="https://purelife.example/ozone",
    )


@pytest.fixture
def tagged(clinic, ozone, reviewer, other_reviewer) -> dict[str, Annotation]:
    return {
        "rita_clinic": annotate_phrase(
            reviewer, clinic, "overstated", "no side effects", "Says who?"
        ),
        "omar_clinic": annotate_phrase(other_reviewer, clinic, "price-claim", "Prices from $1,500"),
        "omar_ozone": annotate_phrase(other_reviewer, ozone, "overstated", "completely cleared"),
    }


def _corpus_url(fmt: str = "csv") -> str:
    return reverse("claims:corpus_export", args=[fmt])


def _article_url(article: Article, fmt: str = "csv") -> str:
    return reverse("claims:article_export", args=[article.pk, fmt])


def _csv_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    rows = csv.DictReader(io.StringIO(response.getvalue().decode("utf-8")))
    return {int(row["annotation_id"]) for row in rows}


def _ids(*annotations: Annotation) -> set[int]:
    return {a.pk for a in annotations}


# --- Formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_it_streams_each_corpus_format_with_its_media_type_and_file_name(
    client, editor, tagged, fmt
):
    client.force_login(editor)

    response = client.get(_corpus_url(fmt))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == MEDIA_TYPES[fmt]
    expected = f'attachment; filename="claimscope-annotations{SUFFIXES[fmt]}"'
    assert response["Content-Disposition"] == expected
    assert response.getvalue()


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_it_names_an_article_download_after_the_article(client, editor, clinic, tagged, fmt):
    client.force_login(editor)

    response = client.get(_article_url(clinic, fmt))

    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPES[fmt]
    expected = f'attachment; filename="article-{clinic.pk}-annotations{SUFFIXES[fmt]}"'
    assert response["Content-Disposition"] == expected


@pytest.mark.parametrize("fmt", ["json", "w3c", "claimreview"])
def test_its_json_downloads_parse(client, editor, tagged, fmt):
    client.force_login(editor)

    json.loads(client.get(_corpus_url(fmt)).getvalue())


def test_it_answers_404_for_an_unknown_format(client, editor, clinic):
    client.force_login(editor)

    corpus = client.get(_corpus_url("docx"))
    article = client.get(_article_url(clinic, "docx"))

    assert corpus.status_code == article.status_code == 404


# --- Who may export ---------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client, clinic):
    for url in (_corpus_url(), _article_url(clinic)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_it_forbids_users_without_a_role(client, outsider, clinic, tagged):
    client.force_login(outsider)

    assert client.get(_corpus_url()).status_code == 403
    assert client.get(_article_url(clinic)).status_code == 403


def test_it_answers_404_for_a_missing_article(client, editor):
    client.force_login(editor)

    assert client.get(reverse("claims:article_export", args=[9999, "csv"])).status_code == 404


def test_it_only_answers_get(client, editor, clinic):
    client.force_login(editor)

    assert client.post(_corpus_url()).status_code == 405
    assert client.post(_article_url(clinic)).status_code == 405


def test_it_gives_reviewers_only_their_own_annotations(client, reviewer, tagged):
    client.force_login(reviewer)

    assert _csv_ids(client.get(_corpus_url())) == _ids(tagged["rita_clinic"])


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_it_gives_editors_and_readers_every_annotation(client, request, tagged, persona):
    client.force_login(request.getfixturevalue(persona))

    assert _csv_ids(client.get(_corpus_url())) == _ids(*tagged.values())


def test_it_keeps_other_reviewers_notes_out_of_every_format(client, other_reviewer, tagged):
    client.force_login(other_reviewer)

    for fmt in MEDIA_TYPES:
        assert "Says who?" not in client.get(_corpus_url(fmt)).getvalue().decode()


# --- Filters and scope ------------------------------------------------------------------------


def test_the_article_download_covers_that_article_only(client, editor, clinic, tagged):
    client.force_login(editor)

    ids = _csv_ids(client.get(_article_url(clinic)))

    assert ids == _ids(tagged["rita_clinic"], tagged["omar_clinic"])


def test_it_selects_one_reviewer_of_an_article(client, editor, clinic, tagged):
    client.force_login(editor)

    ids = _csv_ids(client.get(_article_url(clinic), {"reviewer": "omar"}))

    assert ids == _ids(tagged["omar_clinic"])


def test_the_everyone_scope_covers_every_reviewer(client, editor, clinic, tagged):
    client.force_login(editor)

    ids = _csv_ids(client.get(_article_url(clinic), {"scope": "everyone"}))

    assert ids == _ids(tagged["rita_clinic"], tagged["omar_clinic"])


def test_an_empty_scope_means_everyone(client, editor, clinic, tagged):
    client.force_login(editor)

    ids = _csv_ids(client.get(_article_url(clinic), {"scope": "", "reviewer": ""}))

    assert ids == _ids(tagged["rita_clinic"], tagged["omar_clinic"])


def test_it_rejects_an_unknown_scope(client, editor, clinic):
    client.force_login(editor)

    response = client.get(_article_url(clinic), {"scope": "mine"})

    assert response.status_code == 400
    assert "scope" in response.text and "“everyone”" in response.text
    assert "not “mine”" in response.text


def test_it_rejects_the_final_scope_with_one_reviewer(client, editor, clinic):
    client.force_login(editor)

    response = client.get(_article_url(clinic), {"scope": "final", "reviewer": "omar"})

    assert response.status_code == 400
    assert "not both" in response.text


def test_it_rejects_invalid_filters_with_the_forms_message(client, editor, clinic):
    client.force_login(editor)
    dates = {"created_after": "2025-03-02", "created_before": "2025-03-01"}

    backwards = client.get(_corpus_url(), dates)
    unknown_tag = client.get(_article_url(clinic), {"tag": "miracle"})
    bad_status = client.get(_corpus_url("jsonl"), {"status": "lost"})

    assert backwards.status_code == unknown_tag.status_code == bad_status.status_code == 400
    assert backwards["Content-Type"] == "text/plain; charset=utf-8"
    assert "The end date is before the start date." in backwards.text
    assert "miracle" in unknown_tag.text
    assert "status" in bad_status.text


def test_it_filters_by_publisher(client, editor, tagged):
    client.force_login(editor)

    ids = _csv_ids(client.get(_corpus_url(), {"publisher": "PureLife"}))

    assert ids == _ids(tagged["omar_ozone"])


def test_it_filters_by_any_of_several_tags(client, editor, tagged):
    client.force_login(editor)

    one = _csv_ids(client.get(_corpus_url(), {"tag": ["price-claim"]}))
    two = _csv_ids(client.get(_corpus_url(), {"tag": ["price-claim", "overstated"]}))

    assert one == _ids(tagged["omar_clinic"])
    assert two == _ids(*tagged.values())


def test_it_filters_by_reviewer(client, editor, tagged):
    client.force_login(editor)

    ids = _csv_ids(client.get(_corpus_url(), {"reviewer": "rita"}))

    assert ids == _ids(tagged["rita_clinic"])


def test_it_filters_by_article_status(client, editor, clinic, tagged):
    client.force_login(editor)
    Article.objects.filter(pk=clinic.pk).update(status=Article.Status.REVIEWED)

    ids = _csv_ids(client.get(_corpus_url(), {"status": "reviewed"}))

    assert ids == _ids(tagged["rita_clinic"], tagged["omar_clinic"])


def test_it_filters_by_the_days_annotations_were_made(client, editor, tagged):
    client.force_login(editor)
    days = {"rita_clinic": 1, "omar_clinic": 2, "omar_ozone": 3}
    for key, day in days.items():
        moment = datetime(2025, 3, day, 23, 30, tzinfo=UTC)
        Annotation.objects.filter(pk=tagged[key].pk).update(created_at=moment)

    ids = _csv_ids(
        client.get(_corpus_url(), {"created_after": "2025-03-02", "created_before": "2025-03-02"})
    )

    assert ids == _ids(tagged["omar_clinic"])


def _jsonl_records(response) -> list[dict]:
    return [json.loads(line) for line in response.getvalue().decode().splitlines()]


def test_the_corpus_native_download_carries_only_articles_with_covered_annotations(
    client, reviewer, make_article, clinic, tagged
):
    make_article(text="An article nobody has tagged yet. It says little.", title="Untagged")
    client.force_login(reviewer)

    records = _jsonl_records(client.get(_corpus_url("jsonl")))

    titles = [r["title"] for r in records if r.get("type") == "article"]
    assert titles == ["Knee clinic"]
    assert [r["author"] for r in records if r.get("type") == "annotation"] == ["rita"]


def test_the_article_native_download_carries_the_article_even_without_annotations(
    client, editor, make_article
):
    untagged = make_article(text="An article nobody has tagged yet. It says little.")
    client.force_login(editor)

    records = _jsonl_records(client.get(_article_url(untagged, "jsonl")))

    articles = [r for r in records if r.get("type") == "article"]
    assert [a["content_sha256"] for a in articles] == [untagged.content_sha256]
    assert not [r for r in records if r.get("type") == "annotation"]


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_it_reads_as_many_queries_for_many_articles_as_for_one(
    client, editor, reviewer, make_article, fmt
):
    client.force_login(editor)

    def queries_with_articles(numbers: range) -> int:
        for number in numbers:
            article = make_article(text=f"Clinic {fmt} {number} cures all. It costs $10.")
            annotate_phrase(reviewer, article, "overstated", "cures all")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_corpus_url(fmt)).getvalue()
        return len(queries)

    assert queries_with_articles(range(1)) == queries_with_articles(range(1, 5))
