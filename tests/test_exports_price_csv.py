"""The CSV of prices quoted in price claims, across publishers, and its download."""

import csv
import io

import pytest
from django.urls import reverse

from claims.exports.price_csv import HEADER, price_csv, price_rows
from claims.models import Annotation
from claims.services.annotations import AnnotationDraft, annotation_create

URL = reverse("claims:price_export")

REGENWELL_TEXT = (
    "How much does stem cell therapy cost?\n"
    "A single knee costs $4,500 and both knees cost $8,000.\n"
    "Prices are discussed at your free consultation.\n"
    "Our treatment has no side effects.\n"
)
NOVASTEM_TEXT = (
    "Treatment fees\n"
    "A full protocol costs between €7,000 and €31,000*.\n"
    "Monthly boosters are £2.5k per session.\n"
)
TWO_KNEES = "A single knee costs $4,500 and both knees cost $8,000."
NO_AMOUNT = "Prices are discussed at your free consultation."
PROTOCOL = "A full protocol costs between €7,000 and €31,000*."
BOOSTERS = "Monthly boosters are £2.5k per session."


@pytest.fixture
def regenwell(make_article):
    return make_article(REGENWELL_TEXT, title="Stem cells for knees", publisher="RegenWell")


@pytest.fixture
def novastem(make_article):
    return make_article(NOVASTEM_TEXT, title="Our fees", publisher="NovaStem Clinic")


def annotate(article, sentence: str, *, author, tag: str = "price-claim", note: str = ""):
    start = article.text.index(sentence)
    draft = AnnotationDraft(
        article_id=article.pk, tag=tag, start=start, end=start + len(sentence), note=note
    )
    return annotation_create(author=author, draft=draft)


def download(client, query: dict | None = None) -> list[dict[str, str]]:
    response = client.get(URL, query or {})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def amounts(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [(r["minimum"], r["maximum"], r["currency"], r["per"]) for r in rows]


# --- The rows, without a database --------------------------------------------------------------


def test_it_gives_a_row_per_price_in_the_sentence():
    annotation = ("Pub", 3, "Fees", 7, "From $1,500 to $3,000, or up to $10,000.", "rita", "")
    rows = price_rows(annotation)
    assert [row[5:9] for row in rows] == [("1500", "3000", "USD", ""), ("", "10000", "USD", "")]
    assert {row[:5] for row in rows} == {annotation[:5]}
    assert {row[9:] for row in rows} == {("rita", "")}


def test_it_writes_amounts_without_exponents():
    (row,) = price_rows(("Pub", 3, "Fees", 7, "Boosters are £2.5k per session.", "rita", ""))
    assert row[5:9] == ("2500", "2500", "GBP", "session")


def test_it_keeps_a_sentence_without_amounts_as_one_row():
    annotation = ("Pub", 3, "Fees", 7, NO_AMOUNT, "rita", "ask them")
    assert price_rows(annotation) == [(*annotation[:5], "", "", "", "", "rita", "ask them")]


# --- The CSV from the database -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_starts_with_the_header(client, editor):
    client.force_login(editor)
    response = client.get(URL)
    assert b"".join(response.streaming_content).decode() == ",".join(HEADER) + "\r\n"


@pytest.mark.django_db
def test_it_streams_a_csv_attachment(client, editor, regenwell, reviewer):
    annotate(regenwell, TWO_KNEES, author=reviewer)
    client.force_login(editor)
    response = client.get(URL)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="claimscope-prices.csv"'


@pytest.mark.django_db
def test_it_gives_two_rows_for_a_sentence_quoting_two_prices(client, regenwell, reviewer):
    annotation = annotate(regenwell, TWO_KNEES, author=reviewer)
    client.force_login(reviewer)
    rows = download(client)
    assert amounts(rows) == [("4500", "4500", "USD", ""), ("8000", "8000", "USD", "")]
    assert {(r["annotation_id"], r["quote"], r["article_id"]) for r in rows} == {
        (str(annotation.pk), TWO_KNEES, str(regenwell.pk))
    }
    assert {(r["publisher"], r["article_title"], r["reviewer"]) for r in rows} == {
        ("RegenWell", "Stem cells for knees", "rita")
    }


@pytest.mark.django_db
def test_it_keeps_a_price_claim_without_amounts_with_empty_amounts(client, regenwell, reviewer):
    annotate(regenwell, NO_AMOUNT, author=reviewer, note="No figure given.")
    client.force_login(reviewer)
    (row,) = download(client)
    assert (row["quote"], row["note"]) == (NO_AMOUNT, "No figure given.")
    assert amounts([row]) == [("", "", "", "")]


@pytest.mark.django_db
def test_it_lists_every_publishers_prices_grouped_by_publisher(
    client, editor, reviewer, regenwell, novastem
):
    annotate(regenwell, TWO_KNEES, author=reviewer)
    annotate(novastem, BOOSTERS, author=reviewer)
    annotate(novastem, PROTOCOL, author=reviewer)
    client.force_login(editor)
    rows = download(client)
    assert [(r["publisher"], r["minimum"], r["maximum"], r["currency"]) for r in rows] == [
        ("NovaStem Clinic", "7000", "31000", "EUR"),
        ("NovaStem Clinic", "2500", "2500", "GBP"),
        ("RegenWell", "4500", "4500", "USD"),
        ("RegenWell", "8000", "8000", "USD"),
    ]


@pytest.mark.django_db
def test_it_leaves_out_annotations_with_other_tags(client, reviewer, regenwell):
    annotate(regenwell, TWO_KNEES, author=reviewer, tag="overstated")
    annotate(regenwell, "Our treatment has no side effects.", author=reviewer, tag="overstated")
    client.force_login(reviewer)
    assert download(client) == []


@pytest.mark.django_db
def test_it_quotes_notes_with_commas_quotes_and_line_breaks(client, reviewer, regenwell):
    note = 'Compare "RegenWell Plus", which says $3,000;\nno invoice shown, ever.'
    annotate(regenwell, NO_AMOUNT, author=reviewer, note=note)
    client.force_login(reviewer)
    response = client.get(URL)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert '"Compare ""RegenWell Plus"", which says $3,000;\nno invoice shown, ever."' in text
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["note"] == note


@pytest.mark.django_db
def test_it_reads_the_price_claims_in_one_query(django_assert_num_queries, reviewer, novastem):
    annotate(novastem, PROTOCOL, author=reviewer)
    annotate(novastem, BOOSTERS, author=reviewer)
    with django_assert_num_queries(1):
        lines = "".join(price_csv(Annotation.objects.all())).splitlines()
    assert len(lines) == 3


# --- Who may download what ---------------------------------------------------------------------


@pytest.fixture
def two_reviewers_prices(reviewer, other_reviewer, regenwell, novastem):
    annotate(regenwell, TWO_KNEES, author=reviewer)
    annotate(novastem, PROTOCOL, author=other_reviewer)


@pytest.mark.django_db
@pytest.mark.usefixtures("two_reviewers_prices")
def test_a_reviewer_gets_only_their_own_rows(client, reviewer):
    client.force_login(reviewer)
    assert {r["reviewer"] for r in download(client)} == {"rita"}


@pytest.mark.django_db
@pytest.mark.usefixtures("two_reviewers_prices")
@pytest.mark.parametrize("role", ["editor", "reader"])
def test_editors_and_readers_get_everyones_rows(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert [r["reviewer"] for r in download(client)] == ["omar", "rita", "rita"]


@pytest.mark.django_db
@pytest.mark.usefixtures("two_reviewers_prices")
def test_a_user_without_a_role_is_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_it_refuses_a_post(client, editor):
    client.force_login(editor)
    assert client.post(URL).status_code == 405


# --- Filters -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("two_reviewers_prices")
def test_a_publisher_filter_narrows_the_rows(client, editor):
    client.force_login(editor)
    rows = download(client, {"publisher": "NovaStem Clinic"})
    assert [(r["publisher"], r["quote"]) for r in rows] == [("NovaStem Clinic", PROTOCOL)]


@pytest.mark.django_db
@pytest.mark.usefixtures("two_reviewers_prices")
def test_a_reviewer_filter_narrows_the_rows(client, editor):
    client.force_login(editor)
    assert {r["reviewer"] for r in download(client, {"reviewer": "rita"})} == {"rita"}


@pytest.mark.django_db
@pytest.mark.usefixtures("two_reviewers_prices")
def test_a_tag_filter_for_another_tag_leaves_no_price_rows(client, editor):
    client.force_login(editor)
    assert download(client, {"tag": "overstated"}) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("two_reviewers_prices")
def test_a_date_filter_narrows_the_rows(client, editor):
    Annotation.objects.filter(author__username="omar").update(created_at="2024-03-01T12:00Z")
    client.force_login(editor)
    rows = download(client, {"created_before": "2024-12-31"})
    assert [r["reviewer"] for r in rows] == ["omar"]


@pytest.mark.django_db
def test_it_explains_a_filter_it_cannot_read(client, editor):
    client.force_login(editor)
    response = client.get(URL, {"created_after": "2025-05-01", "created_before": "2025-01-01"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "The end date is before the start date." in response.text
