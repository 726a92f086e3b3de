"""A reviewer's and an editor's day in Chromium, the small things: every moment is written one
way, the token page copies the token and an example call, long titles stay in their row."""

import re

import pytest
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from claims.models import Article
from claims.services.annotations import annotation_update

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$")


def _moments_on(page) -> list[str]:
    times = page.locator("time")
    expect(times.first).to_be_visible()
    return times.all_inner_texts()


def test_every_page_writes_a_moment_the_same_way(
    annotate_page, editor, reviewer, make_article, make_annotation
):
    article = make_article()
    annotation = make_annotation(
        author=reviewer, article=article, tag="overstated", sentences=(1, 1)
    )
    annotation_update(annotation=annotation, user=reviewer, note="No trial is cited.")
    Token.objects.create(user=editor)

    ui = annotate_page(editor, article)
    ui.show_annotations_of("rita")
    ui.items.first.get_by_role("button", name="History").click()
    history = ui.items.first.locator(".history time")
    expect(history).to_have_count(2)
    seen = history.all_inner_texts()
    for path in ("/", f"/articles/{article.pk}/history/", "/profile/"):
        ui.page.goto(path)
        seen += _moments_on(ui.page)
    assert len(seen) >= 6
    assert [text for text in seen if not MOMENT.match(text)] == []


def test_the_token_page_copies_the_token_and_a_working_example_call(
    signed_in_page, reviewer, live_server
):
    token = Token.objects.create(user=reviewer)
    page = signed_in_page(reviewer)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/profile/")

    page.get_by_role("button", name="Copy").first.click()
    expect(page.locator("#copy-status")).to_have_text("Copied the token.")
    assert page.evaluate("navigator.clipboard.readText()") == token.key

    page.get_by_role("button", name="Copy").nth(1).click()
    expect(page.locator("#copy-status")).to_have_text("Copied the example call.")
    call = page.evaluate("navigator.clipboard.readText()")
    assert call == (
        f"curl -H 'Authorization: Token {token.key}' "
        f"'{live_server.url}/api/v1/articles/?page_size=5'"
    )
    # The call it shows works: the same request, made from the page.
    status = page.evaluate(
        """async (key) => (await fetch('/api/v1/articles/?page_size=5',
             {headers: {Authorization: `Token ${key}`}, credentials: 'omit'})).status""",
        token.key,
    )
    assert status == 200


def test_a_very_long_title_keeps_its_row_short_and_shows_whole_on_hover(
    signed_in_page, reviewer, make_article
):
    short = make_article(title="Knee regeneration")
    long_title = "Regenerative " * 22 + "stem cells"  # 296 characters, no natural break
    make_article("Exosomes reverse ageing in every patient.\n", title=long_title)
    page = signed_in_page(reviewer)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/")

    link = page.get_by_role("link", name=long_title)
    expect(link).to_have_attribute("title", long_title)
    rows = {
        title: page.locator("tbody tr", has=page.get_by_role("link", name=title)).bounding_box()
        for title in (short.title, long_title)
    }
    assert rows[long_title]["height"] <= 2.5 * rows[short.title]["height"]
    assert Article.objects.get(title=long_title)  # stored whole
