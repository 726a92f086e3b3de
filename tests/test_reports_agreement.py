"""Reviewer agreement in the article and corpus reports, their PDFs and the corpus workbook.

The figures are worked out by hand below for a small case, and the reports must print them.

The serum article has four sentences. Rita tags sentences 0, 1 and 2 as overstated; Omar
tags 1 and 2. Both tag sentence 3 as a price claim. Per tag, over the four sentences (n11:
both said yes, n10: Rita only, n01: Omar only, n00: neither):

Overstated: n11 = 2, n10 = 1, n01 = 0, n00 = 1.
    Percent agreement po = 3/4 = 75%.
    Cohen's kappa: Rita says yes to 3/4, Omar to 2/4, so pe = 3/4·2/4 + 1/4·2/4 = 1/2 and
    kappa = (3/4 - 1/2) / (1 - 1/2) = 0.50.
    Krippendorff's alpha (nominal): 8 values, 5 yes and 3 no; only sentence 0 disagrees,
    giving one (yes, no) and one (no, yes) pair in the coincidence matrix, so
    alpha = 1 - (8 - 1)·2 / (2·5·3) = 1 - 14/30 = 0.533 -> 0.53.
Price claim: n11 = 1, n00 = 3: po = 100%; pe = 1/4·1/4 + 3/4·3/4 = 5/8, kappa = 1.00; no
    disagreeing pair, alpha = 1.00.
All tags (each sentence once per tag, 8 units): n11 = 3, n10 = 1, n01 = 0, n00 = 4.
    po = 7/8 = 87.5%, printed as a whole percentage: 88%.
    Rita says yes to 4/8, Omar to 3/8: pe = 4/8·3/8 + 4/8·5/8 = 1/2, kappa = (7/8 - 1/2) /
    (1/2) = 0.75.
    alpha: 16 values, 7 yes and 9 no, 2 disagreeing pairs: 1 - 15·2 / (2·7·9) = 1 - 30/126
    = 0.762 -> 0.76.

The pills article (another publisher) has two sentences: Rita tags sentence 0 overstated,
Omar tags sentence 1 unsupported. Over both articles, overstated has 6 units: n11 = 2,
n10 = 2, n01 = 0, n00 = 2: po = 4/6 = 67%; Rita says yes to 4/6, Omar to 2/6, pe = 4/6·2/6
+ 2/6·4/6 = 4/9, kappa = (2/3 - 4/9) / (5/9) = 0.40; alpha: 12 values, 6 yes and 6 no, two
disagreeing units (4 pairs): 1 - 11·4 / (2·6·6) = 1 - 44/72 = 0.389 -> 0.39. Unsupported:
only Omar's one yes in 6 units: po = 5/6 = 83%; pe = 0·1/6 + 1·5/6 = 5/6, kappa = 0;
alpha = 1 - 11·2 / (2·1·11) = 0.
"""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from claims.models import Article, Assignment
from claims.services.annotations import AnnotationDraft, annotations_bulk_create
from claims.services.review import assignment_mark, assignments_create
from tests.helpers import adjudicate

pytestmark = pytest.mark.django_db

SERUM = "Our serum cures arthritis. It works in days. Doctors hate it. A course costs $99.\n"
PILLS = "Cheap pills cure all. Order now.\n"
REPORT = reverse("claims:corpus_report")

# (name, sentences, tagged by someone, percent agreement, kappa, alpha), as printed.
SERUM_LINES = [
    ("Overstated", 4, 3, "75%", "0.50", "0.53"),
    ("Price claim", 4, 1, "100%", "1.00", "1.00"),
]
SERUM_OVERALL = ("All tags", 8, 4, "88%", "0.75", "0.76")


def _tag_sentences(author, article: Article, tag: str, indexes: list[int]) -> None:
    drafts = [
        AnnotationDraft(article_id=article.pk, tag=tag, sentences=(index, index))
        for index in indexes
    ]
    annotations_bulk_create(author=author, drafts=drafts)


@pytest.fixture
def serum(make_article, reviewer, other_reviewer) -> Article:
    article = make_article(text=SERUM, title="Serum", publisher="Serum Co")
    assert article.sentences.count() == 4
    _tag_sentences(reviewer, article, "overstated", [0, 1, 2])
    _tag_sentences(other_reviewer, article, "overstated", [1, 2])
    _tag_sentences(reviewer, article, "price-claim", [3])
    _tag_sentences(other_reviewer, article, "price-claim", [3])
    return article


@pytest.fixture
def pills(make_article, reviewer, other_reviewer) -> Article:
    article = make_article(text=PILLS, title="Pills", publisher="Pill Shop")
    assert article.sentences.count() == 2
    _tag_sentences(reviewer, article, "overstated", [0])
    _tag_sentences(other_reviewer, article, "unsupported", [1])
    return article


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


def _article_url(name: str, article: Article) -> str:
    return reverse(f"claims:{name}", args=[article.pk])


def _lines(response) -> list[tuple]:
    section = response.context["agreement"]
    return [
        (line.name, line.units, line.positive, line.percent, line.kappa, line.alpha)
        for line in section.lines
    ]


def _overall(response) -> tuple:
    line = response.context["agreement"].overall
    return (line.name, line.units, line.positive, line.percent, line.kappa, line.alpha)


def _cells(line: tuple) -> str:
    """A table row's figures as the page prints them."""
    return "".join(f'<td class="num">{value}</td>' for value in line[1:])


def _tight(html: str) -> str:
    """The page without the white space between its tags."""
    return re.sub(r">\s+<", "><", html)


def _pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- Article report ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_it_shows_the_agreement_of_two_reviewers_per_tag_and_overall(
    client, serum, persona, request
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(_article_url("article_report", serum))

    assert response.status_code == 200
    assert _lines(response) == SERUM_LINES
    assert _overall(response) == SERUM_OVERALL
    for line in [*SERUM_LINES, SERUM_OVERALL]:
        assert _cells(line) in _tight(response.text), line
    assert '<h2 id="agreement-heading">Agreement</h2>' in response.text
    assert "does this reviewer give this sentence this tag?" in response.text
    assert "Over 4 sentences of 1 article with two or more reviewers: omar, rita." in (
        response.text
    )


def test_it_says_agreement_needs_two_reviewers(as_editor, make_article, reviewer):
    article = make_article(text=SERUM, title="Serum")
    _tag_sentences(reviewer, article, "overstated", [0])

    response = as_editor.get(_article_url("article_report", article))

    assert response.context["agreement"].lines == []
    assert "Agreement needs two or more reviewers of the same article" in response.text
    assert "this article has fewer so far" in response.text


def test_it_counts_a_reviewer_who_tagged_nothing_but_finished_as_saying_no(
    as_editor, make_article, reviewer, other_reviewer, editor
):
    article = make_article(text=SERUM, title="Serum")
    _tag_sentences(reviewer, article, "overstated", [0])
    assignments_create(articles=[article], reviewers=[other_reviewer], editor=editor)
    assignment = Assignment.objects.get(article=article, reviewer=other_reviewer)
    assignment_mark(assignment=assignment, done=True, user=other_reviewer)

    response = as_editor.get(_article_url("article_report", article))

    # Rita yes on 1 of 4, Omar never: po = 3/4; pe = 1/4·0 + 3/4·1 = 3/4, kappa = 0;
    # alpha = 1 - 7·2 / (2·1·7) = 0.
    assert _lines(response) == [("Overstated", 4, 1, "75%", "0.00", "0.00")]
    assert "with two or more reviewers: omar, rita." in response.text


def test_it_leaves_out_cohens_kappa_beside_a_third_reviewer(as_editor, serum, editor):
    _tag_sentences(editor, serum, "overstated", [0, 1, 2])

    response = as_editor.get(_article_url("article_report", serum))

    overstated = _lines(response)[0]
    assert overstated[:4] == ("Overstated", 4, 3, "75%")
    assert overstated[4] == "—"
    assert "Cohen's κ compares exactly two reviewers, and there are 3" in response.text


def test_it_counts_only_the_chosen_tags(as_editor, serum):
    response = as_editor.get(_article_url("article_report", serum), {"tag": "overstated"})

    assert _lines(response) == SERUM_LINES[:1]
    assert _overall(response) == ("All tags", *SERUM_LINES[0][1:])
    assert "Agreement per tag, over the chosen tags" in response.text


def test_it_says_that_the_reviewer_and_date_filters_do_not_apply(as_editor, serum):
    plain = as_editor.get(_article_url("article_report", serum))
    one_reviewer = as_editor.get(_article_url("article_report", serum), {"reviewer": "omar"})
    since = as_editor.get(_article_url("article_report", serum), {"created_after": "2000-01-01"})

    assert _lines(one_reviewer) == _lines(since) == SERUM_LINES
    note = "The reviewer and date filters do not apply to agreement"
    assert note not in plain.text
    assert note in one_reviewer.text and note in since.text


def test_it_shows_the_reviewers_agreement_beside_the_final_annotations(as_editor, serum, editor):
    adjudicate(editor, serum, accept={(1, "overstated"), (2, "overstated"), (3, "price-claim")})

    response = as_editor.get(_article_url("article_report", serum), {"scope": "final"})

    assert response.context["report"].reviewers == ["edna"]
    assert _lines(response) == SERUM_LINES


def test_it_shows_a_reviewer_no_agreement(signed_in, serum):
    response = signed_in.get(_article_url("article_report", serum))

    assert response.context["agreement"] is None
    assert "agreement-heading" not in response.text
    assert "Krippendorff" not in response.text


def test_it_prints_the_agreement_in_the_article_pdf(as_editor, serum):
    response = as_editor.get(_article_url("article_report_pdf", serum))

    text = _pdf_text(response.content)
    assert "Agreement" in text
    assert "Overstated 4 3 75% 0.50 0.53" in text
    assert "All tags 8 4 88% 0.75 0.76" in text


def test_it_prints_no_agreement_in_a_reviewers_pdf(signed_in, serum):
    response = signed_in.get(_article_url("article_report_pdf", serum))

    text = _pdf_text(response.content)
    assert "Serum" in text
    assert "Agreement" not in text and "0.53" not in text


# --- Corpus report ----------------------------------------------------------------------------


def test_it_shows_the_corpus_agreement_over_the_filtered_articles(as_editor, serum, pills):
    response = as_editor.get(REPORT, {"publisher": "Serum Co"})

    assert response.status_code == 200
    assert _lines(response) == SERUM_LINES
    assert _overall(response) == SERUM_OVERALL
    assert _cells(SERUM_LINES[0]) in _tight(response.text)


def test_it_shows_the_corpus_agreement_over_every_article_without_filters(as_editor, serum, pills):
    response = as_editor.get(REPORT)

    assert response.context["agreement"].figures.articles == 2
    assert _lines(response)[:2] == [
        ("Unsupported", 6, 1, "83%", "0.00", "0.00"),
        ("Overstated", 6, 4, "67%", "0.40", "0.39"),
    ]
    assert "Over 6 sentences of 2 articles with two or more reviewers" in response.text


def test_it_says_no_article_of_the_corpus_has_two_reviewers(
    as_editor, serum, make_article, reviewer
):
    solo = make_article(text=PILLS, title="Solo", publisher="Solo Clinic")
    _tag_sentences(reviewer, solo, "overstated", [0])

    response = as_editor.get(REPORT, {"publisher": "Solo Clinic"})

    assert "no article in this report has them so far" in response.text


def test_it_says_that_the_reviewer_filter_does_not_apply_to_corpus_agreement(as_editor, serum):
    response = as_editor.get(REPORT, {"reviewer": "rita"})

    assert _lines(response) == SERUM_LINES
    assert "The reviewer and date filters do not apply to agreement" in response.text


def test_it_shows_a_reviewer_no_corpus_agreement(signed_in, serum):
    response = signed_in.get(REPORT)

    assert response.context["agreement"] is None
    assert "agreement-heading" not in response.text


def test_it_prints_the_agreement_in_the_corpus_pdf(as_editor, serum, pills):
    response = as_editor.get(reverse("claims:corpus_report_pdf"), {"publisher": "Serum Co"})

    text = _pdf_text(response.content)
    assert "Agreement" in text
    assert "Price claim 4 1 100% 1.00 1.00" in text


# --- Workbook ---------------------------------------------------------------------------------


def _workbook(client, query: dict):
    response = client.get(reverse("claims:corpus_report_xlsx"), query)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_it_writes_the_agreement_sheet_as_numbers(as_editor, serum, pills):
    sheet = _workbook(as_editor, {"publisher": "Serum Co"})["Agreement"]
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == (
        "Tag",
        "Sentences",
        "Tagged by someone",
        "Percent agreement",
        "Cohen's kappa",
        "Krippendorff's alpha",
    )
    assert rows[1] == ("Overstated", 4, 3, 0.75, 0.5, pytest.approx(16 / 30))
    assert rows[2] == ("Price claim", 4, 1, 1.0, 1.0, 1.0)
    assert rows[3] == ("All tags", 8, 4, 0.875, 0.75, pytest.approx(96 / 126))
    assert ("Reviewers", "omar, rita") in [row[:2] for row in rows]
    assert ("Articles with two or more reviewers", 1) in [row[:2] for row in rows]
    assert sheet["D2"].number_format == "0.0%"


def test_it_leaves_an_undefined_figure_empty_in_the_workbook(as_editor, serum, editor):
    _tag_sentences(editor, serum, "overstated", [0, 1, 2])

    rows = list(_workbook(as_editor, {})["Agreement"].iter_rows(values_only=True))

    assert rows[1][:4] == ("Overstated", 4, 3, 0.75)
    assert rows[1][4] is None
