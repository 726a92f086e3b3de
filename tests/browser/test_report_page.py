"""An article's report in Chromium: a sentence two reviewers priced (one over two sentences)
is quoted once under "Prices quoted", annotations that share a sentence make one entry under
"Flagged sentences" with the exact words marked, and the page's XLSX download is the same
report as a workbook, with the filters kept and no formula in it."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from claims.models import Article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Five sentences, one per line.
CLINIC_PAGE = (
    "Our stem cells cure arthritis for good.\n"
    "The treatment has no side effects at all.\n"
    "A 52-year-old woman was symptom-free after 4 infusions.\n"
    "Treatment costs from $1,500 to $10,000.\n"
    "Financing is available for every budget.\n"
)
PRICE_SENTENCE = "Treatment costs from $1,500 to $10,000."
AMOUNTS = "$1,500 to $10,000"
SAFE = "no side effects"


def _phrase(article: Article, phrase: str) -> dict[str, int]:
    start = article.text.index(phrase)
    return {"start": start, "end": start + len(phrase)}


@pytest.fixture
def reviewed(make_article, make_annotation, reviewer, other_reviewer) -> Article:
    """Sentence 2: rita's tag on the whole of it, omar's on three of its words. Sentence 4:
    omar prices it whole, rita prices its amounts and, again, sentences 4 and 5 together."""
    article = make_article(CLINIC_PAGE, title="Cartilage regrowth")
    make_annotation(author=reviewer, article=article, tag="overstated", sentences=(1, 1))
    make_annotation(
        author=other_reviewer,
        article=article,
        tag="unsupported",
        note="No trial cited.",
        **_phrase(article, SAFE),
    )
    make_annotation(author=other_reviewer, article=article, tag="price-claim", sentences=(3, 3))
    make_annotation(
        author=reviewer,
        article=article,
        tag="price-claim",
        note="A range with nothing behind it.",
        **_phrase(article, AMOUNTS),
    )
    make_annotation(author=reviewer, article=article, tag="price-claim", sentences=(3, 4))
    return article


def _open_report(page: Page, article: Article, query: str = "") -> None:
    page.goto(f"/articles/{article.pk}/report/" + (f"?{query}" if query else ""))
    expect(page.get_by_role("heading", name="Flagged sentences")).to_be_visible()


def _price_rows(page: Page) -> Locator:
    return page.locator("section[aria-labelledby='prices-heading'] tbody tr")


def test_it_quotes_each_priced_sentence_once_and_gathers_a_sentences_annotations(
    signed_in_page, editor, reviewed
):
    page = signed_in_page(editor)
    _open_report(page, reviewed)

    # Prices quoted: sentence 4 once (three price claims touch it), sentence 5 once.
    rows = _price_rows(page)
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_have_text(PRICE_SENTENCE)
    expect(rows.nth(0)).to_contain_text("$1,500")
    expect(rows.nth(1)).to_contain_text("Financing is available for every budget.")
    expect(rows.nth(1)).to_contain_text("No amount found in this sentence.")
    expect(page.locator("section[aria-labelledby='prices-heading']")).to_contain_text(
        "each sentence once"
    )

    # Flagged sentences: one entry for sentence 2, one for sentences 4-5; none repeated.
    entries = page.locator("ol.flags > li")
    expect(entries).to_have_count(2)
    safety, prices = entries.nth(0), entries.nth(1)
    expect(safety.locator(".flag-where a")).to_have_text("Sentence 2")
    expect(safety.locator(".flag-context")).to_have_text(
        "The treatment has no side effects at all."
    )
    expect(safety.locator(".flag-context mark")).to_have_text(SAFE)
    expect(safety.locator(".flag-context mark")).to_have_attribute("title", "omar: Unsupported")
    expect(safety.locator(".flag-annotations > li")).to_have_count(2)
    expect(safety.locator(".flag-annotations > li").nth(0)).to_have_text("Overstated · rita")
    expect(safety.locator(".flag-annotations > li").nth(1)).to_have_text(
        f"Unsupported · omar on “{SAFE}”: No trial cited."
    )

    expect(prices.locator(".flag-where a")).to_have_text("Sentences 4–5")
    expect(prices.locator(".flag-annotations > li")).to_have_count(3)
    expect(prices.locator(".flag-context")).to_contain_text(PRICE_SENTENCE)
    expect(prices.locator(".flag-context")).to_contain_text("for every budget.")

    # The sentence link still lands on the sentence.
    safety.locator(".flag-where a").click()
    page.wait_for_url(f"**/articles/{reviewed.pk}/#s1")


def _downloaded_workbook(page: Page) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith("-report.xlsx")
    with open(download.value.path(), "rb") as file:
        return file.read()


def test_it_downloads_the_article_report_as_a_workbook_with_its_filters(
    signed_in_page, editor, reviewed
):
    page = signed_in_page(editor)
    _open_report(page, reviewed)
    page.get_by_label("Reviewer").select_option("rita")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/report/\?reviewer=rita&"))
    expect(page.get_by_role("link", name="Excel (XLSX)")).to_have_attribute(
        "href", re.compile(rf"^/articles/{reviewed.pk}/report\.xlsx\?reviewer=rita&")
    )

    content = _downloaded_workbook(page)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Article", "Tags", "Prices", "Annotations", "Agreement"]
    assert ("Title", "Cartilage regrowth") in workbook["Article"].iter_rows(values_only=True)
    assert list(workbook["Tags"].iter_rows(values_only=True))[1:] == [
        ("Overstated", 1, 0),
        ("Price claim", 2, 0),
        ("Total", 3, 0),
    ]
    prices = list(workbook["Prices"].iter_rows(values_only=True))[1:]
    assert [row[:2] for row in prices] == [
        (4, PRICE_SENTENCE),
        (5, "Financing is available for every budget."),
    ]
    assert prices[0][3:6] == (1500, 10000, "USD")
    annotations = list(workbook["Annotations"].iter_rows(values_only=True))[1:]
    assert {row[8] for row in annotations} == {"rita"}
    assert len(annotations) == 3
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml
