"""Find in the article, on the annotation page in Chromium: `/` opens a search over the
sentences (case- and accent-insensitive), Enter and Shift+Enter select the next and previous
match so a tag key tags it, and keys jump to the next untagged, tagged, or (for editors)
another reviewer's sentence."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Annotation, Article
from tests.browser.conftest import AnnotatePage
from tests.browser.test_accessibility import _violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TRAVEL_PAGE = (
    "Regenerative clinics in Zürich and Cancún.\n"
    "The Zurich clinic promises new cartilage in six weeks.\n"
    "Patients fly to CANCÚN for cheaper injections.\n"
    "A single session costs $4,000.\n"
    "Doctors in zurich say the evidence is thin.\n"
    "Book your trip today.\n"
)


@pytest.fixture
def article(make_article) -> Article:
    return make_article(TRAVEL_PAGE, title="Stem cell travel")


def _index(article: Article, beginning: str) -> int:
    return article.sentences.get(text__startswith=beginning).index


def _expect_selected(ui: AnnotatePage, index: int) -> None:
    expect(ui.sentence(index)).to_be_focused()
    expect(ui.page.locator("#document .s.selected")).to_have_count(1)
    expect(ui.sentence(index)).to_have_class(re.compile(r"\bselected\b"))


def test_it_finds_text_selects_each_match_for_tagging_and_jumps_to_untagged_and_tagged(
    annotate_page, reviewer, article, make_annotation
):
    titled = _index(article, "Regenerative clinics")
    promise = _index(article, "The Zurich clinic")
    flight = _index(article, "Patients fly")
    doctors = _index(article, "Doctors in zurich")
    booking = _index(article, "Book your trip")
    make_annotation(author=reviewer, article=article, tag="overstated", sentences=(promise,) * 2)
    ui = annotate_page(reviewer, article)
    page = ui.page
    box = page.get_by_role("textbox", name="Find in article")
    count = page.locator("#find-count")

    ui.sentence(flight).click()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    box.press_sequentially("ZURICH")
    expect(count).to_have_text("3 matches")
    expect(page.locator("#document .s.found")).to_have_count(3)
    assert _violations(page) == []

    # From the selection onwards; the found sentence is selected, so its tag key tags it.
    box.press("Enter")
    _expect_selected(ui, doctors)
    expect(count).to_have_text("3 of 3")
    with ui.api_call("POST") as created:
        page.keyboard.press("1")
    assert created.value.status == 201
    stored = Annotation.objects.get(tag__slug="unsupported")
    assert (stored.author, stored.quote) == (reviewer, article.sentences.get(index=doctors).text)

    page.keyboard.press("Enter")  # past the last match: round to the first
    _expect_selected(ui, titled)
    expect(count).to_have_text("1 of 3")
    page.keyboard.press("Shift+Enter")
    _expect_selected(ui, doctors)
    page.get_by_role("button", name="Previous match").click()
    _expect_selected(ui, promise)
    expect(count).to_have_text("2 of 3")

    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("ZURICH")
    box.press("Escape")
    expect(box).to_be_hidden()
    expect(page.locator("#document .s.found")).to_have_count(0)
    _expect_selected(ui, promise)

    # Tagged: promise (before) and doctors (just now).
    price = _index(article, "A single session")
    jumps = [
        ("u", flight),
        ("u", price),
        ("u", booking),
        ("u", titled),
        ("f", promise),
        ("f", doctors),
    ]
    for key, index in jumps:
        page.keyboard.press(key)
        _expect_selected(ui, index)
    page.keyboard.press("Shift+F")
    _expect_selected(ui, promise)

    # Open on a phone-sized window, the box fits: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 800})
    page.keyboard.press("/")
    expect(box).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box.press("Escape")

    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_contain_text("Find in the article")
    expect(shortcuts).to_contain_text("Next / previous untagged sentence")


def test_an_editor_jumps_to_sentences_another_reviewer_tagged_while_showing_only_theirs(
    annotate_page, editor, reviewer, other_reviewer, article, make_annotation
):
    mine = _index(article, "The Zurich clinic")
    price = _index(article, "A single session")
    booking = _index(article, "Book your trip")
    make_annotation(author=editor, article=article, tag="overstated", sentences=(mine,) * 2)
    make_annotation(author=reviewer, article=article, tag="price-claim", sentences=(price,) * 2)
    make_annotation(
        author=other_reviewer, article=article, tag="unsupported", sentences=(booking,) * 2
    )
    ui = annotate_page(editor, article)
    expect(ui.chips).to_have_count(1)  # "Mine": the reviewers' tags are not on the page

    for index in (price, booking, price):
        ui.page.keyboard.press("o")
        _expect_selected(ui, index)
    ui.page.keyboard.press("Shift+O")
    _expect_selected(ui, booking)
