"""Threads in Chromium, one whole flow: a reviewer tags a sentence, an editor replies under
the tag, the reviewer sees the count and the reply and answers, edits and deletes a reply of
their own; the editor comments a decision on the adjudication page. Every step is checked in
the database, and axe finds no serious violation with a thread and a comment box open."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from claims.models import Annotation, Decision, Reply
from claims.services.review import decision_make

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLINIC_PAGE = (
    "Our stem cells cure arthritis for good.\n"
    "The treatment has no side effects at all.\n"
    "Book a free consultation today.\n"
)
REPLIES_API = re.compile(r"/api/v1/(annotations/\d+/replies|replies/\d+)/$")


def _serious(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [
        f"{rule['id']}: {node['target']}"
        for rule in found
        if rule["impact"] in {"serious", "critical"}
        for node in rule["nodes"]
    ]


def _thread_call(page: Page, method: str):
    return page.expect_response(
        lambda r: r.request.method == method and bool(REPLIES_API.search(r.url))
    )


def _thread() -> list[tuple[str, str]]:
    return list(Reply.objects.order_by("id").values_list("author__username", "body"))


def test_a_reviewer_and_an_editor_discuss_a_tag_and_the_editor_comments_the_decision(
    annotate_page, signed_in_page, make_article, reviewer, editor
):
    article = make_article(CLINIC_PAGE, title="Arthritis cure")

    # The reviewer tags sentence 2 with the keyboard.
    rita = annotate_page(reviewer, article)
    rita.sentence(1).click()
    with rita.api_call("POST"):
        rita.page.keyboard.press("1")
    annotation = Annotation.objects.get()

    # The editor opens the thread under it and replies.
    edna = annotate_page(editor, article)
    edna.show_annotations_of("Everyone")
    item = edna.items.first
    item.get_by_role("button", name="Replies").click()
    box = item.get_by_label("Your reply")
    expect(box).to_be_focused()
    box.fill("Which study says there are none?")
    with _thread_call(edna.page, "POST") as sent:
        box.press("Control+Enter")
    assert sent.value.status == 201
    expect(item.locator(".thread-button .badge")).to_have_text("1")
    assert _thread() == [("edna", "Which study says there are none?")]

    # The reviewer sees the count, reads the reply and answers; then edits and deletes.
    rita.reload()
    button = rita.items.first.locator(".thread-button")
    expect(button.locator(".badge")).to_have_text("1")
    button.click()
    thread = rita.items.first.locator(".thread")
    expect(thread.locator(".reply-body")).to_have_text(["Which study says there are none?"])
    expect(thread.locator(".reply").first.get_by_role("button", name="Edit reply")).to_have_count(0)
    thread.get_by_label("Your reply").fill("None is cited: that is why I flagged it.")
    with _thread_call(rita.page, "POST"):
        thread.get_by_role("button", name="Send reply").click()
    thread.get_by_label("Your reply").fill("A second thought.")
    with _thread_call(rita.page, "POST"):
        thread.get_by_role("button", name="Send reply").click()
    expect(button.locator(".badge")).to_have_text("3")
    own = thread.locator(".reply").nth(1)
    own.get_by_role("button", name="Edit reply").click()
    edit = own.get_by_label("Edit your reply")
    expect(edit).to_be_focused()
    edit.fill("No study is cited: that is why I flagged it.")
    with _thread_call(rita.page, "PATCH"):
        edit.press("Control+Enter")
    expect(thread.locator(".reply").nth(1)).to_contain_text("(edited)")
    with _thread_call(rita.page, "DELETE") as deleted:
        thread.locator(".reply").nth(2).get_by_role("button", name="Delete reply").click()
    assert deleted.value.status == 204
    expect(thread.locator(".reply")).to_have_count(2)
    expect(button.locator(".badge")).to_have_text("2")
    assert _thread() == [
        ("edna", "Which study says there are none?"),
        ("rita", "No study is cited: that is why I flagged it."),
    ]
    assert _serious(rita.page) == []

    # The editor accepts the tag and comments the decision on the adjudication page.
    decision_make(article=article, sentence=1, tag=annotation.tag.slug, accept=True, editor=editor)
    page = signed_in_page(editor)
    page.goto(f"/articles/{article.pk}/adjudicate/")
    page.wait_for_selector('body[data-ready="true"]')
    proposal = page.locator(f"#p-1-{annotation.tag.slug}")
    summary = proposal.locator(".decision-comment summary")
    summary.focus()
    page.keyboard.press("Enter")
    comment = proposal.get_by_label("Your comment on this decision")
    comment.fill("No treatment is free of side effects.")
    with page.expect_response(lambda r: r.url.endswith("/adjudication/decisions/")) as saved:
        proposal.get_by_role("button", name="Save comment").click()
    assert saved.value.status == 200
    expect(page.locator("#status")).to_contain_text("Comment saved")
    assert Decision.objects.get().comment == "No treatment is free of side effects."
    assert _serious(page) == []
