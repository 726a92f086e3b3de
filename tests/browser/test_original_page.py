"""The original page beside the text, in Chromium: the uploaded HTML page sanitised in a
sandboxed frame, nothing of its scripts run or fetched, and the selected sentence marked in
it as the selection moves."""

import pytest
from playwright.sync_api import expect

from claims.services.articles import Upload, article_ingest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGE = b"""<!doctype html><html><head><title>RegenWell knees</title>
<script>document.title = "ran"; fetch("/api/v1/tokens/");</script>
<link rel="stylesheet" href="https://cdn.example/site.css"></head>
<body><nav><a href="/">Home</a></nav><main>
<h1>Knee cells at RegenWell</h1>
<p>Our stem cell injections have <b>no side effects</b> because the cells are your own.</p>
<p onmouseover="document.body.remove()">A course of three injections costs $4,500.</p>
<img src="https://tracker.example/p.gif" onerror="document.title='ran'">
</main></body></html>"""


def test_the_original_page_is_shown_inert_with_the_selected_sentence_marked(
    annotate_page, reviewer
):
    article = article_ingest(
        upload=Upload(data=PAGE, filename="regenwell.html"), user=reviewer, publisher="RegenWell"
    )
    ui = annotate_page(reviewer, article)
    costs = next(s.index for s in article.sentences.all() if s.text.startswith("A course"))
    ui.sentence(costs).click()

    ui.page.get_by_text("The original page").click()
    frame = ui.page.frame_locator("#original-view iframe")
    expect(frame.get_by_role("heading", name="Knee cells at RegenWell")).to_be_visible()
    expect(frame.locator("img, script, link:not([href^='/static/'])")).to_have_count(0)
    frame.locator("p").nth(1).hover()  # its onmouseover would empty the page
    expect(frame.locator("body")).to_contain_text("costs $4,500")

    marked = "document.querySelector('#original-view iframe').contentWindow.CSS.highlights"
    read = f"[...{marked}.get('current-sentence')][0].toString()"
    # From its first letter to its last: the full stop is not part of what is matched.
    expect_marked(ui.page, read, "A course of three injections costs $4,500")
    # The sentence spans the bold words: found across the page's elements.
    no_side = next(s.index for s in article.sentences.all() if "no side effects" in s.text)
    ui.sentence(no_side).click()
    expect_marked(
        ui.page,
        read,
        "Our stem cell injections have no side effects because the cells are your own",
    )
    assert ui.page.title() != "ran"


def expect_marked(page, read: str, text: str) -> None:
    page.wait_for_function(
        f"() => {{ try {{ return {read} === {text!r}; }} catch {{ return false; }} }}"
    )
