"""Suggested tags in Chromium: a reviewer sees them on their sentences, accepts and dismisses
them by key and by mouse, accepts a whole tag after a confirmation, undoes each, and hides
them; blind passes show none; editors run the model over the corpus with a real worker. Each
answer is checked where it lands: in the database."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Response, expect

from claims.models import Annotation, Suggestion, SuggestionReview
from claims.services.review import assignments_create
from claims.services.suggestions import suggestions_compute
from tests.browser.test_annotate_page import CLINIC_PAGE, _sentence
from tests.helpers import suggested

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]

PRICES = (
    "Knee injections cost $4,500.\n"
    "Both knees are $8,000, far less than surgery abroad.\n"
    "Our cells fully restore cartilage.\n"
    "Financing from $199 a month.\n"
)


def _answers() -> list[tuple]:
    """Every reviewer's answer to a suggestion, and the annotation an accept made."""
    rows = SuggestionReview.objects.order_by("suggestion__sentence", "suggestion__tag__order")
    return [
        (r.suggestion.sentence, r.suggestion.tag.slug, r.state, r.annotation_id is not None)
        for r in rows
    ]


def _annotations() -> list[tuple]:
    rows = Annotation.objects.order_by("start", "tag__order")
    return [(a.author.username, a.tag.slug, a.start, a.end, a.from_suggestion) for a in rows]


@contextmanager
def _suggestion_call(ui, action: str) -> Iterator:
    """Wait for the page's next POST to a suggestion endpoint ending in `action/`."""
    pattern = re.compile(rf"^/api/v1/(suggestions/\d+|articles/\d+/suggestions)/{action}/$")

    def matches(response: Response) -> bool:
        return response.request.method == "POST" and bool(
            pattern.match(urlsplit(response.url).path)
        )

    with ui.page.expect_response(matches) as response:
        yield response
    expect(ui.page.locator(".state-saving")).to_have_count(0)


def _opened(annotate_page, user, article):
    ui = annotate_page(user, article)
    ui.page.wait_for_selector("body[data-suggestions]")
    return ui


def _suggestion_chips(ui, index: int | None = None):
    scope = ui.page.locator("#document") if index is None else ui.sentence(index)
    return scope.locator(".chip.suggestion")


def test_a_reviewer_accepts_and_dismisses_suggestions_by_key_and_by_mouse_and_undoes_each(
    annotate_page, reviewer, make_article
):
    article = make_article(CLINIC_PAGE, title="Stem cells for knee pain")
    suggestions_compute(article=article)  # the default model, as after an upload
    price = _sentence(article, "Treatment costs")
    safety = _sentence(article, "It has no side effects")
    ui = _opened(annotate_page, reviewer, article)

    # Every suggestion at or above its tag's threshold is drawn, dashed, and says what it is.
    shown = Suggestion.objects.filter(article=article, shown=True)
    expect(_suggestion_chips(ui)).to_have_count(shown.count())
    expect(ui.page.locator("#document .s.suggested")).to_have_count(
        shown.values("sentence").distinct().count()
    )
    price_suggestion = shown.get(sentence=price.index, tag__slug="price-claim")
    score, reason = f"{price_suggestion.score:.2f}", price_suggestion.reason
    price_chip = _suggestion_chips(ui, price.index)
    expect(price_chip).to_have_attribute("data-label", "suggested: Price claim")
    expect(price_chip).to_have_attribute(
        "title", f"Suggested: Price claim, score {score}. {reason}"
    )
    assert (
        ui.sentence(price.index).evaluate("el => getComputedStyle(el).borderTopStyle") == "dashed"
    )
    expect(ui.page.locator("#document .chip:not(.suggestion)")).to_have_count(0)

    # `a` accepts: the reviewer's own annotation, marked as from a suggestion.
    ui.sentence(price.index).click()
    here = ui.page.locator("#suggestion-list > li")
    expect(here).to_have_count(1)
    expect(here.first.locator(".suggestion-head")).to_have_text(
        f"Suggested: Price claim · score {score}"
    )
    expect(here.first.locator(".reason")).to_have_text(reason)
    with _suggestion_call(ui, "accept") as accepted:
        ui.page.keyboard.press("a")
    assert accepted.value.status == 201
    assert _annotations() == [("rita", "price-claim", price.start, price.end, True)]
    assert _answers() == [(price.index, "price-claim", "accepted", True)]
    expect(_suggestion_chips(ui, price.index)).to_have_count(0)
    expect(ui.sentence(price.index).locator(".chip")).to_have_attribute(
        "data-label", "Price claim · from suggestion"
    )
    expect(ui.items).to_have_count(1)

    with _suggestion_call(ui, "reopen"):
        ui.page.keyboard.press("Control+z")
    assert _annotations() == []
    assert _answers() == []
    expect(ui.items).to_have_count(0)
    expect(_suggestion_chips(ui, price.index)).to_have_count(1)

    # By mouse: the side panel lists the selected sentence's suggestions, each with buttons.
    ui.sentence(safety.index).click()
    on_safety = list(
        Suggestion.objects.filter(article=article, sentence=safety.index, shown=True)
        .order_by("tag__order")
        .values_list("tag__slug", flat=True)
    )
    assert on_safety[:2] == ["unsupported", "overstated"]
    expect(here).to_have_count(len(on_safety))
    with _suggestion_call(ui, "accept"):
        ui.page.get_by_role("button", name="Accept suggested Overstated").click()
    assert _annotations() == [("rita", "overstated", safety.start, safety.end, True)]
    expect(_suggestion_chips(ui, safety.index)).to_have_count(len(on_safety) - 1)
    with _suggestion_call(ui, "reopen"):
        ui.page.get_by_role("button", name="Undo").click()
    assert _annotations() == []
    assert _answers() == []
    expect(_suggestion_chips(ui, safety.index)).to_have_count(len(on_safety))

    # `x` dismisses the first one at the selection (tag order): it goes, and nothing is made.
    ui.sentence(safety.index).focus()
    with _suggestion_call(ui, "dismiss") as dismissed:
        ui.page.keyboard.press("x")
    assert dismissed.value.status == 200
    assert _answers() == [(safety.index, "unsupported", "dismissed", False)]
    assert _annotations() == []
    expect(_suggestion_chips(ui, safety.index).first).to_have_attribute(
        "data-label", "suggested: Overstated"
    )
    with _suggestion_call(ui, "reopen"):
        ui.page.keyboard.press("Control+z")
    assert _answers() == []
    expect(_suggestion_chips(ui, safety.index).first).to_have_attribute(
        "data-label", "suggested: Unsupported"
    )

    # Dismissing by mouse, from the panel's button.
    with _suggestion_call(ui, "dismiss") as dismissed:
        ui.page.get_by_role("button", name="Dismiss suggested Overstated").click()
    assert dismissed.value.status == 200
    assert _answers() == [(safety.index, "overstated", "dismissed", False)]
    expect(_suggestion_chips(ui, safety.index)).to_have_count(len(on_safety) - 1)
    assert _annotations() == []


def test_a_reviewer_accepts_every_suggestion_of_a_tag_after_confirming_and_undoes_it(
    annotate_page, reviewer, make_article
):
    article = make_article(PRICES, title="Knee prices")
    for index in (0, 1, 3):
        suggested(article, index, "price-claim", score=0.95)
    suggested(article, 2, "overstated", score=0.9)
    ui = _opened(annotate_page, reviewer, article)
    expect(_suggestion_chips(ui)).to_have_count(4)

    # Cancelled: nothing is sent, nothing changes.
    ui.sentence(1).click()
    ui.page.keyboard.press("Shift+A")
    dialog = ui.page.get_by_role("dialog", name="Accept a whole tag?")
    expect(dialog).to_contain_text(
        "Accept all 3 open suggestions of “Price claim” in this article?"
    )
    ui.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(ui.sentence(1)).to_be_focused()
    assert _annotations() == []

    # Cancelled and asked again at once, before the cancelled dialog's "close" event has run:
    # the second answer still counts.
    ui.page.keyboard.press("Shift+A")
    expect(dialog).to_be_visible()
    ui.page.evaluate(
        """() => {
            document.getElementById("accept-all").close("cancel");
            const key = { key: "A", code: "KeyA", shiftKey: true, bubbles: true };
            document.activeElement.dispatchEvent(new KeyboardEvent("keydown", key));
        }"""
    )
    expect(dialog).to_be_visible()
    with _suggestion_call(ui, "accept") as accepted:
        dialog.get_by_role("button", name="Accept all").click()
    assert accepted.value.status == 200
    spans = [(s.start, s.end) for s in article.sentences.filter(index__in=[0, 1, 3])]
    assert _annotations() == [("rita", "price-claim", *span, True) for span in spans]
    expect(_suggestion_chips(ui)).to_have_count(1)
    expect(ui.items).to_have_count(3)
    expect(ui.page.get_by_role("status")).to_have_text(
        "Accepted 3 Price claim suggestions. Ctrl+Z undoes it."
    )

    with _suggestion_call(ui, "reopen"):
        ui.page.keyboard.press("Control+z")
    assert _annotations() == []
    assert _answers() == []
    expect(_suggestion_chips(ui)).to_have_count(4)
    expect(ui.items).to_have_count(0)

    # Hidden, and remembered across a reload; the keys then say why they do nothing.
    toggle = ui.page.get_by_label("Show suggestions")
    toggle.uncheck()
    expect(_suggestion_chips(ui)).to_have_count(0)
    expect(ui.page.locator("#document .s.suggested")).to_have_count(0)
    expect(ui.page.locator("#suggestions-here")).to_be_hidden()
    ui.reload()
    ui.page.wait_for_selector("body[data-suggestions]")
    expect(toggle).not_to_be_checked()
    expect(_suggestion_chips(ui)).to_have_count(0)
    ui.page.keyboard.press("a")
    expect(ui.page.get_by_role("status")).to_contain_text("Suggestions are hidden")
    toggle.check()
    expect(_suggestion_chips(ui)).to_have_count(4)
    assert _annotations() == []


def test_a_blind_assignment_shows_the_reviewer_no_suggestions(
    annotate_page, reviewer, editor, make_article
):
    article = make_article(PRICES, title="Knee prices")
    suggested(article, 0, "price-claim")
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor, blind=True)
    ui = _opened(annotate_page, reviewer, article)

    expect(ui.page.locator("#suggestions-blind")).to_have_text(
        "Suggestions are hidden for this review (blind pass)"
    )
    expect(_suggestion_chips(ui)).to_have_count(0)
    expect(ui.page.locator("#suggestions-here")).to_be_hidden()
    expect(ui.page.get_by_label("Show suggestions")).to_be_hidden()
    ui.page.keyboard.press("a")
    expect(ui.page.get_by_role("status")).to_have_text(
        "Suggestions are hidden for this review (blind pass)."
    )
    assert _annotations() == [] and _answers() == []


def test_an_editor_hides_an_articles_suggestions_from_its_reviewers(
    annotate_page, reviewer, editor, make_article
):
    article = make_article(PRICES, title="Knee prices")
    suggested(article, 0, "price-claim")
    desk = _opened(annotate_page, editor, article)
    reviewers_see = desk.page.get_by_label("Reviewers see suggestions")
    expect(reviewers_see).to_be_checked()

    def article_patch(response: Response) -> bool:
        return response.request.method == "PATCH" and urlsplit(response.url).path == (
            f"/api/v1/articles/{article.pk}/"
        )

    with desk.page.expect_response(article_patch) as changed:
        reviewers_see.uncheck()
    assert changed.value.status == 200
    article.refresh_from_db()
    assert article.suggestions_blind
    # Editors still see them; the reviewer sees none.
    expect(_suggestion_chips(desk)).to_have_count(1)
    ui = _opened(annotate_page, reviewer, article)
    expect(ui.page.locator("#suggestions-blind")).to_be_visible()
    expect(_suggestion_chips(ui)).to_have_count(0)


@contextmanager
def _worker(log: Path) -> Iterator[subprocess.Popen]:
    """`manage.py db_worker` on the live server's (the test) database, stopped afterwards."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "worker-test"}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker is another process: it needs the test database on a server",
)
def test_an_editor_starts_a_corpus_run_and_watches_the_worker_finish_it(
    signed_in_page, editor, make_article, tmp_path
):
    for n in range(3):
        make_article(f"Clinic {n}: our cells fully restore cartilage.\nFrom $4,500.\n")
    DBTaskResult.objects.all().delete()  # as if the articles predated suggestions
    page = signed_in_page(editor)
    page.goto("/suggestions/")

    with _worker(tmp_path / "worker.log") as worker:
        with page.expect_response(lambda r: r.request.method == "POST") as started:
            page.get_by_role("button", name="Suggest for every article without suggestions").click()
        assert started.value.status == 201
        run = page.locator("#runs tr[data-run]").first
        expect(run.locator(".state")).to_have_text("finished", timeout=30_000)
        expect(run.locator(".count")).to_have_text("3 / 3")
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
    assert Suggestion.objects.values("article").distinct().count() == 3
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
