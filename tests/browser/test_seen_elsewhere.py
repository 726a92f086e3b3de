""" "Seen elsewhere" in Chromium: the selected sentence's claim found in another clinic's
article, with a link there and its tags, and tagged the same way in one click (checked in
the database)."""

import pytest
from playwright.sync_api import expect

from claims.models import Annotation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HERE = (
    "Why choose stem cells?\n"
    "Our stem cell therapy has no side effects because the cells are your own.\n"
    "Book a free consultation today!\n"
)
ELSEWHERE = (
    "Frequently asked questions\n"
    "At NovaCell Clinic, stem cell therapy has no side effects because the cells are your own.\n"
    "Parking is free for every patient.\n"
)


def test_it_lists_the_claim_in_another_article_and_tags_it_the_same_way_in_one_click(
    annotate_page, reviewer, editor, make_article, make_annotation
):
    here = make_article(HERE, title="Stem cells at RegenWell")
    there = make_article(
        ELSEWHERE, title="NovaCell FAQ", publisher="NovaCell Clinic", allow_near_duplicate=True
    )
    make_annotation(author=reviewer, article=here, tag="overstated", sentences=(1, 1))
    make_annotation(author=editor, article=there, tag="unsupported", sentences=(1, 1))
    ui = annotate_page(editor, here)

    ui.sentence(1).click()
    listed = ui.page.locator("#seen-elsewhere-list > li")
    expect(listed).to_have_count(1)
    link = listed.first.get_by_role("link", name="NovaCell Clinic")
    expect(link).to_have_attribute("href", f"/articles/{there.pk}/#s1")
    expect(listed.first.locator("q")).to_contain_text("At NovaCell Clinic, stem cell therapy")
    expect(listed.first.locator(".seen-tag")).to_have_text(["Unsupported ×1"])
    # The editor has not tagged this sentence yet: nothing to copy.
    expect(listed.first.get_by_role("button")).to_have_count(0)

    with ui.api_call("POST"):
        ui.page.keyboard.press("2")  # Overstated
    mine = Annotation.objects.get(article=here, author=editor)
    assert mine.tag.slug == "overstated"
    button = listed.first.locator('button[data-tag="overstated"]')
    expect(button).to_have_text("Tag Overstated")
    with ui.api_call("POST") as tagged:
        button.click()
    assert tagged.value.status == 201
    copied = Annotation.objects.get(article=there, author=editor, tag=mine.tag)
    sentence = there.sentences.get(index=1)
    assert (copied.start, copied.end) == (sentence.start, sentence.end)
    expect(button).to_have_text("Tagged Overstated")
    expect(listed.first.locator(".seen-tag")).to_have_text(["Unsupported ×1", "Overstated ×1"])


def test_it_says_when_no_other_article_makes_the_claim(annotate_page, reviewer, make_article):
    here = make_article(HERE, title="Stem cells at RegenWell")
    ui = annotate_page(reviewer, here)

    ui.sentence(2).click()
    expect(ui.page.locator("#seen-elsewhere-status")).to_have_text(
        "No other article makes this claim."
    )
    expect(ui.page.locator("#seen-elsewhere-list > li")).to_have_count(0)
