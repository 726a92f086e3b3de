"""Signing in through the login form and uploading an article, pasted or as a file, straight
into the annotation page."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Annotation, Article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASTED = (
    "Can stem cells reverse knee arthritis?\n"
    "Our patented protocol regenerates cartilage in 92% of patients. "
    "Nearly half of the 17 patients saw 40% improvement.\n"
    "Treatment costs between €7,000 and €31,000.*\n"
    "✅ Book a free consultation today.\n"
)
SAVED_PAGE = """<!doctype html>
<html><head><title>Stem cell therapy in Kyiv | RegenWell</title></head>
<body><article>
<h1>How much does stem cell therapy cost?</h1>
<p>Prices start from $1,500 (2 injections) and go up to $10,000 for a full course.</p>
<p>In one case study, a 61-year-old man walked without a cane after 3 weeks.</p>
<ul><li>👉 No side effects</li><li>👉 Targets the root cause</li></ul>
</article></body></html>
""".encode()


def test_it_signs_in_uploads_pasted_text_and_opens_it_for_tagging(page, reviewer):
    page.goto("/articles/new/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/articles/new/$"))
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Upload an article")).to_be_visible()

    page.get_by_label("…or paste the text").fill(PASTED)
    page.get_by_label("Title").fill("Stem cells for arthritis")
    page.get_by_label("Publisher").fill("RegenWell Institute")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector('body[data-ready="true"]')

    article = Article.objects.get()
    assert (article.title, article.publisher, article.created_by) == (
        "Stem cells for arthritis",
        "RegenWell Institute",
        reviewer,
    )
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/$"))
    expect(page.locator("#document .s")).to_have_count(article.sentences.count())
    claim = article.sentences.get(text__startswith="Our patented protocol")
    page.locator(f"#s{claim.index}").click()
    with page.expect_response(lambda r: r.request.method == "POST") as created:
        page.locator('#palette [data-tag="unsupported"]').click()
    assert created.value.status == 201
    stored = Annotation.objects.get()
    assert (stored.author, stored.tag.slug, stored.quote) == (reviewer, "unsupported", claim.text)


def test_it_uploads_a_saved_web_page(signed_in_page, reviewer):
    page = signed_in_page(reviewer)
    page.goto("/articles/new/")
    page.get_by_label("File").set_input_files(
        {"name": "kyiv-clinic.html", "mimeType": "text/html", "buffer": SAVED_PAGE}
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector('body[data-ready="true"]')

    article = Article.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(page.locator("#document h2.kind-heading")).to_have_text(
        "How much does stem cell therapy cost?"
    )
    expect(page.locator("#document")).to_contain_text("👉 No side effects")


def test_it_links_to_the_stored_copy_of_a_duplicate_upload(signed_in_page, reviewer, make_article):
    stored = make_article(PASTED, title="Stem cells for arthritis")
    page = signed_in_page(reviewer)
    page.goto("/articles/new/")

    page.get_by_label("…or paste the text").fill(PASTED)
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_text("Already stored:")).to_be_visible()
    page.get_by_role("link", name="Stem cells for arthritis").click()
    page.wait_for_selector('body[data-ready="true"]')
    expect(page).to_have_url(re.compile(rf"/articles/{stored.pk}/$"))
    assert Article.objects.count() == 1
