"""Article text, titles and notes are untrusted and only ever rendered as text: pages holding
<script>, onerror= attributes and javascript: links open no dialog and request nothing
unexpected, and a Content-Security-Policy forbids inline scripts."""

import pytest
from playwright.sync_api import expect

from claims.models import Annotation, Article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOSTILE_PAGE = b"""<!doctype html>
<html><head><title>Stem cell clinic</title><script>alert("head script")</script></head>
<body><article>
<h1>Is stem cell therapy safe?</h1>
<p>Our stem cell therapy has no side effects and completely cures arthritis.
<script>alert("inline script")</script></p>
<p>See the results <img src="https://tracker.example/pixel.gif" onerror="alert('onerror')">
from our patients in Bangkok and Kyiv.</p>
<p><a href="javascript:alert('link')">Book a free consultation</a> today, or call us for
prices from $1,500 to $10,000.</p>
<p>Critics posted &lt;script&gt;alert("escaped")&lt;/script&gt; and
&lt;img src=x onerror=alert("escaped")&gt; on our forum, which we removed.</p>
<p>A 52-year-old woman was symptom-free after 4 infusions, says her testimonial.</p>
</article></body></html>
"""
MARKUP_SENTENCE = (
    'Critics posted <script>alert("escaped")</script> and '
    '<img src=x onerror=alert("escaped")> on our forum, which we removed.'
)
HOSTILE_TITLE = "<img src=x onerror=alert('title')>Regen<b>Well</b>"
HOSTILE_PASTE = (
    "Why choose RegenWell?\n"
    "<a href=\"javascript:alert('paste')\">Book now</a> and <svg onload=alert('svg')> "
    "our world's only cure.\n"
    "Prices from $1,500 (2 injections) to $10,000.\n"
)
HOSTILE_NOTE = "<img src=x onerror=alert('note')><script>alert('note')</script> see <b>ref 3</b>"


def _assert_inert(page, page_watch) -> None:
    assert page_watch.dialogs == []
    assert page_watch.unexpected_requests == []
    # The page's own scripts are a JSON data block and a module loaded from /static/.
    injected = "main script:not([src]):not([type='application/json']), main img, main svg"
    expect(page.locator(injected)).to_have_count(0)
    expect(page.locator("a[href^='javascript']")).to_have_count(0)


def test_it_shows_an_uploaded_page_with_scripts_handlers_and_links_as_text(
    signed_in_page, reviewer, page_watch
):
    page = signed_in_page(reviewer)
    page.goto("/articles/new/")
    page.locator("#id_file").set_input_files(
        {"name": "clinic.html", "mimeType": "text/html", "buffer": HOSTILE_PAGE}
    )
    page.locator("#id_title").fill(HOSTILE_TITLE)
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector('body[data-ready="true"]')

    article = Article.objects.get()
    sentence = article.sentences.get(text=MARKUP_SENTENCE)
    expect(page.locator(f"#s{sentence.index}")).to_have_text(MARKUP_SENTENCE)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOSTILE_TITLE)
    expect(page.get_by_text("Book a free consultation")).to_have_count(1)
    _assert_inert(page, page_watch)

    page.locator(f"#s{sentence.index}").click()
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("1")
    expect(page.locator("#annotation-list q")).to_have_text(MARKUP_SENTENCE)
    expect(page.locator("#document .chip.state-saved")).to_have_count(1)
    page.goto("/")
    expect(page.get_by_role("link", name=HOSTILE_TITLE)).to_be_visible()
    _assert_inert(page, page_watch)


def test_it_shows_pasted_markup_as_text(annotate_page, reviewer, make_article, page_watch):
    article = make_article(HOSTILE_PASTE)
    ui = annotate_page(reviewer, article)

    expect(ui.page.locator("#document")).to_contain_text(
        "<a href=\"javascript:alert('paste')\">Book now</a> and <svg onload=alert('svg')>"
    )
    _assert_inert(ui.page, page_watch)


def test_it_shows_notes_with_html_as_text_to_their_author_and_to_an_editor(
    annotate_page, reviewer, editor, make_article, page_watch
):
    article = make_article(HOSTILE_PASTE)
    ui = annotate_page(reviewer, article)
    ui.page.keyboard.press("j")
    with ui.api_call("POST"):
        ui.page.keyboard.press("2")
    ui.page.keyboard.press("n")
    ui.page.get_by_label("Note").fill(HOSTILE_NOTE)
    with ui.api_call("PATCH", detail=True):
        ui.page.keyboard.press("Control+Enter")
    assert Annotation.objects.get().note == HOSTILE_NOTE

    ui.reload()
    expect(ui.items.first.locator(".note")).to_have_text(HOSTILE_NOTE)
    _assert_inert(ui.page, page_watch)

    ui = annotate_page(editor, article)
    ui.show_annotations_of("Everyone")
    expect(ui.items.first.locator(".note")).to_have_text(HOSTILE_NOTE)
    expect(ui.items.first.locator(".author")).to_have_text("by rita")
    _assert_inert(ui.page, page_watch)


@pytest.mark.parametrize(
    "path", ["/", "/articles/new/", "/articles/{article}/", "/accounts/login/"]
)
def test_it_sends_a_policy_that_forbids_inline_scripts(
    signed_in_page, reviewer, make_article, path
):
    article = make_article()
    page = signed_in_page(reviewer)

    response = page.goto(path.format(article=article.pk))

    assert response.status == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
