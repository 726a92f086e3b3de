"""The read-through on the annotation page in Chromium: moving on with j reads the sentences
left behind, "Mark read up to here" reads up to the selection, the progress says tagged / read
/ total, a reload keeps it, and "Mark my review done" asks first while sentences are unread."""

import pytest
from playwright.sync_api import Response, expect

from claims.models import Article, Assignment, ReadThrough
from claims.services.review import assignments_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SERUM_PAGE = (
    "Our serum regrows hair in a week.\n"
    "Doctors are amazed by it. Nine in ten buyers see results.\n"
    "Each bottle costs $90. Order today.\n"
    "No side effects were seen in anyone.\n"
)


@pytest.fixture
def article(make_article) -> Article:
    return make_article(SERUM_PAGE, title="Hair serum")


def _read_through_put(response: Response) -> bool:
    return response.request.method == "PUT" and response.url.endswith("/read-through/")


def _stored() -> list[tuple[str, int]]:
    return list(ReadThrough.objects.values_list("reviewer__username", "read_up_to"))


def test_a_reviewer_reads_through_an_article_and_is_warned_before_done_while_unread_remain(
    annotate_page, reviewer, editor, article
):
    total = article.sentences.count()
    assert total == 6
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor)
    ui = annotate_page(reviewer, article)
    progress = ui.page.locator("#progress")
    expect(progress).to_have_text(f"0 tagged / 0 read / {total} sentences")

    # Three presses of j leave three sentences behind: one request saves them all.
    with ui.page.expect_response(_read_through_put) as saved:
        for _ in range(3):
            ui.page.keyboard.press("j")
        expect(progress).to_have_text(f"0 tagged / 3 read / {total} sentences")
    assert saved.value.status == 200
    assert _stored() == [("rita", 2)]
    expect(ui.sentence(2)).to_have_class("s read-edge")

    # A jump ahead reads nothing skipped, until the reviewer says so.
    ui.sentence(5).click()
    ui.page.keyboard.press("j")
    expect(progress).to_have_text(f"0 tagged / 3 read / {total} sentences")
    ui.page.keyboard.press("k")
    with ui.page.expect_response(_read_through_put):
        ui.page.get_by_role("button", name="Mark read up to here").click()
    expect(progress).to_have_text(f"0 tagged / 5 read / {total} sentences")
    assert _stored() == [("rita", 4)]

    ui.reload()
    expect(progress).to_have_text(f"0 tagged / 5 read / {total} sentences")
    expect(ui.sentence(4)).to_have_class("s read-edge")

    # Done with a sentence unread: the page asks; keeping on reading changes nothing.
    ui.page.get_by_role("button", name="Mark my review done").click()
    warning = ui.page.get_by_role("dialog", name="Sentences not read yet")
    expect(warning).to_contain_text(f"1 sentence is not marked read yet (of {total}).")
    warning.get_by_role("button", name="Keep reading").click()
    expect(warning).to_be_hidden()
    assert Assignment.objects.get().done_at is None

    ui.page.get_by_role("button", name="Mark my review done").click()
    with ui.page.expect_response(lambda r: r.request.method == "PATCH") as changed:
        warning.get_by_role("button", name="Mark done anyway").click()
    assert changed.value.json()["sentences_unread"] == 1
    expect(ui.page.locator("#status")).to_have_text(
        f"Your review is marked done (1 of {total} sentences not read)."
    )
    assert Assignment.objects.get().done_at is not None
