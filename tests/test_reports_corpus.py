"""The corpus report: its tables and charts, filters, permissions, and the PDF and XLSX."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from claims import selectors
from claims.models import Annotation, Article
from claims.reports import contents
from claims.services.annotations import AnnotationDraft, annotation_create
from tests.helpers import adjudicate, annotate_phrase

pytestmark = pytest.mark.django_db

REPORT = reverse("claims:corpus_report")
PDF = reverse("claims:corpus_report_pdf")
XLSX = reverse("claims:corpus_report_xlsx")

KNEES = (
    "Knee pain? Regenerative care that works.\n\n"
    "Our stem cell injections regrow cartilage in weeks. A marathon runner was back on the "
    "track after a single session.\n\n"
    "Packages start at $3,900 per knee.\n"
)
OZONE = (
    "Ozone therapy for Lyme disease.\n\n"
    "Ozone is the world’s only cure for Lyme disease. It has no side effects.\n\n"
    "Sessions cost between €700 and €3,100*.\n"
)
DRIPS = (
    "IV drips for energy.\n\n"
    '=HYPERLINK("http://example.com") boosts immunity by 300 percent.\n\n'
    "Memberships are £199 a month.\n"
)

# (article, author, tag, phrase, created at, note)
SPECS = [
    ("knees", "rita", "overstated", "regrow cartilage in weeks", (2025, 1, 14), ""),
    ("knees", "rita", "cited-case-report", "A marathon runner was back", (2025, 1, 20), "One man."),
    ("knees", "omar", "overstated", "regrow cartilage in weeks", (2025, 3, 2), ""),
    ("knees", "omar", "price-claim", "Packages start at $3,900 per knee.", (2025, 3, 3), ""),
    ("ozone", "omar", "overstated", "the world’s only cure", (2025, 3, 10), ""),
    ("ozone", "omar", "unsupported", "It has no side effects.", (2025, 3, 11), "Omar's note."),
    ("ozone", "edna", "price-claim", "Sessions cost between €700 and €3,100*.", (2025, 3, 12), ""),
    ("drips", "rita", "overstated", '=HYPERLINK("http://example.com") boosts', (2025, 1, 5), ""),
]


@pytest.fixture
def corpus(make_article, reviewer, other_reviewer, editor) -> dict[str, Article]:
    """Eight annotations on three articles by Rita (3), Omar (4) and Edna (1), made in
    January and March 2025 (none in February)."""
    users = {user.username: user for user in (reviewer, other_reviewer, editor)}
    articles = {
        "knees": make_article(text=KNEES, title="Stem cells for knees"),
        "ozone": make_article(text=OZONE, title="Ozone for Lyme", publisher="PureLife Ozone"),
        "drips": make_article(text=DRIPS, title="IV drip menu", publisher="Lakeside Vitality"),
    }
    Article.objects.filter(pk=articles["drips"].pk).update(status=Article.Status.REVIEWED)
    for key, author, tag, phrase, day, note in SPECS:
        article = articles[key]
        start = article.text.index(phrase)
        draft = AnnotationDraft(
            article_id=article.pk, tag=tag, start=start, end=start + len(phrase), note=note
        )
        annotation = annotation_create(author=users[author], draft=draft)
        created = datetime(*day, 12, tzinfo=UTC)
        Annotation.objects.filter(pk=annotation.pk).update(created_at=created)
    return articles


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


def _by_publisher(response) -> dict[str, dict[str, int]]:
    table = response.context["report"].by_publisher
    return {
        row.label: {tag.slug: n for tag, n in zip(table.tags, row.counts, strict=True) if n}
        for row in table.rows
    }


def _flat_pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [REPORT, PDF, XLSX])
def test_it_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url", [REPORT, PDF, XLSX])
def test_it_refuses_users_without_a_role(client, outsider, corpus, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_it_counts_only_a_reviewers_own_annotations(signed_in, corpus):
    response = signed_in.get(REPORT)
    assert response.status_code == 200
    assert response.context["report"].summary.annotations == 3
    assert _by_publisher(response) == {
        "RegenWell Institute": {"overstated": 1, "cited-case-report": 1},
        "Lakeside Vitality": {"overstated": 1},
    }
    assert "your own annotations only" in response.text
    reviewers = [value for value, _ in response.context["form"].fields["reviewer"].choices]
    assert reviewers == ["", "rita"]


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_it_counts_everyones_annotations_for_editors_and_readers(client, corpus, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(REPORT)
    assert response.context["report"].summary.annotations == 8
    assert response.context["report"].summary.articles == 3
    reviewers = [value for value, _ in response.context["form"].fields["reviewer"].choices]
    assert reviewers == ["", "edna", "omar", "rita"]


@pytest.mark.parametrize("url", [REPORT, PDF, XLSX])
def test_it_refuses_a_post(as_editor, url):
    assert as_editor.post(url).status_code == 405


# --- The tables -------------------------------------------------------------------------------


def test_it_counts_tags_per_publisher(as_editor, corpus):
    response = as_editor.get(REPORT)
    assert _by_publisher(response) == {
        "Lakeside Vitality": {"overstated": 1},
        "PureLife Ozone": {"unsupported": 1, "overstated": 1, "price-claim": 1},
        "RegenWell Institute": {"overstated": 2, "cited-case-report": 1, "price-claim": 1},
    }
    rows = {row.label: row for row in response.context["report"].by_publisher.rows}
    assert (rows["RegenWell Institute"].annotations, rows["RegenWell Institute"].articles) == (4, 1)


def test_it_counts_tags_per_month_with_empty_months_shown(as_editor, corpus):
    table = as_editor.get(REPORT).context["report"].by_month
    assert [(row.label, row.annotations) for row in table.rows] == [
        ("2025-01", 3),
        ("2025-02", 0),
        ("2025-03", 5),
    ]
    assert [tag.slug for tag in table.tags] == [
        "unsupported",
        "overstated",
        "cited-case-report",
        "price-claim",
    ]
    assert table.rows[2].counts == (1, 2, 0, 2)


def test_it_shows_empty_months_across_a_new_year(as_editor, corpus):
    december = datetime(2024, 12, 31, 23, 59, tzinfo=UTC)
    Annotation.objects.filter(created_at__month=1).update(created_at=december)
    table = as_editor.get(REPORT).context["report"].by_month
    assert [(row.label, row.annotations) for row in table.rows] == [
        ("2024-12", 3),
        ("2025-01", 0),
        ("2025-02", 0),
        ("2025-03", 5),
    ]


def test_it_shows_an_empty_report_when_nothing_matches(as_editor, corpus):
    response = as_editor.get(REPORT, {"created_after": "2030-01-01"})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.summary.annotations, report.by_publisher.rows, report.most_flagged) == (
        0,
        (),
        [],
    )
    assert "Flags per month: nothing to draw." in response.text
    assert "No annotations match." in response.text


@pytest.mark.parametrize("url", [PDF, XLSX])
def test_it_serves_empty_downloads_when_nothing_matches(as_editor, corpus, url):
    response = as_editor.get(url, {"created_after": "2030-01-01"})
    assert response.status_code == 200


def test_it_ranks_the_most_flagged_articles(as_editor, corpus):
    most = as_editor.get(REPORT).context["report"].most_flagged
    assert [(row.article.title, row.annotations, row.reviewers) for row in most] == [
        ("Stem cells for knees", 4, 2),
        ("Ozone for Lyme", 3, 2),
        ("IV drip menu", 1, 1),
    ]
    assert most[0].counts == (0, 2, 1, 1)


def test_it_draws_the_charts_inline_beside_their_tables(as_editor, corpus):
    response = as_editor.get(REPORT)
    assert response.text.count('role="img"') == 2
    assert 'aria-label="Flags per tag and publisher"' in response.text
    assert 'aria-label="Flags per month"' in response.text
    assert "style=" not in response.text.split("<main>")[1]  # the page CSP allows no inline style


def test_it_lists_the_prices_quoted_in_price_claims(as_editor, corpus):
    prices = as_editor.get(REPORT).context["report"].prices
    assert prices.total == 2
    quoted = {
        (p.minimum, p.maximum, p.currency) for sentence in prices.items for p in sentence.prices
    }
    assert quoted == {
        (Decimal(3900), None, "USD"),
        (Decimal(700), Decimal(3100), "EUR"),
    }


def test_it_lists_each_priced_sentence_once_however_reviewers_spanned_it(
    as_editor, corpus, reviewer, other_reviewer
):
    """Rita prices three words of the knee price Omar tagged whole, and Omar tags the ozone
    price with the sentence before it: each sentence is listed once, in document order."""
    knees, ozone = corpus["knees"], corpus["ozone"]
    annotate_phrase(reviewer, knees, "price-claim", "$3,900 per knee")
    annotate_phrase(other_reviewer, ozone, "price-claim", "It has no side effects.\n\nSessions")

    prices = as_editor.get(REPORT).context["report"].prices

    assert [(item.article_id, item.quote) for item in prices.items] == [
        (knees.pk, "Packages start at $3,900 per knee."),
        (ozone.pk, "It has no side effects."),
        (ozone.pk, "Sessions cost between €700 and €3,100*."),
    ]
    assert prices.total == 3
    assert [len(item.prices) for item in prices.items] == [1, 0, 1]


def test_it_counts_every_priced_sentence_past_the_listed_ones(editor, corpus, reviewer):
    knees = corpus["knees"]
    annotate_phrase(reviewer, knees, "price-claim", "$3,900 per knee")
    annotations = selectors.report_annotations(user=editor, filters=selectors.ReportFilters())

    prices = contents.priced_sentences(annotations=annotations, limit=1)

    assert [item.quote for item in prices.items] == ["Packages start at $3,900 per knee."]
    assert (prices.total, prices.truncated) == (2, True)


def test_it_reads_the_report_in_a_fixed_number_of_queries(
    as_editor, corpus, make_article, other_reviewer, django_assert_num_queries
):
    # Session, user and roles; the filters' choices; then each table and count once; five
    # for the agreement section; and the claim clusters (none here, so no tags to read).
    with django_assert_num_queries(24):
        as_editor.get(REPORT)
    more = make_article(text=KNEES.replace("Knee", "Hip"), title="Hips", publisher="HipCo")
    start = more.text.index("regrow cartilage")
    draft = AnnotationDraft(
        article_id=more.pk, tag="overstated", start=start, end=start + len("regrow cartilage")
    )
    annotation_create(author=other_reviewer, draft=draft)
    with django_assert_num_queries(24):
        as_editor.get(REPORT)


def test_it_links_every_download_with_the_filters_kept(as_editor, corpus):
    response = as_editor.get(REPORT, {"publisher": "PureLife Ozone", "tag": "overstated"})
    query = "publisher=PureLife+Ozone&tag=overstated"
    urls = [download.url for download in response.context["downloads"]]
    assert f"{PDF}?{query}" in urls
    assert f"{XLSX}?{query}" in urls
    assert f"{reverse('claims:price_export')}?{query}" in urls
    for fmt in ("csv", "json", "jsonl", "md", "w3c", "claimreview"):
        assert f"{reverse('claims:corpus_export', args=[fmt])}?{query}" in urls


def test_it_serves_every_download_it_links_to_as_a_browser_submits_the_filters(as_editor, corpus):
    # A GET form sends every field, the empty ones too.
    query = "publisher=PureLife+Ozone&tag=overstated&reviewer=&status=&created_after="
    response = as_editor.get(f"{REPORT}?{query}&created_before=")
    assert response.status_code == 200
    for download in response.context["downloads"]:
        served = as_editor.get(download.url)
        assert served.status_code == 200, download.label
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert body, download.label


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"publisher": "PureLife Ozone"}, {"PureLife Ozone": 3}),
        ({"tag": ["price-claim"]}, {"PureLife Ozone": 1, "RegenWell Institute": 1}),
        ({"reviewer": "rita"}, {"Lakeside Vitality": 1, "RegenWell Institute": 2}),
        ({"status": "reviewed"}, {"Lakeside Vitality": 1}),
        ({"created_after": "2025-03-11"}, {"PureLife Ozone": 2}),
        ({"created_before": "2025-01-14"}, {"Lakeside Vitality": 1, "RegenWell Institute": 1}),
        (
            {"tag": ["overstated", "unsupported"], "created_after": "2025-03-01"},
            {"PureLife Ozone": 2, "RegenWell Institute": 1},
        ),
    ],
)
def test_it_narrows_the_tables_to_the_filters(as_editor, corpus, query, expected):
    response = as_editor.get(REPORT, query)
    assert response.status_code == 200
    rows = response.context["report"].by_publisher.rows
    assert {row.label: row.annotations for row in rows} == expected
    assert response.context["report"].summary.annotations == sum(expected.values())


def test_it_prints_the_filters_in_force(as_editor, corpus):
    response = as_editor.get(REPORT, {"reviewer": "omar", "created_after": "2025-03-01"})
    assert response.context["filters"] == [("Reviewer", "omar"), ("From", "2025-03-01")]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"created_after": "2025-02-30"}, "created_after", "Enter a valid date."),
        (
            {"created_after": "2025-03-01", "created_before": "2025-01-01"},
            "created_before",
            "The end date is before the start date.",
        ),
        (
            {"publisher": "Nowhere Clinic"},
            "publisher",
            "Select a valid choice. Nowhere Clinic is not one of the available choices.",
        ),
        (
            {"tag": ["miracle"]},
            "tag",
            "Select a valid choice. miracle is not one of the available choices.",
        ),
        ({"status": "lost"}, "status", "Select a valid choice. lost is not one of"),
    ],
)
@pytest.mark.parametrize("url", [REPORT, PDF, XLSX])
def test_it_refuses_a_bad_filter_with_the_message_next_to_the_field(
    as_editor, corpus, url, query, field, message
):
    response = as_editor.get(url, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.text
    assert f'action="{REPORT}"' in response.text  # the corrected filters go to the page
    assert "report" not in response.context


def test_it_refuses_a_reviewer_another_reviewers_name(signed_in, corpus):
    response = signed_in.get(REPORT, {"reviewer": "omar"})
    assert response.status_code == 400
    assert "omar is not one of the available choices" in response.text


# --- XLSX -------------------------------------------------------------------------------------


def _rows(workbook, sheet: str) -> list[tuple]:
    return list(workbook[sheet].iter_rows(values_only=True))


def _xlsx(client, query=None):
    response = client.get(XLSX, query or {})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="claimscope-report.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_it_writes_the_workbook_sheets_in_order(as_editor, corpus):
    workbook = _xlsx(as_editor)
    assert workbook.sheetnames == [
        "Tag by publisher",
        "Most flagged",
        "By month",
        "Annotations",
        "Agreement",
    ]


def test_it_writes_tag_counts_per_publisher_cell_by_cell(as_editor, corpus):
    assert _rows(_xlsx(as_editor), "Tag by publisher") == [
        (
            "Publisher",
            "Unsupported",
            "Overstated",
            "Cited case report",
            "Price claim",
            "All tags",
            "Articles",
        ),
        ("Lakeside Vitality", 0, 1, 0, 0, 1, 1),
        ("PureLife Ozone", 1, 1, 0, 1, 3, 1),
        ("RegenWell Institute", 0, 2, 1, 1, 4, 1),
        ("Total", 1, 4, 1, 2, 8, 3),
    ]


def test_it_writes_the_most_flagged_articles_cell_by_cell(as_editor, corpus):
    rows = _rows(_xlsx(as_editor), "Most flagged")
    assert rows[0] == (
        "Article ID",
        "Article",
        "Publisher",
        "Unsupported",
        "Overstated",
        "Cited case report",
        "Price claim",
        "All tags",
        "Reviewers",
    )
    assert rows[1:] == [
        (corpus["knees"].pk, "Stem cells for knees", "RegenWell Institute", 0, 2, 1, 1, 4, 2),
        (corpus["ozone"].pk, "Ozone for Lyme", "PureLife Ozone", 1, 1, 0, 1, 3, 2),
        (corpus["drips"].pk, "IV drip menu", "Lakeside Vitality", 0, 1, 0, 0, 1, 1),
    ]


def test_it_writes_counts_per_month_cell_by_cell(as_editor, corpus):
    rows = _rows(_xlsx(as_editor), "By month")
    assert rows[1:] == [
        ("2025-01", 0, 2, 1, 0, 3, 2),
        ("2025-02", 0, 0, 0, 0, 0, 0),
        ("2025-03", 1, 2, 0, 2, 5, 2),
        ("Total", 1, 4, 1, 2, 8, 3),
    ]


def test_it_writes_every_annotation_in_document_order(as_editor, corpus):
    rows = _rows(_xlsx(as_editor), "Annotations")
    assert rows[0] == (
        "Article ID",
        "Article",
        "Publisher",
        "Start",
        "End",
        "Quote",
        "Tag",
        "Note",
        "Reviewer",
        "Created (UTC)",
    )
    assert len(rows) == 9
    knees = corpus["knees"]
    start = knees.text.index("A marathon runner was back")
    assert (
        knees.pk,
        "Stem cells for knees",
        "RegenWell Institute",
        start,
        start + len("A marathon runner was back"),
        "A marathon runner was back",
        "Cited case report",
        "One man.",
        "rita",
        datetime(2025, 1, 20, 12),
    ) in rows
    article_order = [row[0] for row in rows[1:]]
    assert article_order == sorted(article_order)


def test_it_keeps_text_that_looks_like_a_formula_as_text(as_editor, corpus):
    workbook = _xlsx(as_editor)
    cell = next(
        row[5] for row in workbook["Annotations"].iter_rows() if "HYPERLINK" in str(row[5].value)
    )
    assert cell.data_type == "s"
    # A string cell, and escaped as in the CSVs: re-saved as CSV it stays text.
    assert cell.value == '\'=HYPERLINK("http://example.com") boosts'


def test_it_writes_only_a_reviewers_own_annotations_to_the_workbook(signed_in, corpus):
    workbook = _xlsx(signed_in)
    assert {row[8] for row in _rows(workbook, "Annotations")[1:]} == {"rita"}
    assert _rows(workbook, "Tag by publisher")[-1] == ("Total", 2, 1, 3, 2)
    assert "Agreement" not in workbook.sheetnames


def test_it_narrows_the_workbook_to_the_filters(as_editor, corpus):
    workbook = _xlsx(as_editor, {"publisher": "PureLife Ozone"})
    assert [row[0] for row in _rows(workbook, "Tag by publisher")[1:]] == [
        "PureLife Ozone",
        "Total",
    ]
    assert len(_rows(workbook, "Annotations")) == 4


# --- PDF --------------------------------------------------------------------------------------


def test_it_renders_a_pdf_with_the_tables_charts_and_prices(as_editor, corpus):
    response = as_editor.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="claimscope-report.pdf"' in response["Content-Disposition"]
    text = _flat_pdf_text(response.content)
    for expected in (
        "Corpus report",
        "Tags by publisher",
        "PureLife Ozone",
        "Flags per month",
        "2025-02",
        "Most flagged articles",
        "Stem cells for knees",
        "Sessions cost between €700 and €3,100*.",
    ):
        assert expected in text


def test_it_renders_a_pdf_of_the_filtered_annotations_only(as_editor, corpus):
    response = as_editor.get(PDF, {"publisher": "Lakeside Vitality"})
    text = _flat_pdf_text(response.content)
    assert "Lakeside Vitality" in text
    assert "Stem cells for knees" not in text
    assert "Publisher Lakeside Vitality" in text


# --- The final annotations --------------------------------------------------------------------


@pytest.fixture
def adjudicated(corpus, editor) -> dict[str, Article]:
    """Edna accepted the overstatement both reviewers saw in the knee article and the ozone
    article's price; she finished the knee article only."""
    knees, ozone = corpus["knees"], corpus["ozone"]
    regrow = knees.sentences.get(text__contains="regrow cartilage").index
    price = ozone.sentences.get(text__contains="Sessions cost").index
    adjudicate(editor, knees, accept={(regrow, "overstated")})
    adjudicate(editor, ozone, accept={(price, "price-claim")}, finish=False)
    return corpus


def test_it_counts_the_final_annotations_in_the_final_scope(as_editor, adjudicated):
    response = as_editor.get(REPORT, {"scope": "final"})

    assert response.status_code == 200
    assert _by_publisher(response) == {
        "PureLife Ozone": {"price-claim": 1},
        "RegenWell Institute": {"overstated": 1},
    }
    assert "Final annotations: the tags editors accepted in adjudication" in response.text
    assert "articles still in adjudication count with the tags accepted so far" in response.text
    assert response.context["filters"] == [("Annotations", "Final (adjudicated)")]


def test_it_counts_for_a_reviewer_only_the_final_annotations_of_finished_articles(
    signed_in, adjudicated
):
    response = signed_in.get(REPORT, {"scope": "final"})

    assert _by_publisher(response) == {"RegenWell Institute": {"overstated": 1}}
    assert "whose adjudication is finished" in response.text


def test_it_offers_only_reviewers_in_the_reviewer_choice_after_adjudication(
    as_editor, adjudicated, reviewer
):
    Annotation.objects.filter(author__username="edna", final=False).delete()

    response = as_editor.get(REPORT)

    reviewers = [value for value, _ in response.context["form"].fields["reviewer"].choices]
    assert reviewers == ["", "omar", "rita"]


def test_it_refuses_one_reviewer_together_with_the_final_annotations(as_editor, adjudicated):
    for url in (REPORT, PDF, XLSX):
        response = as_editor.get(url, {"scope": "final", "reviewer": "omar"})
        assert response.status_code == 400
        assert response.context["form"].errors["scope"] == [
            "Choose one reviewer or the final annotations, not both."
        ]


def test_it_keeps_the_final_scope_in_every_download(as_editor, adjudicated):
    response = as_editor.get(REPORT, {"scope": "final"})

    for download in response.context["downloads"]:
        assert download.url.endswith("?scope=final"), download.label
        served = as_editor.get(download.url)
        assert served.status_code == 200, download.label
    prices = as_editor.get(f"{reverse('claims:price_export')}?scope=final")
    assert 'filename="claimscope-final-prices.csv"' in prices["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(prices.getvalue().decode())))
    assert (row["publisher"], row["reviewer"], row["minimum"]) == ("PureLife Ozone", "edna", "700")


def test_it_writes_the_final_annotations_to_the_workbook(as_editor, adjudicated):
    workbook = _xlsx(as_editor, {"scope": "final"})

    rows = _rows(workbook, "Annotations")[1:]
    assert sorted((row[6], row[8]) for row in rows) == [
        ("Overstated", "edna"),
        ("Price claim", "edna"),
    ]
    assert _rows(workbook, "Tag by publisher")[-1] == ("Total", 1, 1, 2, 2)


def test_it_renders_a_pdf_of_the_final_annotations(as_editor, adjudicated):
    response = as_editor.get(PDF, {"scope": "final"})

    text = _flat_pdf_text(response.content)
    assert "Annotations Final (adjudicated)" in text
    assert "IV drip menu" not in text
