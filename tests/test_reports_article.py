"""The article report page and its PDF: who sees what, the reviewer choice, downloads."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from claims import selectors
from claims.models import Annotation, Article
from claims.reports import contents
from claims.services.annotations import (
    AnnotationDraft,
    annotation_create,
    annotations_bulk_create,
)
from claims.services.review import adjudication_finish
from tests.helpers import adjudicate, annotate_phrase

pytestmark = pytest.mark.django_db

CLINIC = (
    "How much does stem cell therapy cost?\n\n"
    "Our stem cell treatment has no side effects. It completely cleared arthritis in a "
    "52-year-old woman after 4 infusions. Learn more about our clinic.\n\n"
    "Treatments cost between €7,000 and €31,000* per course.\n"
)


@pytest.fixture
def article(make_article, reviewer, other_reviewer, editor) -> Article:
    """Flagged by Rita (twice), Omar (twice, once on Rita's sentence) and Edna."""
    article = make_article(text=CLINIC, title="Stem cells for arthritis")
    annotate_phrase(reviewer, article, "overstated", "Our stem cell treatment has no side effects.")
    annotate_phrase(
        reviewer,
        article,
        "cited-case-report",
        "It completely cleared arthritis in a 52-year-old woman after 4 infusions.",
        note="One patient, told as a story.",
    )
    annotate_phrase(
        other_reviewer,
        article,
        "unsupported",
        "Our stem cell treatment has no side effects.",
        note="Omar's private doubt.",
    )
    annotate_phrase(
        other_reviewer,
        article,
        "price-claim",
        "Treatments cost between €7,000 and €31,000* per course.",
    )
    annotate_phrase(editor, article, "overstated", "completely cleared arthritis")
    return article


def _url(name: str, article: Article, query: str = "") -> str:
    url = reverse(f"claims:{name}", args=[article.pk])
    return f"{url}?{query}" if query else url


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _flat(text: str) -> str:
    """PDF text with its line breaks undone, for finding a sentence that wrapped."""
    return " ".join(text.split())


def _quotes(response) -> list[str]:
    return [
        annotation.quote
        for span in response.context["report"].flagged
        for annotation in span.annotations
    ]


# --- Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["article_report", "article_report_pdf", "article_report_xlsx"])
def test_it_sends_anonymous_visitors_to_sign_in(client, article, name):
    response = client.get(_url(name, article))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["article_report", "article_report_pdf", "article_report_xlsx"])
def test_it_refuses_users_without_a_role(client, article, outsider, name):
    client.force_login(outsider)
    assert client.get(_url(name, article)).status_code == 403


@pytest.mark.parametrize("name", ["article_report", "article_report_pdf", "article_report_xlsx"])
def test_it_answers_404_for_a_missing_article(client, editor, name):
    client.force_login(editor)
    assert client.get(reverse(f"claims:{name}", args=[999_999])).status_code == 404


def test_it_shows_a_reviewer_only_their_own_annotations(signed_in, article):
    response = signed_in.get(_url("article_report", article))
    assert response.status_code == 200
    assert response.context["report"].reviewers == ["rita"]
    assert response.context["report"].summary.annotations == 2
    assert "Omar's private doubt." not in response.text
    assert "your own annotations only" in response.text


def test_it_offers_a_reviewer_only_themselves_in_the_reviewer_choice(signed_in, article):
    response = signed_in.get(_url("article_report", article))
    choices = [value for value, _ in response.context["form"].fields["reviewer"].choices]
    assert choices == ["", "rita"]


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_it_shows_editors_and_readers_everyones_annotations(client, article, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_url("article_report", article))
    assert response.status_code == 200
    assert response.context["report"].reviewers == ["edna", "omar", "rita"]
    assert response.context["report"].summary.annotations == 5
    assert "Omar&#x27;s private doubt." in response.text


@pytest.mark.parametrize("name", ["article_report", "article_report_pdf", "article_report_xlsx"])
def test_it_refuses_a_post(client, editor, article, name):
    client.force_login(editor)
    assert client.post(_url(name, article)).status_code == 405


# --- What it shows ----------------------------------------------------------------------------


def test_it_shows_the_articles_metadata(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report", article))
    assert "Stem cells for arthritis" in response.text
    assert "RegenWell Institute" in response.text
    assert response.context["sentences"] == article.sentences.count()
    assert "style=" not in response.text.split("<main>")[1]  # the page CSP allows no inline style


def test_it_counts_annotations_per_tag(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report", article))
    counts = {total.tag.slug: total.annotations for total in response.context["report"].tags}
    assert counts == {"unsupported": 1, "overstated": 2, "cited-case-report": 1, "price-claim": 1}


def test_it_lists_flagged_sentences_in_document_order_with_tag_note_and_reviewer(
    client, editor, article
):
    client.force_login(editor)
    response = client.get(_url("article_report", article))
    spans = response.context["report"].flagged
    assert [span.start for span in spans] == sorted(span.start for span in spans)
    first = spans[0]
    assert first.text == "Our stem cell treatment has no side effects."
    assert {(a.tag.slug, a.author.username, a.note) for a in first.annotations} == {
        ("overstated", "rita", ""),
        ("unsupported", "omar", "Omar's private doubt."),
    }
    sentence = article.sentences.get(start__lte=first.start, end__gt=first.start)
    assert (first.sentence, first.last_sentence) == (sentence.index, sentence.index)
    assert (first.start, first.end) == (sentence.start, sentence.end)
    assert f"#s{sentence.index}" in response.text


def test_it_lists_a_sentence_once_with_every_annotation_that_overlaps_it(client, editor, article):
    """Edna's three words inside the sentence Rita tagged whole make one entry, not two."""
    client.force_login(editor)
    response = client.get(_url("article_report", article))
    spans = response.context["report"].flagged
    assert [(span.sentence, span.last_sentence) for span in spans] == [(1, 1), (2, 2), (4, 4)]
    cleared = spans[1]
    assert [(a.author.username, a.tag.slug) for a in cleared.annotations] == [
        ("rita", "cited-case-report"),
        ("edna", "overstated"),
    ]
    edna = cleared.annotations[1]
    assert cleared.partial == {edna.pk}
    assert [(piece.text, piece.by) for piece in cleared.pieces] == [
        ("It ", ()),
        ("completely cleared arthritis", ("edna: Overstated",)),
        (" in a 52-year-old woman after 4 infusions.", ()),
    ]
    html = response.content.decode()
    assert html.count(">Sentence 3</a>") == 1
    assert (
        '<mark class="flag-span" title="edna: Overstated">completely cleared arthritis</mark>'
    ) in html
    assert 'edna on “<span class="flag-quote">completely cleared arthritis</span>”' in html


def test_it_makes_one_entry_of_an_annotation_over_two_sentences_and_those_inside_them(
    client, editor, reviewer, article
):
    annotate_phrase(
        reviewer,
        article,
        "unsupported",
        "It completely cleared arthritis in a 52-year-old woman after 4 infusions. Learn more",
        note="Two sentences at once.",
    )
    annotate_phrase(reviewer, article, "overstated", "Learn more about our clinic.")
    client.force_login(editor)
    response = client.get(_url("article_report", article))
    spans = response.context["report"].flagged
    assert [(span.sentence, span.last_sentence) for span in spans] == [(1, 1), (2, 3), (4, 4)]
    two = spans[1]
    assert two.text == (
        "It completely cleared arthritis in a 52-year-old woman after 4 infusions. "
        "Learn more about our clinic."
    )
    assert article.text[two.start : two.end] == two.text
    assert len(two.annotations) == 4
    assert ">Sentences 3–4</a>" in response.content.decode()


def test_it_starts_an_entry_at_the_sentence_after_the_space_an_annotation_starts_in(
    editor, make_article, reviewer
):
    article = make_article(text="First claim here. Second claim here.\n")
    start = article.text.index(" Second")
    annotation_create(
        author=reviewer,
        draft=AnnotationDraft(article_id=article.pk, tag="overstated", start=start, end=start + 7),
    )
    annotations = selectors.report_annotations(
        user=editor, filters=selectors.ReportFilters(article_id=article.pk)
    )
    [span] = contents.article_report(annotations=annotations).flagged
    assert (span.sentence, span.text) == (1, "Second claim here.")


def test_it_reads_the_report_in_a_fixed_number_of_queries(
    client, editor, article, django_assert_num_queries
):
    client.force_login(editor)
    # Eleven for the report itself (one of them the tags from suggestions, one the flagged
    # sentences' text), five for the agreement section.
    with django_assert_num_queries(22):
        client.get(_url("article_report", article))
    annotate_phrase(editor, article, "unsupported", "Learn more about our clinic.", note="Vague.")
    with django_assert_num_queries(22):
        client.get(_url("article_report", article))


def test_it_shows_one_reviewers_annotations_when_asked(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report", article, "reviewer=omar"))
    assert response.status_code == 200
    assert response.context["report"].reviewers == ["omar"]
    assert sorted(_quotes(response)) == [
        "Our stem cell treatment has no side effects.",
        "Treatments cost between €7,000 and €31,000* per course.",
    ]


def test_it_lists_the_amounts_quoted_in_price_claims(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report", article))
    [priced] = response.context["report"].prices.items
    [price] = priced.prices
    assert (price.minimum, price.maximum, price.currency) == (Decimal(7000), Decimal(31000), "EUR")
    assert "7,000" in response.text and "31,000" in response.text


def test_it_links_every_download_with_the_filters_kept(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report", article, "reviewer=omar&tag=overstated"))
    urls = [download.url for download in response.context["downloads"]]
    expected = [
        _url("article_report_pdf", article, "reviewer=omar&tag=overstated"),
        _url("article_report_xlsx", article, "reviewer=omar&tag=overstated"),
    ] + [
        reverse("claims:article_export", args=[article.pk, fmt]) + "?reviewer=omar&tag=overstated"
        for fmt in ("md", "csv", "json", "w3c", "claimreview")
    ]
    assert urls == expected
    for url in expected:
        assert url.replace("&", "&amp;") in response.text


def test_it_serves_every_download_it_links_to_as_a_browser_submits_the_filters(
    client, editor, article
):
    client.force_login(editor)
    # A GET form sends every field, the empty ones too.
    query = "reviewer=omar&scope=everyone&created_after=&created_before="
    response = client.get(_url("article_report", article, query))
    assert response.status_code == 200
    for download in response.context["downloads"]:
        served = client.get(download.url)
        assert served.status_code == 200, download.label
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert body, download.label


# --- Bad filters ------------------------------------------------------------------------------


def test_it_refuses_a_reviewer_who_did_not_annotate_it_with_a_message(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report", article, "reviewer=nobody"))
    assert response.status_code == 400
    assert "nobody is not one of the available choices" in " ".join(
        response.context["form"].errors["reviewer"]
    )
    assert "nobody is not one of the available choices" in response.text
    assert "report" not in response.context


def test_it_refuses_one_reviewer_together_with_the_final_annotations(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report", article, "reviewer=omar&scope=final"))
    assert response.status_code == 400
    assert response.context["form"].errors["scope"] == [
        "Choose one reviewer or the final annotations, not both."
    ]


@pytest.mark.parametrize("name", ["article_report_pdf", "article_report_xlsx"])
def test_it_refuses_a_bad_filter_on_a_download_with_the_page_and_message(
    client, editor, article, name
):
    client.force_login(editor)
    response = client.get(_url(name, article, "created_after=2025-02-30"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Enter a valid date." in response.text
    assert f'action="{_url("article_report", article)}"' in response.text


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx(client, article: Article, query: str = ""):
    response = client.get(_url("article_report_xlsx", article, query))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f'filename="claimscope-article-{article.pk}-report.xlsx"'
    assert filename in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(workbook, sheet: str) -> list[tuple]:
    return list(workbook[sheet].iter_rows(values_only=True))


def test_it_writes_the_article_workbook_sheets_in_order(client, editor, article):
    client.force_login(editor)
    workbook = _xlsx(client, article)
    assert workbook.sheetnames == ["Article", "Tags", "Prices", "Annotations", "Agreement"]
    assert _rows(workbook, "Article") == [
        ("Field", "Value"),
        ("Article ID", article.pk),
        ("Title", "Stem cells for arthritis"),
        ("Publisher", "RegenWell Institute"),
        ("URL", None),  # no address given
        ("Status", "In review"),
        ("Annotations", 5),
        ("Reviewers", "edna, omar, rita"),
    ]


def test_it_writes_the_articles_tag_counts_cell_by_cell(client, editor, article):
    client.force_login(editor)
    assert _rows(_xlsx(client, article), "Tags") == [
        ("Tag", "Annotations", "From suggestions"),
        ("Unsupported", 1, 0),
        ("Overstated", 2, 0),
        ("Cited case report", 1, 0),
        ("Price claim", 1, 0),
        ("Total", 5, 0),
    ]


def test_it_writes_each_priced_sentence_once_with_its_amounts_as_numbers(
    client, editor, reviewer, article
):
    # A second reviewer's words inside Omar's price sentence add no second row.
    annotate_phrase(reviewer, article, "price-claim", "€7,000 and €31,000*")
    client.force_login(editor)
    rows = _rows(_xlsx(client, article), "Prices")
    assert rows == [
        ("Sentence", "Text", "As written", "Minimum", "Maximum", "Currency", "Per"),
        (5, PRICES, rows[1][2], 7000, 31000, "EUR", None),
    ]
    assert "7,000" in rows[1][2] and "31,000" in rows[1][2]


def test_it_writes_every_annotation_the_report_covers(client, editor, article):
    client.force_login(editor)
    rows = _rows(_xlsx(client, article), "Annotations")
    assert rows[0][:3] == ("Article ID", "Article", "Publisher")
    assert len(rows) == 6
    assert [row[5] for row in rows[1:]] == [
        annotation.quote for annotation in Annotation.objects.filter(article=article)
    ]
    case = next(row for row in rows if row[6] == "Cited case report")
    assert (case[7], case[8]) == ("One patient, told as a story.", "rita")


def test_it_narrows_the_article_workbook_to_the_filters(client, editor, article):
    client.force_login(editor)
    workbook = _xlsx(client, article, "reviewer=omar")
    assert {row[8] for row in _rows(workbook, "Annotations")[1:]} == {"omar"}
    assert _rows(workbook, "Tags")[-1] == ("Total", 2, 0)


def test_it_writes_only_a_reviewers_own_work_to_the_article_workbook(signed_in, article):
    workbook = _xlsx(signed_in, article)
    assert {row[8] for row in _rows(workbook, "Annotations")[1:]} == {"rita"}
    assert _rows(workbook, "Prices") == [_rows(workbook, "Prices")[0]]  # omar priced it
    assert "Agreement" not in workbook.sheetnames


# --- PDF --------------------------------------------------------------------------------------


def test_it_renders_a_pdf_with_the_flagged_sentences(client, editor, article):
    client.force_login(editor)
    response = client.get(_url("article_report_pdf", article))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = _flat(_pdf_text(response.content))
    assert "Stem cells for arthritis" in text
    for quote in (
        "Our stem cell treatment has no side effects.",
        "It completely cleared arthritis in a 52-year-old woman after 4 infusions.",
        "Treatments cost between €7,000 and €31,000* per course.",
    ):
        assert quote in text
    assert "One patient, told as a story." in text


def test_it_renders_a_reviewers_pdf_without_other_reviewers_work(signed_in, article):
    response = signed_in.get(_url("article_report_pdf", article))
    text = _flat(_pdf_text(response.content))
    assert "Our stem cell treatment has no side effects." in text
    assert "Treatments cost between" not in text
    assert "Omar's private doubt." not in text


def test_it_lists_only_the_first_annotations_up_to_its_limit_and_says_how_many(editor, article):
    annotations = selectors.report_annotations(
        user=editor, filters=selectors.ReportFilters(article_id=article.pk)
    )
    report = contents.article_report(annotations=annotations, limit=2)
    assert report.truncated
    assert sum(len(span.annotations) for span in report.flagged) == 2
    assert report.summary.annotations == 5


def test_it_says_on_the_page_when_the_list_is_cut_short(client, editor, make_article):
    text = "".join(f"Claim {n} cures everything. " for n in range(contents.FLAGGED_LIMIT + 1))
    article = make_article(text=text + "\n")
    drafts = [
        AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(n, n))
        for n in range(contents.FLAGGED_LIMIT + 1)
    ]
    annotations_bulk_create(author=editor, drafts=drafts)
    client.force_login(editor)
    response = client.get(_url("article_report", article))
    assert "the first 2,000 of 2,001 annotations" in response.text
    assert sum(len(span.annotations) for span in response.context["report"].flagged) == 2_000


# --- The final annotations --------------------------------------------------------------------

NO_SIDE_EFFECTS = "Our stem cell treatment has no side effects."
PRICES = "Treatments cost between €7,000 and €31,000* per course."
# The sentences (by index) the editor's verdicts are about.
NO_SIDE_EFFECTS_AT, CLEARED_AT, PRICES_AT = 1, 2, 4


def _tags_authors_quotes(response) -> set[tuple[str, str, str]]:
    return {
        (annotation.tag.slug, annotation.author.username, annotation.quote)
        for span in response.context["report"].flagged
        for annotation in span.annotations
    }


def test_it_shows_only_the_final_annotations_in_the_final_scope(client, editor, article):
    adjudicate(
        editor, article, accept={(NO_SIDE_EFFECTS_AT, "overstated"), (PRICES_AT, "price-claim")}
    )
    client.force_login(editor)

    response = client.get(_url("article_report", article, "scope=final"))

    assert response.status_code == 200
    assert _tags_authors_quotes(response) == {
        ("overstated", "edna", NO_SIDE_EFFECTS),
        ("price-claim", "edna", PRICES),
    }
    assert response.context["report"].reviewers == ["edna"]
    assert response.context["filters"] == [("Annotations", "Final (adjudicated)")]
    finished = Article.objects.get(pk=article.pk).adjudicated_at
    assert f"finished {finished:%Y-%m-%d} by edna" in response.text
    assert "not finished" not in response.text
    assert "Omar&#x27;s private doubt." not in response.text


def test_it_shows_the_reviewers_annotations_by_default_after_adjudication(client, editor, article):
    adjudicate(editor, article, accept={(NO_SIDE_EFFECTS_AT, "overstated")})
    client.force_login(editor)

    response = client.get(_url("article_report", article))

    assert response.context["report"].summary.annotations == 5
    assert ("overstated", "edna", NO_SIDE_EFFECTS) not in _tags_authors_quotes(response)


def test_it_says_how_many_tags_are_final_while_adjudication_is_under_way(client, editor, article):
    adjudicate(
        editor,
        article,
        accept={(NO_SIDE_EFFECTS_AT, "overstated"), (CLEARED_AT, "cited-case-report")},
        finish=False,
    )
    client.force_login(editor)

    response = client.get(_url("article_report", article, "scope=final"))

    assert response.context["report"].summary.annotations == 2
    assert "Adjudication of this article is not finished: 2 tags are final so far." in (
        response.text
    )
    assert "does not exist yet" not in response.text


def test_it_carries_the_reviewers_notes_into_the_final_annotation(client, editor, article):
    adjudicate(editor, article, accept={(CLEARED_AT, "cited-case-report")})
    client.force_login(editor)

    response = client.get(_url("article_report", article, "scope=final"))

    [span] = response.context["report"].flagged
    assert [a.note for a in span.annotations] == ["rita: One patient, told as a story."]


def test_it_shows_a_reviewer_the_final_annotations_only_once_adjudication_is_finished(
    signed_in, editor, article
):
    adjudicate(editor, article, accept={(PRICES_AT, "price-claim")}, finish=False)

    before = signed_in.get(_url("article_report", article, "scope=final"))
    adjudication_finish(article=article, editor=editor)
    after = signed_in.get(_url("article_report", article, "scope=final"))

    assert before.context["report"].summary.annotations == 0
    assert "you will see its final tags here once it is" in before.text
    # Omar's price claim, accepted: a reviewer sees the verdict, never Omar's own annotation.
    assert _tags_authors_quotes(after) == {("price-claim", "edna", PRICES)}
    assert "final annotations of the articles whose adjudication is finished" in after.text


def test_it_keeps_the_final_scope_in_every_download(client, editor, article):
    adjudicate(editor, article, accept={(PRICES_AT, "price-claim")})
    client.force_login(editor)
    query = "reviewer=&scope=final&created_after=&created_before="

    response = client.get(_url("article_report", article, query))

    csv_url = reverse("claims:article_export", args=[article.pk, "csv"]) + f"?{query}"
    assert csv_url in [download.url for download in response.context["downloads"]]
    for download in response.context["downloads"]:
        assert "scope=final" in download.url, download.label
    csv_text = b"".join(client.get(csv_url).streaming_content).decode()
    [final] = Annotation.objects.filter(final=True)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [(row["annotation_id"], row["reviewer"]) for row in rows] == [(str(final.pk), "edna")]


def test_it_renders_a_pdf_of_the_final_annotations(client, editor, article):
    adjudicate(editor, article, accept={(PRICES_AT, "price-claim")})
    client.force_login(editor)

    response = client.get(_url("article_report_pdf", article, "scope=final"))

    text = _flat(_pdf_text(response.content))
    assert PRICES in text
    assert "It completely cleared arthritis" not in text
    assert "Final annotations" in text
