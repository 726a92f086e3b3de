"""The adjudication page in Chromium: an editor accepts the unanimous tags with one click,
decides the disagreements with the keyboard alone, and finishes; every step is checked where
it lands, in the database. Also: Finish refuses while tags wait, and API errors are said."""

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Locator, Page, Response, expect

from claims.management.commands.load_demo import ADJUDICATION_ARTICLE
from claims.models import Annotation, Article, Decision, Event
from claims.review.selectors import adjudication_grid
from claims.services.review import (
    assignment_mark,
    assignments_create,
    decision_make,
    decisions_accept_unanimous,
)

# The live server runs in a thread of its own, so tests commit; the roles and default tags
# that migrations create are restored after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Six sentences, one per line.
CLINIC_PAGE = (
    "Our stem cells cure arthritis for good.\n"
    "The treatment has no side effects at all.\n"
    "A 52-year-old woman was symptom-free after 4 infusions.\n"
    "Book a free consultation today.\n"
    "Treatment costs from $1,500 to $10,000.\n"
    "Results are guaranteed or your money back.\n"
)
# (sentence index, tag, who gave it): two tags both reviewers gave, and three that only one
# of them gave, over two sentences.
REVIEWS = [
    (0, "overstated", ("rita", "omar")),
    (1, "unsupported", ("rita",)),
    (1, "overstated", ("omar",)),
    (2, "cited-case-report", ("omar",)),
    (4, "price-claim", ("rita", "omar")),
]
DECISIONS_API = re.compile(r"/api/v1/articles/\d+/adjudication/decisions/$")


@pytest.fixture
def disputed(make_article, make_annotation, reviewer, other_reviewer, editor) -> Article:
    """Both reviewers assigned by the editor, their reviews made and marked done."""
    article = make_article(CLINIC_PAGE, title="Cartilage regrowth")
    reviewers = {"rita": reviewer, "omar": other_reviewer}
    assignments_create(articles=[article], reviewers=[reviewer, other_reviewer], editor=editor)
    for index, tag, authors in REVIEWS:
        for name in authors:
            make_annotation(
                author=reviewers[name], article=article, tag=tag, sentences=(index, index)
            )
    for assignment in article.assignments.select_related("reviewer"):
        assignment_mark(assignment=assignment, done=True, user=assignment.reviewer)
    return article


class AdjudicatePage:
    """The adjudication page of one article, loaded, with the lookups tests keep needing."""

    def __init__(self, page: Page, article: Article) -> None:
        self.page = page
        self.article = article

    def open(self) -> "AdjudicatePage":
        self.page.goto(f"/articles/{self.article.pk}/adjudicate/")
        self.page.wait_for_selector('body[data-ready="true"]')
        return self

    def item(self, sentence: int, tag: str) -> Locator:
        """The proposal of `tag` for a sentence, in the decision column."""
        return self.page.locator(f"#p-{sentence}-{tag}")

    def expect_state(self, sentence: int, tag: str, state: str) -> None:
        item = self.item(sentence, tag)
        expect(item.locator(".proposal-state")).to_have_text(state)
        expect(item.locator("button.accept")).to_have_attribute(
            "aria-pressed", str(state == "Accepted").lower()
        )
        expect(item.locator("button.reject")).to_have_attribute(
            "aria-pressed", str(state == "Rejected").lower()
        )

    def expect_focus_on(self, sentence: int, tag: str) -> None:
        """The proposal holds the focus, and the focus ring shows."""
        expect(self.item(sentence, tag)).to_be_focused()
        outline = self.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"

    @property
    def status(self) -> Locator:
        return self.page.get_by_role("status")

    @property
    def finish_button(self) -> Locator:
        return self.page.get_by_role("button", name="Finish adjudication")

    @contextmanager
    def api_call(self, path: str | re.Pattern) -> Iterator:
        """Wait for the page's next POST to `path` and give its response."""

        def matches(response: Response) -> bool:
            if response.request.method != "POST":
                return False
            url = response.url.split("?")[0]
            return bool(path.search(url)) if isinstance(path, re.Pattern) else url.endswith(path)

        with self.page.expect_response(matches) as response:
            yield response

    def decide_by_key(self, key: str, *, sentence: int, tag: str, state: str) -> None:
        with self.api_call(DECISIONS_API) as answer:
            self.page.keyboard.press(key)
        assert answer.value.status == 200
        self.expect_state(sentence, tag, state)


@pytest.fixture
def adjudicate_page(signed_in_page) -> Callable[[User, Article], AdjudicatePage]:
    def opened(user: User, article: Article) -> AdjudicatePage:
        return AdjudicatePage(signed_in_page(user), article).open()

    return opened


def _final_annotations(article: Article) -> list[tuple]:
    rows = Annotation.objects.filter(article=article, final=True).order_by("start", "tag__order")
    return [(a.tag.slug, a.quote, a.author.username) for a in rows]


def _sentence_text(article: Article, index: int) -> str:
    return article.sentences.get(index=index).text


def test_it_takes_an_editor_from_the_reviews_to_the_final_tags_by_one_click_and_keys(
    adjudicate_page, editor, disputed
):
    ui = adjudicate_page(editor, disputed)
    expect(ui.page.locator("#row-1 .disagreement-label")).to_have_text("Disagreement")
    expect(ui.page.locator("#row-0 .disagreement-label")).to_have_count(0)
    expect(ui.page.locator("#count-pending")).to_have_text("5")

    with ui.api_call("/adjudication/unanimous/") as accepted:
        ui.page.get_by_role("button", name="Accept all unanimous (2)").click()
    assert accepted.value.status == 200
    ui.expect_state(0, "overstated", "Accepted")
    ui.expect_state(4, "price-claim", "Accepted")
    expect(ui.page.locator("#count-pending")).to_have_text("3")
    expect(ui.page.locator("#count-decided")).to_have_text("2")
    expect(ui.status).to_have_text("2 unanimous tags accepted.")
    # Focus goes to the first tag still waiting.
    ui.expect_focus_on(1, "unsupported")

    ui.decide_by_key("a", sentence=1, tag="unsupported", state="Accepted")
    ui.expect_focus_on(1, "overstated")
    ui.decide_by_key("r", sentence=1, tag="overstated", state="Rejected")
    ui.expect_focus_on(2, "cited-case-report")
    # j and k move over every proposal, decided or not.
    for key, sentence, tag in [
        ("k", 1, "overstated"),
        ("k", 1, "unsupported"),
        ("ArrowUp", 0, "overstated"),
        ("j", 1, "unsupported"),
        ("ArrowDown", 1, "overstated"),
        ("j", 2, "cited-case-report"),
    ]:
        ui.page.keyboard.press(key)
        ui.expect_focus_on(sentence, tag)
    ui.decide_by_key("r", sentence=2, tag="cited-case-report", state="Rejected")
    expect(ui.status).to_contain_text("Every proposed tag has a decision")
    expect(ui.page.locator("#count-pending")).to_have_text("0")
    expect(ui.page.locator("#count-decided")).to_have_text("5")

    expect(ui.finish_button).to_be_enabled()
    with ui.api_call("/adjudication/finish/") as finished:
        ui.finish_button.click()
    assert finished.value.status == 200
    expect(ui.status).to_contain_text("Adjudication finished")
    expect(ui.page.locator("#article-status")).to_have_text("Reviewed")
    expect(ui.page.locator("#adjudicated")).to_contain_text("Adjudication finished by edna")

    disputed.refresh_from_db()
    assert disputed.status == Article.Status.REVIEWED
    assert disputed.adjudicated_by == editor
    assert _final_annotations(disputed) == [
        ("overstated", _sentence_text(disputed, 0), "edna"),
        ("unsupported", _sentence_text(disputed, 1), "edna"),
        ("price-claim", _sentence_text(disputed, 4), "edna"),
    ]
    decisions = Decision.objects.filter(article=disputed).order_by("sentence", "tag__order")
    assert [(d.sentence, d.tag.slug, d.accepted, d.decided_by.username) for d in decisions] == [
        (0, "overstated", True, "edna"),
        (1, "unsupported", True, "edna"),
        (1, "overstated", False, "edna"),
        (2, "cited-case-report", False, "edna"),
        (4, "price-claim", True, "edna"),
    ]
    steps = Event.objects.filter(article=disputed, actor=editor).exclude(kind="assigned")
    assert [
        (e.kind, e.data.get("sentence"), e.data.get("tag"), e.data.get("unanimous")) for e in steps
    ] == [
        ("accepted", 0, "overstated", True),
        ("accepted", 4, "price-claim", True),
        ("accepted", 1, "unsupported", None),
        ("rejected", 1, "overstated", None),
        ("rejected", 2, "cited-case-report", None),
        ("adjudicated", None, None, None),
    ]

    # What the page showed is what the server kept.
    ui.page.reload()
    ui.page.wait_for_selector('body[data-ready="true"]')
    ui.expect_state(1, "overstated", "Rejected")
    ui.expect_state(1, "unsupported", "Accepted")
    expect(ui.page.locator("#adjudicated")).to_be_visible()


def test_it_refuses_to_finish_while_tags_wait_and_says_why(adjudicate_page, editor, disputed):
    ui = adjudicate_page(editor, disputed)
    expect(ui.finish_button).to_be_disabled()
    expect(ui.page.locator("#finish-help")).to_have_text(
        "Decide every proposed tag first: 5 still wait for a decision."
    )

    ui.page.keyboard.press("u")
    expect(ui.page.locator("#finish-help")).to_have_text(
        "Decide every proposed tag first: 3 still wait for a decision."
    )
    expect(ui.finish_button).to_be_disabled()
    disputed.refresh_from_db()
    assert disputed.adjudicated_at is None


def test_it_says_so_when_tags_arrive_after_the_page_loaded_and_finish_is_refused(
    adjudicate_page, editor, reviewer, disputed, make_annotation
):
    decisions_accept_unanimous(article=disputed, editor=editor)
    for index, tag, _ in REVIEWS[1:4]:
        decision_make(article=disputed, sentence=index, tag=tag, accept=False, editor=editor)
    ui = adjudicate_page(editor, disputed)
    expect(ui.finish_button).to_be_enabled()
    make_annotation(author=reviewer, article=disputed, tag="overstated", sentences=(5, 5))

    with ui.api_call("/adjudication/finish/") as refused:
        ui.finish_button.click()
    assert refused.value.status == 409
    expect(ui.status).to_have_text(
        "Not finished: 1 proposed tag(s) still wait for a decision. "
        "Reload the page to see the tags added since it loaded."
    )
    expect(ui.status).to_have_attribute("data-kind", "error")
    disputed.refresh_from_db()
    assert disputed.adjudicated_at is None
    assert disputed.status != Article.Status.REVIEWED


def test_it_shows_an_api_error_in_the_status_region_and_decides_on_a_retry(
    adjudicate_page, editor, disputed
):
    ui = adjudicate_page(editor, disputed)

    def refuse(route):
        return route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps({"detail": "The database is busy; try again."}),
        )

    ui.page.route(DECISIONS_API, refuse)
    ui.page.keyboard.press("j")
    ui.expect_focus_on(0, "overstated")
    with ui.api_call(DECISIONS_API) as failed:
        ui.page.keyboard.press("a")
    assert failed.value.status == 503
    expect(ui.status).to_have_text(
        "Could not accept Overstated on sentence 1: The database is busy; try again."
    )
    expect(ui.status).to_have_attribute("data-kind", "error")
    ui.expect_state(0, "overstated", "Pending")
    ui.expect_focus_on(0, "overstated")
    assert not Decision.objects.filter(article=disputed).exists()

    ui.page.unroute(DECISIONS_API, refuse)
    ui.decide_by_key("a", sentence=0, tag="overstated", state="Accepted")
    assert Decision.objects.filter(article=disputed, accepted=True).count() == 1


def test_it_shows_only_disagreements_and_toggles_its_shortcuts_with_a_key(
    adjudicate_page, editor, disputed
):
    ui = adjudicate_page(editor, disputed)
    ui.page.get_by_label("Only disagreements").check()
    expect(ui.page.locator("#row-0")).to_be_hidden()
    expect(ui.page.locator("#row-1")).to_be_visible()
    ui.page.keyboard.press("j")
    ui.expect_focus_on(1, "unsupported")

    ui.page.keyboard.press("?")
    expect(ui.page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    ui.page.keyboard.press("?")
    expect(ui.page.get_by_role("dialog")).to_be_hidden()


def test_it_shows_each_reviewers_note_and_exact_words_beside_their_tag(
    adjudicate_page, editor, reviewer, other_reviewer, make_article, make_annotation
):
    """The editor decides with the reviewers' reasons in view: rita chose three words of
    sentence 2, omar the whole sentence; each note sits under its reviewer's tag."""
    article = make_article(CLINIC_PAGE, title="Cartilage regrowth")
    words = "no side effects"
    start = article.text.index(words)
    make_annotation(
        author=reviewer,
        article=article,
        tag="overstated",
        start=start,
        end=start + len(words),
        note="Absolute safety claim, no source",
    )
    make_annotation(
        author=other_reviewer,
        article=article,
        tag="unsupported",
        sentences=(1, 1),
        note="No trial is cited anywhere",
    )
    ui = adjudicate_page(editor, article)
    row = ui.page.locator("#row-1")

    # The sentence reads whole, with rita's words marked inside it.
    expect(row.locator(".sentence-text")).to_have_text(_sentence_text(article, 1))
    marked = row.locator(".sentence-text mark")
    expect(marked).to_have_text(words)
    expect(marked).to_have_attribute("title", "rita: Overstated")
    background = marked.evaluate("element => getComputedStyle(element).backgroundColor")
    assert background not in {"rgba(0, 0, 0, 0)", "transparent"}

    omar, rita = row.locator("td.coder-tags").all()
    expect(omar.locator(".tag-label")).to_have_text("Unsupported")
    expect(omar.locator(".mark-quote")).to_have_count(0)  # his tag covers the sentence
    expect(omar.locator(".reviewer-note")).to_be_visible()
    expect(omar.locator(".reviewer-note")).to_contain_text("No trial is cited anywhere")
    expect(rita.locator(".tag-label")).to_have_text("Overstated")
    expect(rita.locator(".mark-quote")).to_have_text(words)
    expect(rita.locator(".reviewer-note")).to_contain_text("Absolute safety claim, no source")

    # Deciding still works on the row, with the notes in place.
    with ui.api_call(DECISIONS_API):
        ui.item(1, "overstated").get_by_role("button", name="Accept").click()
    ui.expect_state(1, "overstated", "Accepted")
    expect(rita.locator(".reviewer-note")).to_be_visible()


def test_it_adjudicates_the_demo_articles_disagreements_end_to_end(adjudicate_page):
    """The demo as `make run` leaves it: the editor settles the two demo reviewers' article."""
    call_command("load_demo", stdout=StringIO())
    article = Article.objects.get(original_filename=ADJUDICATION_ARTICLE)
    editor = User.objects.get(username="editor")
    grid = adjudication_grid(article=article)
    assert grid.disagreements >= 2 and grid.unanimous_pending >= 2
    to_decide = grid.pending - grid.unanimous_pending

    ui = adjudicate_page(editor, article)
    with ui.api_call("/adjudication/unanimous/") as accepted:
        ui.page.get_by_role(
            "button", name=f"Accept all unanimous ({grid.unanimous_pending})"
        ).click()
    assert accepted.value.status == 200
    expect(ui.status).to_contain_text("unanimous tags accepted")
    expect(ui.page.locator("#count-pending")).to_have_text(str(to_decide))
    # Focus moves to the next tag still waiting after each decision: accept one, reject the
    # next, and so on, by key alone.
    for number in range(to_decide):
        with ui.api_call(DECISIONS_API) as answer:
            ui.page.keyboard.press("a" if number % 2 == 0 else "r")
        assert answer.value.status == 200
        # The page has taken the answer in (and moved the focus) before the next key.
        expect(ui.page.locator("#count-pending")).to_have_text(str(to_decide - number - 1))
    with ui.api_call("/adjudication/finish/") as finished:
        ui.finish_button.click()
    assert finished.value.status == 200

    article.refresh_from_db()
    assert (article.status, article.adjudicated_by) == (Article.Status.REVIEWED, editor)
    decisions = Decision.objects.filter(article=article)
    assert decisions.count() == grid.pending
    finals = Annotation.objects.filter(article=article, final=True).count()
    assert finals == decisions.filter(accepted=True).count() >= grid.unanimous_pending
    kinds = Counter(
        Event.objects.filter(article=article, actor=editor).values_list("kind", flat=True)
    )
    assert kinds["accepted"] + kinds["rejected"] == grid.pending
    assert kinds["adjudicated"] == 1

    # Every step is in the history an editor reads.
    ui.page.goto(f"/articles/{article.pk}/history/")
    expect(ui.page.get_by_text("Adjudication finished", exact=False).first).to_be_visible()
    rows = ui.page.locator("tbody tr")
    expect(rows).to_have_count(Event.objects.filter(article=article).count())
