"""The pages at 390, 800 and 1440 px in Chromium: nothing wider than the window, the
annotation tools in reach however far the article scrolls, the current sentence clear of the
fixed bars when moving by key, and the annotation panel as a drawer on a narrow screen."""

import pytest
from playwright.sync_api import Page, expect

from claims.models import Article
from claims.services.review import assignments_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = (390, 800, 1440)
LONG_PAGE = "".join(
    f"Section {n}: our regenerative clinic in Cancún treated patient {n} with stem cells, and "
    f"the knee pain was gone within {n % 9 + 2} weeks, with no side effects at all.\n"
    for n in range(120)
)


@pytest.fixture
def long_article(make_article, make_annotation, reviewer, other_reviewer, editor) -> Article:
    article = make_article(LONG_PAGE, title="Knee regeneration at a Cancún clinic")
    assignments_create(articles=[article], reviewers=[reviewer, other_reviewer], editor=editor)
    for index in range(0, 40, 4):
        make_annotation(
            author=reviewer, article=article, tag="overstated", sentences=(index, index)
        )
        make_annotation(
            author=other_reviewer, article=article, tag="unsupported", sentences=(index, index)
        )
    return article


def _overflow(page: Page) -> int:
    """How many pixels the page is wider than its window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_window(signed_in_page, editor, long_article, width):
    page = signed_in_page(editor)
    page.set_viewport_size({"width": width, "height": 800})
    wide = {}
    for path in (
        "/",
        "/articles/new/",
        f"/articles/{long_article.pk}/",
        f"/articles/{long_article.pk}/adjudicate/",
        f"/articles/{long_article.pk}/report/",
        f"/articles/{long_article.pk}/history/",
        "/reports/",
        "/profile/",
        "/vocabulary/",
        "/suggestions/",
        "/search/?q=knee",
        "/claims/clusters/",
    ):
        page.goto(path)
        page.wait_for_load_state("load")
        if _overflow(page) > 0:
            wide[path] = _overflow(page)
    assert wide == {}


@pytest.mark.parametrize("width", (390, 1440))
def test_the_tools_stay_in_reach_and_moving_keeps_the_sentence_clear(
    annotate_page, reviewer, long_article, width
):
    ui = annotate_page(reviewer, long_article)
    page = ui.page
    page.set_viewport_size({"width": width, "height": 700})
    for _ in range(60):
        page.keyboard.press("j")
    expect(ui.sentence(60)).to_be_focused()
    tools = page.locator("#tools").bounding_box()
    assert tools is not None and tools["y"] == pytest.approx(0, abs=1)  # stuck to the top
    for control in ("#palette .tag-button >> nth=0", "#undo-button", "#review-button", "#progress"):
        box = page.locator(control).bounding_box()
        assert box is not None and box["y"] < tools["height"], control
    current = ui.sentence(60).bounding_box()
    assert current["y"] >= tools["y"] + tools["height"]  # not under the tools bar
    status = page.locator("#status").bounding_box()
    if status:  # the status line shows only with a message
        assert current["y"] + current["height"] <= status["y"]
    for _ in range(5):
        page.keyboard.press("k")
    current = ui.sentence(55).bounding_box()
    assert current["y"] >= tools["y"] + tools["height"]
    # The tag goes on the sentence moved to, with the palette still on screen.
    with ui.api_call("POST"):
        page.keyboard.press("1")
    expect(ui.items).to_have_count(11)


def test_on_a_narrow_screen_the_panel_is_a_drawer(annotate_page, reviewer, long_article):
    ui = annotate_page(reviewer, long_article)
    page = ui.page
    page.set_viewport_size({"width": 390, "height": 700})
    toggle = page.get_by_role("button", name="Annotations")
    expect(toggle).to_be_visible()
    expect(page.locator("#panel")).not_to_be_in_viewport()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = page.locator("#panel")
    expect(panel).to_have_css("transform", "none")  # slid all the way in
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(ui.items).to_have_count(10)
    page.get_by_role("button", name="Close").click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    page.set_viewport_size({"width": 1440, "height": 700})
    expect(toggle).to_be_hidden()
    expect(panel).to_be_in_viewport()
