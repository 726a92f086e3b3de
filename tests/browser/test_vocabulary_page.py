"""The editors' vocabulary page in Chromium: tags edited, refused with the API's reasons
(a taken shortcut, a colour that would hide the text), archived, restored and added; readers
and reviewers get no edit controls."""

import pytest
from playwright.sync_api import Page, expect

from claims.models import Tag

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _tag_form(page: Page, slug: str):
    return page.get_by_role("form", name=f"Tag {slug}")


def _save(page: Page, form, button: str = "Save") -> int:
    with page.expect_response(lambda r: r.request.method in {"PATCH", "POST"}) as answer:
        form.get_by_role("button", name=button).click()
    return answer.value.status


def test_an_editor_edits_archives_restores_and_adds_tags_with_the_apis_checks(
    signed_in_page, editor
):
    page = signed_in_page(editor)
    page.goto("/vocabulary/")
    page.get_by_role("link", name="Edit the vocabulary").click()
    page.wait_for_selector('body[data-ready="true"]')
    expect(page.locator(".tag-item .tag-slug")).to_have_text(
        ["unsupported", "overstated", "cited-case-report", "price-claim"]
    )

    overstated = _tag_form(page, "overstated")
    overstated.get_by_label("Name").fill("Hype")
    overstated.get_by_label("Shortcut").fill("1")
    assert _save(page, overstated) == 409
    expect(overstated.locator('[data-error-for="shortcut"]')).to_have_text(
        "Shortcut 1 already belongs to “Unsupported”."
    )
    expect(overstated.get_by_label("Shortcut")).to_have_attribute("aria-invalid", "true")
    assert Tag.objects.get(slug="overstated").name == "Overstated"

    overstated.get_by_label("Shortcut").fill("7")
    overstated.get_by_label("Colour").fill("#000080")
    assert _save(page, overstated) == 422
    expect(overstated.locator('[data-error-for="colour"]')).to_contain_text(
        "Text on a #000080 highlight has a contrast of 3.0:1"
    )
    expect(overstated.locator('[data-error-for="shortcut"]')).to_be_hidden()

    overstated.get_by_label("Colour").fill("#be185d")
    overstated.get_by_label("Order").fill("9")
    assert _save(page, overstated) == 200
    expect(page.get_by_role("status")).to_have_text("Saved “Hype”.")
    # Moved to where its new order puts it.
    expect(page.locator(".tag-item .tag-slug").last).to_have_text("overstated")
    tag = Tag.objects.get(slug="overstated")
    assert (tag.name, tag.shortcut, tag.colour, tag.order) == ("Hype", "7", "#be185d", 9)

    assert _save(page, overstated, "Archive") == 200
    expect(overstated.locator(".tag-state")).to_have_text("(archived)")
    assert Tag.objects.get(slug="overstated").archived
    assert _save(page, overstated, "Restore") == 200
    expect(overstated.get_by_role("button", name="Archive")).to_be_visible()
    assert not Tag.objects.get(slug="overstated").archived

    new = page.get_by_role("form", name="New tag")
    new.get_by_label("Name").fill("Miracle language")
    expect(new.get_by_label("Slug")).to_have_value("miracle-language")
    new.get_by_label("Definition").fill("Promises of a cure or a rebirth: miracle, breakthrough.")
    new.get_by_label("Colour").fill("#0891b2")
    new.get_by_label("Shortcut").fill("5")
    assert _save(page, new, "Add the tag") == 201
    expect(page.get_by_role("status")).to_have_text("Added “Miracle language” on key 5.")
    expect(_tag_form(page, "miracle-language").get_by_label("Name")).to_have_value(
        "Miracle language"
    )
    added = Tag.objects.get(slug="miracle-language")
    assert (added.colour, added.shortcut, added.archived) == ("#0891b2", "5", False)


def test_readers_and_reviewers_get_no_way_to_edit_the_vocabulary(signed_in_page, reviewer, reader):
    for user in (reviewer, reader):
        page = signed_in_page(user)
        page.goto("/vocabulary/")
        expect(page.get_by_role("heading", name="Tag vocabulary")).to_be_visible()
        expect(page.get_by_role("link", name="Edit the vocabulary")).to_have_count(0)
        assert page.goto("/vocabulary/edit/").status == 403
    assert Tag.objects.filter(archived=False).count() == 4
