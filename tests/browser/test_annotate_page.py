"""The annotation page in Chromium: tagging by click and keyboard, notes, changes, deletes
and undo, failed saves, who sees whose annotations, and a reviewer marking their assigned
review done. Every save is checked where it lands: in the database."""

import json
import re

import pytest
from playwright.sync_api import expect

from claims.models import Annotation, Article, Assignment, Sentence
from claims.services.review import assignments_create
from tests.browser.conftest import AnnotatePage

# The live server runs in a thread of its own, so tests commit; the roles and default tags
# that migrations create are restored after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLINIC_PAGE = (
    "How does stem cell therapy work?\n"
    "Our stem cell therapy repairs damaged cartilage in weeks. "
    "It has no side effects because the cells are your own.\n"
    "A 52-year-old woman with knee arthritis was symptom-free after 4 infusions.\n"
    "How much does the therapy cost?\n"
    "Treatment costs from $1,500 (2 injections) to $10,000.*\n"
    "Book a free consultation today!\n"
)
NOTE = "Autologous cells still carry infection and tumour risks; no source given."


@pytest.fixture
def article(make_article) -> Article:
    return make_article(CLINIC_PAGE, title="Stem cells for knee pain")


def _sentence(article: Article, beginning: str) -> Sentence:
    return article.sentences.get(text__startswith=beginning)


def _span(first: Sentence, last: Sentence | None = None) -> tuple[int, int]:
    return first.start, (last or first).end


def _stored(**filters) -> list[tuple]:
    rows = Annotation.objects.filter(**filters).order_by("start", "tag__order")
    return [(a.author.username, a.tag.slug, a.start, a.end, a.note) for a in rows]


def _expect_focus_on(ui, index: int) -> None:
    """The sentence holds the focus, and the focus ring shows."""
    expect(ui.sentence(index)).to_be_focused()
    assert ui.focused_sentence_id() == f"s{index}"
    assert ui.page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_it_saves_tags_and_notes_made_by_click_and_keyboard_and_shows_them_after_a_reload(
    annotate_page, reviewer, article
):
    claim = _sentence(article, "Our stem cell therapy repairs")
    safety = _sentence(article, "It has no side effects")
    ui = annotate_page(reviewer, article)

    ui.sentence(claim.index).click()
    with ui.api_call("POST") as created:
        ui.page.locator('#palette [data-tag="overstated"]').click()
    assert created.value.status == 201
    assert _stored() == [("rita", "overstated", *_span(claim), "")]

    ui.page.keyboard.press("j")
    _expect_focus_on(ui, safety.index)
    with ui.api_call("POST") as created:
        ui.page.keyboard.press("1")
    assert created.value.status == 201

    ui.page.keyboard.press("n")
    note = ui.page.get_by_label("Note")
    expect(note).to_be_focused()
    note.fill(NOTE)
    with ui.api_call("PATCH", detail=True) as changed:
        note.press("Control+Enter")
    assert changed.value.status == 200
    _expect_focus_on(ui, safety.index)
    assert _stored() == [
        ("rita", "overstated", *_span(claim), ""),
        ("rita", "unsupported", *_span(safety), NOTE),
    ]

    ui.reload()
    expect(ui.sentence(claim.index).locator(".chip")).to_have_attribute("data-label", "Overstated")
    expect(ui.sentence(safety.index).locator(".chip")).to_have_attribute(
        "data-label", "Unsupported"
    )
    expect(ui.sentence(claim.index)).to_have_class(re.compile(r"\btagged\b"))
    expect(ui.items).to_have_count(2)
    expect(ui.items.nth(1).locator(".note")).to_have_text(NOTE)
    expect(ui.page.locator("#progress")).to_have_text("2 tagged / 0 read / 7 sentences")


def test_it_changes_a_tag_from_the_side_panel(annotate_page, reviewer, article, make_annotation):
    anecdote = _sentence(article, "A 52-year-old woman")
    make_annotation(
        author=reviewer, article=article, tag="overstated", sentences=(anecdote.index,) * 2
    )
    ui = annotate_page(reviewer, article)

    with ui.api_call("PATCH", detail=True) as changed:
        ui.items.first.get_by_label("Tag").select_option(label="Cited case report")
    assert changed.value.status == 200
    assert _stored() == [("rita", "cited-case-report", *_span(anecdote), "")]
    expect(ui.sentence(anecdote.index).locator(".chip")).to_have_attribute(
        "data-label", "Cited case report"
    )


def test_it_deletes_an_annotation_and_undoes_the_delete_with_its_note(
    annotate_page, reviewer, article, make_annotation
):
    price = _sentence(article, "Treatment costs")
    make_annotation(
        author=reviewer,
        article=article,
        tag="price-claim",
        sentences=(price.index,) * 2,
        note="USD, two price points.",
    )
    ui = annotate_page(reviewer, article)

    ui.sentence(price.index).click()
    with ui.api_call("DELETE", detail=True) as deleted:
        ui.page.keyboard.press("Delete")
    assert deleted.value.status == 204
    assert _stored() == []
    expect(ui.chips).to_have_count(0)
    expect(ui.page.locator("#panel-empty")).to_be_visible()

    with ui.api_call("POST") as created:
        ui.page.keyboard.press("Control+z")
    assert created.value.status == 201
    assert _stored() == [("rita", "price-claim", *_span(price), "USD, two price points.")]
    expect(ui.sentence(price.index).locator(".chip.state-saved")).to_have_count(1)


def test_it_can_be_driven_by_the_keyboard_alone(annotate_page, reviewer, article):
    ui = annotate_page(reviewer, article)
    _expect_focus_on(ui, 0)
    for key, index in [("j", 1), ("ArrowDown", 2), ("k", 1), ("ArrowUp", 0), ("j", 1)]:
        ui.page.keyboard.press(key)
        _expect_focus_on(ui, index)

    ui.page.keyboard.press("Shift+ArrowDown")
    ui.page.keyboard.press("Shift+ArrowDown")
    _expect_focus_on(ui, 3)
    expect(ui.page.locator("#document .s.selected")).to_have_count(3)
    with ui.api_call("POST") as created:
        ui.page.keyboard.press("3")
    assert created.value.status == 201
    first, last = _sentence(article, "Our stem cell"), _sentence(article, "A 52-year-old")
    assert _stored() == [("rita", "cited-case-report", *_span(first, last), "")]

    ui.page.keyboard.press("n")
    expect(ui.page.get_by_label("Note")).to_be_focused()
    ui.page.keyboard.type("One patient, no follow-up.")
    with ui.api_call("PATCH", detail=True):
        ui.page.keyboard.press("Control+Enter")
    _expect_focus_on(ui, 3)
    assert Annotation.objects.get().note == "One patient, no follow-up."

    with ui.api_call("DELETE", detail=True):
        ui.page.keyboard.press("Delete")
    assert _stored() == []
    with ui.api_call("POST"):
        ui.page.keyboard.press("Control+z")
    assert _stored() == [
        ("rita", "cited-case-report", *_span(first, last), "One patient, no follow-up.")
    ]

    ui.page.keyboard.press("?")
    expect(ui.page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    ui.page.keyboard.press("Escape")
    expect(ui.page.get_by_role("dialog")).to_be_hidden()
    _expect_focus_on(ui, 3)


def test_it_keeps_a_failed_save_pending_until_a_retry_stores_it(annotate_page, reviewer, article):
    cost = _sentence(article, "How much does")
    ui = annotate_page(reviewer, article)

    def fail_creates(route):
        if route.request.method != "POST":
            return route.fallback()
        return route.fulfill(
            status=500,
            content_type="application/json",
            body=json.dumps({"detail": "The database is unavailable."}),
        )

    ui.page.route("**/api/v1/annotations/", fail_creates)
    ui.sentence(cost.index).click()
    with ui.api_call("POST") as failed:
        ui.page.keyboard.press("4")
    assert failed.value.status == 500
    item = ui.items.first
    expect(item).to_have_class(re.compile(r"\bfailed\b"))
    expect(item.locator("p.state-failed")).to_contain_text(
        "Not saved: The database is unavailable."
    )
    expect(ui.page.get_by_role("status")).to_contain_text("It stays marked until you retry.")
    expect(ui.sentence(cost.index).locator(".chip.state-failed")).to_have_attribute(
        "data-label", "Price claim ⚠ not saved"
    )
    assert _stored() == []

    ui.page.unroute("**/api/v1/annotations/", fail_creates)
    with ui.api_call("POST") as created:
        item.get_by_role("button", name="Retry").click()
    assert created.value.status == 201
    expect(ui.sentence(cost.index).locator(".chip.state-saved")).to_have_attribute(
        "data-label", "Price claim"
    )
    expect(item.locator("p.state-failed")).to_have_count(0)
    assert _stored() == [("rita", "price-claim", *_span(cost), "")]


def test_it_keeps_a_note_being_written_while_its_tag_is_still_saving(
    annotate_page, reviewer, article
):
    claim = _sentence(article, "Our stem cell therapy repairs")
    ui = annotate_page(reviewer, article)
    held = []
    ui.page.route("**/api/v1/annotations/", lambda route: held.append(route))

    ui.sentence(claim.index).click()
    ui.page.keyboard.press("2")
    ui.page.wait_for_function("document.querySelector('#annotation-list .state-saving')")
    ui.page.keyboard.press("n")
    ui.page.keyboard.type("Cartilage regrowth")
    with ui.api_call("POST") as created:
        held[0].continue_()
    assert created.value.status == 201
    ui.page.unroute("**/api/v1/annotations/")

    note = ui.page.get_by_label("Note")
    expect(note).to_be_focused()
    ui.page.keyboard.type(" in weeks is shown by no trial.")
    with ui.api_call("PATCH", detail=True):
        ui.page.keyboard.press("Control+Enter")
    assert _stored() == [
        ("rita", "overstated", *_span(claim), "Cartilage regrowth in weeks is shown by no trial.")
    ]


def test_it_adopts_the_stored_annotation_when_a_save_whose_answer_was_lost_is_retried(
    annotate_page, reviewer, article
):
    anecdote = _sentence(article, "A 52-year-old woman")
    ui = annotate_page(reviewer, article)

    def store_then_drop_the_answer(route):
        if route.request.method != "POST":
            return route.fallback()
        route.fetch()
        return route.abort("connectionreset")

    ui.page.route("**/api/v1/annotations/", store_then_drop_the_answer)
    ui.sentence(anecdote.index).click()
    with ui.page.expect_event("requestfailed"):
        ui.page.keyboard.press("3")
    expect(ui.items.first.locator("p.state-failed")).to_contain_text(
        "Not saved: the server could not be reached."
    )
    assert _stored() == [("rita", "cited-case-report", *_span(anecdote), "")]

    ui.page.unroute("**/api/v1/annotations/", store_then_drop_the_answer)
    with ui.api_call("POST") as conflict:
        ui.items.first.get_by_role("button", name="Retry").click()
    assert conflict.value.status == 409
    expect(ui.sentence(anecdote.index).locator(".chip.state-saved")).to_have_count(1)
    expect(ui.items).to_have_count(1)
    assert _stored() == [("rita", "cited-case-report", *_span(anecdote), "")]


def test_it_extends_the_selection_over_sentences_with_shift_click(annotate_page, reviewer, article):
    first, last = _sentence(article, "How much does"), _sentence(article, "Treatment costs")
    ui = annotate_page(reviewer, article)

    ui.sentence(first.index).click()
    ui.sentence(last.index).click(modifiers=["Shift"])
    with ui.api_call("POST") as created:
        ui.page.keyboard.press("4")

    assert created.value.status == 201
    assert _stored() == [("rita", "price-claim", *_span(first, last), "")]


def _assignment_patch(response) -> bool:
    return response.request.method == "PATCH" and "/api/v1/assignments/" in response.url


def test_it_marks_my_assigned_review_done_and_reopens_it(annotate_page, reviewer, editor, article):
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor)
    ui = annotate_page(reviewer, article)
    expect(ui.page.locator("#assignment-state")).to_have_text("Assigned to you")

    ui.page.get_by_role("button", name="Mark my review done").click()
    # Nothing is read yet: the page asks first (tests/browser/test_read_through.py).
    with ui.page.expect_response(_assignment_patch) as changed:
        ui.page.get_by_role("button", name="Mark done anyway").click()
    assert changed.value.status == 200
    expect(ui.page.locator("#assignment-state")).to_have_text("Your review is done")
    expect(ui.page.locator("#review-button")).to_have_text("Reopen my review")
    assert Assignment.objects.get().done_at is not None
    # The review is the reviewer's; the article's status is the editors' to set.
    article.refresh_from_db()
    assert article.status == Article.Status.NEW

    with ui.page.expect_response(_assignment_patch) as changed:
        ui.page.get_by_role("button", name="Reopen my review").click()
    assert changed.value.status == 200
    expect(ui.page.locator("#assignment-state")).to_have_text("Assigned to you")
    assert Assignment.objects.get().done_at is None
    expect(ui.page.locator("#review-button")).to_have_text("Mark my review done")


def test_it_hides_one_reviewers_annotations_from_another(
    annotate_page, reviewer, other_reviewer, article, make_annotation
):
    claim = _sentence(article, "Our stem cell therapy repairs")
    make_annotation(
        author=reviewer, article=article, tag="overstated", start=claim.start, end=claim.end
    )
    ui = annotate_page(other_reviewer, article)

    expect(ui.chips).to_have_count(0)
    expect(ui.page.locator("#panel-empty")).to_be_visible()
    # Not assigned, and the article not adjudicated: nothing to mark done, no other view.
    expect(ui.page.locator("#review-button")).to_have_count(0)
    expect(ui.page.locator("#view-select")).to_have_count(0)
    ui.sentence(claim.index).click()
    with ui.api_call("POST") as created:
        ui.page.keyboard.press("2")
    assert created.value.status == 201
    expect(ui.chips).to_have_count(1)
    assert _stored(author=other_reviewer) == [("omar", "overstated", *_span(claim), "")]
    assert Annotation.objects.count() == 2


def test_it_lets_an_editor_switch_between_mine_one_reviewer_and_everyone(
    annotate_page, reviewer, other_reviewer, editor, article, make_annotation
):
    claim = _sentence(article, "Our stem cell therapy repairs")
    price = _sentence(article, "Treatment costs")
    make_annotation(
        author=reviewer, article=article, tag="overstated", start=claim.start, end=claim.end
    )
    make_annotation(
        author=other_reviewer, article=article, tag="price-claim", start=price.start, end=price.end
    )
    ui = annotate_page(editor, article)

    expect(ui.chips).to_have_count(0)
    expect(ui.page.locator("#view-select option")).to_have_text(
        ["Mine", "Everyone", "Final", "omar", "rita"]
    )

    ui.show_annotations_of("rita")
    expect(ui.chips).to_have_count(1)
    expect(ui.sentence(claim.index).locator(".chip")).to_have_attribute(
        "data-label", "Overstated · rita"
    )

    ui.show_annotations_of("Everyone")
    expect(ui.chips).to_have_count(2)
    expect(ui.items.locator(".author")).to_have_text(["by rita", "by omar"])

    ui.show_annotations_of("Mine")
    expect(ui.chips).to_have_count(0)


def test_a_link_to_a_sentence_selects_it_so_a_key_tags_that_sentence(
    signed_in_page, reviewer, article
):
    price = _sentence(article, "Treatment costs from")
    page = signed_in_page(reviewer)
    page.goto(f"/articles/{article.pk}/#s{price.index}")
    page.wait_for_selector('body[data-ready="true"]')
    ui = AnnotatePage(page, article)
    _expect_focus_on(ui, price.index)
    with ui.api_call("POST") as created:
        page.keyboard.press("1")
    assert created.value.status == 201
    assert _stored() == [("rita", "unsupported", *_span(price), "")]

    # Following another link on the page moves the selection with it.
    anecdote = _sentence(article, "A 52-year-old woman")
    page.evaluate(f"window.location.hash = '#s{anecdote.index}'")
    _expect_focus_on(ui, anecdote.index)
    expect(ui.sentence(anecdote.index)).to_have_class(re.compile(r"\bselected\b"))


def test_a_link_to_a_sentence_the_article_lacks_selects_the_first(
    signed_in_page, reviewer, article
):
    page = signed_in_page(reviewer)
    page.goto(f"/articles/{article.pk}/#s999")
    page.wait_for_selector('body[data-ready="true"]')
    _expect_focus_on(AnnotatePage(page, article), 0)


def test_escape_keeps_a_note_being_typed_until_pressed_again(
    annotate_page, reviewer, article, make_annotation
):
    claim = _sentence(article, "Our stem cell therapy repairs")
    make_annotation(
        author=reviewer, article=article, tag="overstated", sentences=(claim.index,) * 2
    )
    ui = annotate_page(reviewer, article)
    ui.sentence(claim.index).click()
    ui.page.keyboard.press("n")
    note = ui.page.get_by_label("Note")
    note.fill(NOTE)
    note.press("Escape")
    expect(note).to_be_visible()
    expect(note).to_have_value(NOTE)
    expect(ui.page.get_by_role("status")).to_contain_text("Escape again discards it")
    with ui.api_call("PATCH", detail=True) as changed:
        note.press("Control+Enter")
    assert changed.value.status == 200
    assert _stored() == [("rita", "overstated", *_span(claim), NOTE)]

    # Pressed twice, it discards the change; an untouched note closes at the first press.
    ui.page.keyboard.press("n")
    note.fill("Second thoughts")
    note.press("Escape")
    note.press("Escape")
    expect(note).to_have_count(0)
    ui.page.keyboard.press("n")
    note.press("Escape")
    expect(note).to_have_count(0)
    assert _stored() == [("rita", "overstated", *_span(claim), NOTE)]


def test_a_digit_no_tag_has_says_so_and_tags_nothing(annotate_page, reviewer, article):
    ui = annotate_page(reviewer, article)
    ui.sentence(1).click()
    ui.page.keyboard.press("9")
    expect(ui.page.get_by_role("status")).to_have_text(
        "No tag has the key 9. The palette shows each tag's key."
    )
    assert _stored() == []
