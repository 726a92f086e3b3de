"""The corpus search page in Chromium: an editor finds every article making a claim, narrows
to one clinic, pages on, follows a hit to its sentence and tags it there (checked in the
database)."""

import pytest
from playwright.sync_api import expect

from claims.models import Annotation
from tests.browser.conftest import AnnotatePage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REGENWELL = (
    "Knee pain, solved\n"
    "Our stem cell injections have no side effects because the cells are your own.\n"
    "A course of three injections costs $4,500.\n"
)
NOVACELL = (
    "Why NovaCell\n"
    "Treatment at NovaCell has no side effects at all.\n"
    "Parking is free for every patient.\n"
)
# Enough sentences with the claim for a second page of results (the page holds 20).
BRIGHTSPINE = "Spine care\n" + "".join(
    f"Session {n} has no side effects for the spine.\n" for n in range(1, 21)
)


def test_an_editor_finds_a_claim_across_clinics_and_tags_a_hit_in_its_article(
    signed_in_page, editor, reviewer, make_article, make_annotation
):
    regenwell = make_article(REGENWELL, title="Knees at RegenWell", publisher="RegenWell")
    novacell = make_article(NOVACELL, title="NovaCell FAQ", publisher="NovaCell Clinic")
    make_article(BRIGHTSPINE, title="BrightSpine sessions", publisher="BrightSpine")
    make_annotation(
        author=reviewer, article=regenwell, tag="unsupported", sentences=(1, 1), note="No trial."
    )
    page = signed_in_page(editor)

    page.goto('/search/?q="no side effects"')
    hits = page.locator("#search-results > li")
    expect(hits).to_have_count(20)
    expect(page.get_by_role("button", name="More results")).to_be_visible()
    page.get_by_role("button", name="More results").click()
    expect(hits).to_have_count(22)
    expect(page.get_by_role("button", name="More results")).to_be_hidden()
    tagged = hits.filter(has_text="Knees at RegenWell")
    expect(tagged.locator(".seen-tag")).to_have_text(["Unsupported ×1"])

    page.get_by_label("Publisher").select_option("NovaCell Clinic")
    page.get_by_role("button", name="Search").click()
    expect(hits).to_have_count(1)
    expect(hits.first.locator("q")).to_have_text(NOVACELL.splitlines()[1])
    assert "publisher=NovaCell+Clinic" in page.url

    page.get_by_label("Search", exact=True).fill("trial")
    page.get_by_label("Publisher").select_option("")
    page.get_by_role("button", name="Search").click()
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("(found in a note)")

    page.get_by_label("Search", exact=True).fill("nothing-like-this")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-status")).to_have_text("Nothing matches.")

    page.goto("/search/?q=side+effects&publisher=NovaCell+Clinic")
    page.get_by_role("link", name="NovaCell FAQ").click()
    ui = AnnotatePage(page, novacell)
    page.wait_for_selector('body[data-ready="true"]')
    assert page.url.endswith(f"/articles/{novacell.pk}/#s1")
    with ui.api_call("POST"):
        page.keyboard.press("2")  # Overstated, on the sentence the link led to
    made = Annotation.objects.get(article=novacell, author=editor)
    sentence = novacell.sentences.get(index=1)
    assert (made.tag.slug, made.start, made.end) == ("overstated", sentence.start, sentence.end)
