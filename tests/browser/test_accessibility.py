"""axe-core (through axe-playwright-python) on every page in Chromium: no serious or critical
violation; and on the annotation and adjudication pages, Tab moves through the controls in
reading order with a visible focus ring on each."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from rest_framework.authtoken.models import Token

from claims.services.review import assignment_mark, assignments_create
from tests.browser.test_layout import LONG_PAGE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Axe()
SERIOUS = {"serious", "critical"}


@pytest.fixture
def reviewed(make_article, make_annotation, reviewer, other_reviewer, editor):
    article = make_article(LONG_PAGE, title="Knee regeneration at a Cancún clinic")
    assignments_create(articles=[article], reviewers=[reviewer, other_reviewer], editor=editor)
    for index in range(0, 12, 3):
        make_annotation(
            author=reviewer, article=article, tag="overstated", sentences=(index, index)
        )
        make_annotation(
            author=other_reviewer, article=article, tag="price-claim", sentences=(index, index)
        )
    for assignment in article.assignments.select_related("reviewer"):
        assignment_mark(assignment=assignment, done=True, user=assignment.reviewer)
    Token.objects.create(user=editor)
    return article


def _violations(page: Page) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [
        f"{rule['id']} ({rule['impact']}): {node['target']}"
        for rule in found
        if rule["impact"] in SERIOUS
        for node in rule["nodes"]
    ]


def _ready(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", (390, 1440))
def test_no_page_has_a_serious_accessibility_violation(
    signed_in_page, page, editor, reviewed, width
):
    found: dict[str, list[str]] = {}
    page.set_viewport_size({"width": width, "height": 800})
    _ready(page, "/accounts/login/")
    found["/accounts/login/"] = _violations(page)
    signed_in = signed_in_page(editor)
    signed_in.set_viewport_size({"width": width, "height": 800})
    for path in (
        "/",
        "/articles/new/",
        f"/articles/{reviewed.pk}/",
        f"/articles/{reviewed.pk}/adjudicate/",
        f"/articles/{reviewed.pk}/report/",
        f"/articles/{reviewed.pk}/history/",
        "/reports/",
        "/profile/",
        "/vocabulary/",
        "/suggestions/",
        "/search/?q=knee",
        "/claims/clusters/",
    ):
        _ready(signed_in, path)
        found[path] = _violations(signed_in)
    assert {path: rules for path, rules in found.items() if rules} == {}


def test_the_check_finds_a_violation_when_there_is_one(signed_in_page, editor, reviewed):
    page = signed_in_page(editor)
    _ready(page, "/profile/")
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert any(found.startswith("button-name (critical)") for found in _violations(page))


FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {
    id: el.id || el.textContent.trim().slice(0, 30) || el.tagName,
    ring: outlined || style.boxShadow !== 'none',
    before: (window.__lastFocused && window.__lastFocused !== el)
      ? Boolean(window.__lastFocused.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
      : true,
    set: (window.__lastFocused = el, true),
  };
}"""


def _tab_through(page: Page, presses: int) -> list[dict]:
    """From the top of the page (the annotation page starts with a sentence focused)."""
    page.evaluate("window.__lastFocused = null; document.querySelector('.brand').focus()")
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control: out of the page
        seen.append(page.evaluate(FOCUS_RING))
    return seen


@pytest.mark.parametrize("kind", ("annotate", "adjudicate"))
def test_tab_moves_in_reading_order_with_a_visible_ring(signed_in_page, editor, reviewed, kind):
    page = signed_in_page(editor)
    path = f"/articles/{reviewed.pk}/" + ("adjudicate/" if kind == "adjudicate" else "")
    page.goto(path)
    page.wait_for_selector('body[data-ready="true"]')
    seen = _tab_through(page, 60)
    assert [stop["id"] for stop in seen if not stop["ring"]] == []
    assert [stop["id"] for stop in seen if not stop["before"]] == []
    stops = [stop["id"] for stop in seen]
    assert len(set(stops)) >= 15  # it went somewhere, not round one control
    if kind == "annotate":  # the tools, then the article, then the panel
        assert stops.index("help-button") < stops.index("s0") < stops.index("panel-filter")
