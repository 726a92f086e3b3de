"""The article list: each reviewer's own annotation counts, the status filter, and a review
marked done on the article showing on the list."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Article
from claims.services.review import adjudication_finish, assignments_create, decision_make

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def articles(make_article, reviewer, other_reviewer, make_annotation) -> dict[str, Article]:
    knees = make_article(
        "Stem cells regrow cartilage.\nA 70-year-old runner was pain-free in 6 weeks.\n",
        title="Knee regeneration",
        publisher="RegenWell Institute",
    )
    autism = make_article(
        "Our cord blood infusions improve autism symptoms.\nPrices from $9,800.\n",
        title="Cord blood for autism",
        publisher="Sunrise Cell Clinic",
    )
    hair = make_article(
        "PRP and stem cells stop hair loss for good.\nNo side effects.\n",
        title="Hair loss cured",
        publisher="Sunrise Cell Clinic",
    )
    # The first annotation moves an article from "new" to "in review".
    for tag, index in [("overstated", 0), ("cited-case-report", 1)]:
        make_annotation(author=reviewer, article=knees, tag=tag, sentences=(index, index))
    make_annotation(author=reviewer, article=hair, tag="overstated", sentences=(0, 0))
    make_annotation(author=other_reviewer, article=knees, tag="unsupported", sentences=(0, 0))
    Article.objects.filter(pk=hair.pk).update(status=Article.Status.REVIEWED)
    return {"knees": knees, "autism": autism, "hair": hair}


def _row(page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title))


def test_it_shows_my_own_annotation_counts(signed_in_page, reviewer, articles):
    page = signed_in_page(reviewer)
    page.goto("/")

    expect(page.locator("tbody tr")).to_have_count(3)
    headers = page.locator("thead th")
    mine = headers.all_inner_texts().index("My annotations")
    for title, count in [
        ("Knee regeneration", "2"),
        ("Cord blood for autism", "0"),
        ("Hair loss cured", "1"),
    ]:
        expect(_row(page, title).locator("td").nth(mine)).to_have_text(count)
    expect(headers.filter(has_text="Everyone's")).to_have_count(0)


def test_it_shows_an_editor_everyones_counts_beside_their_own(signed_in_page, editor, articles):
    page = signed_in_page(editor)
    page.goto("/")

    headers = page.locator("thead th").all_inner_texts()
    mine, everyone = headers.index("My annotations"), headers.index("Everyone's")
    expect(_row(page, "Knee regeneration").locator("td").nth(mine)).to_have_text("0")
    expect(_row(page, "Knee regeneration").locator("td").nth(everyone)).to_have_text("3")


def test_it_filters_articles_by_status(signed_in_page, reviewer, articles):
    page = signed_in_page(reviewer)
    page.goto("/")

    page.get_by_label("Status").select_option(label="Reviewed")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"[?&]status=reviewed(&|$)"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(_row(page, "Hair loss cured").locator(".status")).to_have_text("Reviewed")

    page.get_by_label("Status").select_option(label="In review")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(_row(page, "Knee regeneration").locator(".status")).to_have_text("In review")


def test_it_shows_a_review_marked_done_on_the_article_on_the_list(
    signed_in_page, reviewer, editor, articles
):
    assignments_create(
        articles=[articles["autism"], articles["hair"]], reviewers=[reviewer], editor=editor
    )
    page = signed_in_page(reviewer)
    page.goto("/")
    page.get_by_role("link", name="Cord blood for autism").click()
    page.wait_for_selector('body[data-ready="true"]')
    page.get_by_role("button", name="Mark my review done").click()
    with page.expect_response(lambda r: r.request.method == "PATCH") as changed:
        page.get_by_role("button", name="Mark done anyway").click()
    assert changed.value.status == 200

    page.goto("/")
    page.get_by_label("Assigned to me").check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]assigned=on(&|$)"))
    # Open assignments first, then the done ones.
    expect(page.locator("tbody td:first-child")).to_have_text(
        [
            re.compile(r"^\s*Hair loss cured\s+Assigned to you\s*$"),
            re.compile(r"^\s*Cord blood for autism\s+Your review is done\s*$"),
        ]
    )


def test_it_lists_an_adjudicated_article_under_the_reviewed_filter(
    signed_in_page, reviewer, editor, articles
):
    decision_make(
        article=articles["knees"], sentence=0, tag="overstated", accept=True, editor=editor
    )
    for sentence, tag in [(0, "unsupported"), (1, "cited-case-report")]:
        decision_make(
            article=articles["knees"], sentence=sentence, tag=tag, accept=False, editor=editor
        )
    adjudication_finish(article=articles["knees"], editor=editor)
    page = signed_in_page(reviewer)
    page.goto("/?status=reviewed")
    expect(page.locator("tbody td:first-child")).to_have_text(
        ["Hair loss cured", "Knee regeneration"]
    )
