"""Assignments, history and the final tags in Chromium: an editor assigns articles from the
list by ticking them and the reviewers, the reviewer finds them first, marks one done and goes
on to the next, and the editor sees who is done and the open disagreements; an editor reads
an annotation's history and the article's; a reviewer reads the final tags once the article
is adjudicated."""

import re

import pytest
from playwright.sync_api import Page, expect

from claims.models import Annotation, Article, Assignment
from claims.services.annotations import (
    AnnotationDraft,
    annotation_create,
    annotation_delete,
    annotation_update,
)
from claims.services.review import adjudication_finish, decision_make

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KNEES = (
    "Stem cells regrow cartilage in weeks.\n"
    "A 70-year-old runner was pain-free after one injection.\n"
    "Treatment costs from $4,000 to $9,800.\n"
)


@pytest.fixture
def articles(make_article) -> dict[str, Article]:
    return {
        "knees": make_article(KNEES, title="Knee regeneration", publisher="RegenWell"),
        "autism": make_article(
            "Cord blood infusions improve autism symptoms.\nPrices from $9,800.\n",
            title="Cord blood for autism",
            publisher="Sunrise Cell Clinic",
        ),
        "hair": make_article(
            "PRP and stem cells stop hair loss for good.\nNo side effects.\n",
            title="Hair loss cured",
            publisher="Sunrise Cell Clinic",
        ),
    }


def _row(page: Page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title))


def _titles(page: Page):
    return page.locator("tbody a")


def test_it_lets_an_editor_assign_articles_that_the_reviewer_then_works_through_in_order(
    signed_in_page, make_annotation, editor, reviewer, other_reviewer, articles
):
    desk = signed_in_page(editor)
    desk.goto("/")
    expect(_titles(desk)).to_have_text(
        ["Hair loss cured", "Cord blood for autism", "Knee regeneration"]
    )
    desk.get_by_label("Select Knee regeneration").check()
    desk.get_by_label("Select Cord blood for autism").check()
    # The reviewers are ticked too: no Ctrl-click in a multiple select box.
    picker = desk.get_by_role("group", name="Assign the ticked articles to")
    expect(picker.get_by_role("checkbox")).to_have_count(2)
    picker.get_by_label("omar").check()
    picker.get_by_label("rita").check()
    desk.get_by_role("button", name="Assign").click()

    expect(desk.get_by_role("status")).to_have_text(
        "Assigned 2 articles to omar and rita (4 new assignments)."
    )
    expect(_row(desk, "Knee regeneration").locator(".assignees")).to_have_text(
        "omar 0% read, rita 0% read"
    )
    expect(_row(desk, "Hair loss cured").locator(".assignees")).to_have_text("—")
    assert set(Assignment.objects.values_list("article__title", "reviewer__username")) == {
        ("Knee regeneration", "omar"),
        ("Knee regeneration", "rita"),
        ("Cord blood for autism", "omar"),
        ("Cord blood for autism", "rita"),
    }

    page = signed_in_page(reviewer)
    page.goto("/")
    expect(_titles(page)).to_have_text(
        ["Cord blood for autism", "Knee regeneration", "Hair loss cured"]
    )
    expect(page.locator("tbody tr.assigned-open .assignment-mark")).to_have_text(
        ["Assigned to you", "Assigned to you"]
    )
    expect(_row(page, "Hair loss cured").locator(".assignment-mark")).to_have_count(0)

    page.get_by_role("link", name="Knee regeneration").click()
    page.wait_for_selector('body[data-ready="true"]')
    page.get_by_role("button", name="Mark my review done").click()
    # Read through or not: done with sentences unread is the reviewer's call, asked first.
    with page.expect_response(lambda r: r.request.method == "PATCH") as marked:
        page.get_by_role("button", name="Mark done anyway").click()
    assert marked.value.status == 200
    expect(page.locator("#assignment-state")).to_have_text("Your review is done")
    done = Assignment.objects.get(article=articles["knees"], reviewer=reviewer)
    assert done.done_at is not None
    assert (
        Assignment.objects.get(article=articles["knees"], reviewer=other_reviewer).done_at is None
    )

    # The way on: the oldest article still assigned to this reviewer, then word that none is.
    page.get_by_role("link", name="Next article assigned to me").click()
    page.wait_for_selector('body[data-ready="true"]')
    expect(page.get_by_role("heading", level=1)).to_have_text("Cord blood for autism")
    expect(page.locator("#next-assigned")).to_be_empty()
    page.get_by_role("button", name="Mark my review done").click()
    page.get_by_role("button", name="Mark done anyway").click()
    expect(page.locator("#next-assigned")).to_have_text("Nothing else is assigned to you.")
    page.get_by_role("button", name="Reopen my review").click()
    expect(page.locator("#next-assigned")).to_be_empty()

    page.goto("/")
    expect(_titles(page)).to_have_text(
        ["Cord blood for autism", "Knee regeneration", "Hair loss cured"]
    )
    expect(_row(page, "Knee regeneration").locator(".assignment-mark")).to_have_text(
        "Your review is done"
    )
    # rita's tag on a sentence omar has not read yet: a disagreement the editor must settle.
    make_annotation(author=reviewer, article=articles["knees"], tag="overstated", sentences=(0, 0))
    desk.reload()
    expect(_row(desk, "Knee regeneration").locator(".assignees")).to_have_text(
        "omar 0% read, rita ✓ 0% read"
    )
    expect(_row(desk, "Knee regeneration").locator(".disagreements")).to_have_text("1")
    expect(_row(desk, "Cord blood for autism").locator(".disagreements")).to_have_text("0")
    _row(desk, "Knee regeneration").locator(".disagreements a").click()
    expect(desk).to_have_url(re.compile(rf"/articles/{articles['knees'].pk}/adjudicate/$"))


def test_it_shows_an_editor_what_changed_in_an_annotation_and_in_the_article(
    annotate_page, editor, reviewer, articles
):
    knees = articles["knees"]
    runner = knees.sentences.get(index=1)
    price = knees.sentences.get(index=2)
    draft = AnnotationDraft(article_id=knees.pk, tag="overstated", sentences=(1, 1))
    changed = annotation_create(author=reviewer, draft=draft)
    annotation_update(annotation=changed, user=changed.author, tag="cited-case-report")
    annotation_update(
        annotation=changed, user=changed.author, note="<b>One runner</b> is an anecdote."
    )
    draft = AnnotationDraft(article_id=knees.pk, tag="price-claim", sentences=(2, 2))
    annotation_delete(annotation=annotation_create(author=reviewer, draft=draft), user=reviewer)
    ui = annotate_page(editor, knees)
    ui.show_annotations_of("rita")
    expect(ui.items).to_have_count(1)

    item = ui.items.first
    with ui.page.expect_response(re.compile(rf"/api/v1/annotations/{changed.pk}/history/$")):
        item.get_by_role("button", name="History").click()
    history = item.locator(".history > li")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("Created by rita")
    expect(history.nth(0)).to_contain_text(f"Overstated: “{runner.text}”")
    expect(history.nth(1)).to_contain_text("Changed by rita")
    expect(history.nth(1).locator(".change")).to_have_text("tag: Overstated → Cited case report")
    expect(history.nth(2).locator(".change")).to_have_text(
        "note changed: (none) → “<b>One runner</b> is an anecdote.”"
    )
    # A reviewer's note is text, never markup.
    expect(item.locator(".history b")).to_have_count(0)
    item.get_by_role("button", name="Hide history").click()
    expect(item.locator(".history")).to_have_count(0)

    ui.page.get_by_role("link", name="History", exact=True).click()
    expect(ui.page).to_have_url(re.compile(rf"/articles/{knees.pk}/history/$"))
    rows = ui.page.locator("tbody tr")
    expect(rows.locator("td:nth-child(3)")).to_have_text(
        ["Created", "Changed", "Changed", "Created", "Deleted"]
    )
    # The deleted annotation is gone from the article, not from its history.
    assert not Annotation.objects.filter(tag__slug="price-claim").exists()
    deleted = rows.nth(4)
    expect(deleted.locator("td").nth(4)).to_have_text("Price claim")
    expect(deleted.locator("td").nth(5)).to_have_text("3")
    expect(deleted.locator("q")).to_have_text(price.text)
    expect(rows.nth(1).locator(".change")).to_have_text("tag: Overstated → Cited case report")


def test_it_shows_a_reviewer_the_final_tags_read_only_once_the_article_is_adjudicated(
    annotate_page, reviewer, other_reviewer, editor, articles
):
    knees = articles["knees"]
    for author, tag, index in [
        (reviewer, "overstated", 0),
        (other_reviewer, "overstated", 0),
        (other_reviewer, "price-claim", 2),
    ]:
        draft = AnnotationDraft(article_id=knees.pk, tag=tag, sentences=(index, index))
        annotation_create(author=author, draft=draft)
    decision_make(article=knees, sentence=0, tag="overstated", accept=True, editor=editor)
    decision_make(article=knees, sentence=2, tag="price-claim", accept=False, editor=editor)
    adjudication_finish(article=knees, editor=editor)
    ui = annotate_page(reviewer, knees)
    expect(ui.page.locator("#view-select option")).to_have_text(["Mine", "Final"])

    ui.show_annotations_of("Final")

    expect(ui.chips).to_have_count(1)
    expect(ui.sentence(0).locator(".chip")).to_have_attribute("data-label", "Overstated · final")
    expect(ui.sentence(2).locator(".chip")).to_have_count(0)
    expect(ui.items).to_have_count(1)
    expect(ui.items.first.locator(".author")).to_have_text("Final, accepted by edna")
    # Read-only: no tag, note or delete controls, and the keys change nothing.
    expect(ui.items.first.locator("select, .actions")).to_have_count(0)
    ui.sentence(0).click()
    ui.page.keyboard.press("Delete")
    ui.page.keyboard.press("1")
    expect(ui.page.get_by_role("status")).to_contain_text("The final tags are read-only.")
    expect(ui.chips).to_have_count(1)
    assert Annotation.objects.filter(final=True).count() == 1
    assert Annotation.objects.filter(author=reviewer).count() == 1

    ui.show_annotations_of("Mine")
    expect(ui.chips).to_have_count(1)
    expect(ui.sentence(0).locator(".chip")).to_have_attribute("data-label", "Overstated")

    # The editor who accepted the tag authored it, and still cannot edit it here.
    desk = annotate_page(editor, knees)
    desk.show_annotations_of("Final")
    expect(desk.items).to_have_count(1)
    expect(desk.items.first.get_by_role("button")).to_have_text(
        [re.compile("Stem cells regrow cartilage"), "History", "Replies"]
    )
    expect(desk.items.first.locator("select")).to_have_count(0)
