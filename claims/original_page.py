"""An uploaded HTML page as a reviewer can safely look at it beside the text: nh3 (ammonia)
keeps its words and structure (headings, paragraphs, lists, tables, links) and drops
everything that runs or loads (scripts, styles, frames, forms, images, event attributes).

HTML5 parsing of some hostile markup (a hundred thousand unclosed elements) costs far more
than the page's size suggests, so the sanitiser runs in a child process with a time and a
memory limit: `python -m claims.original_page` reads the page on stdin and writes it
sanitised. This module imports nothing of Django's, so the child starts quickly.
"""

import resource
import subprocess
import sys
from pathlib import Path

import nh3

# Larger pages are offered as a download only.
RENDER_MAX_BYTES = 5 * 1024 * 1024
RENDER_SECONDS = 10.0
RENDER_MEMORY_BYTES = 768 * 1024 * 1024

TAGS = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code"),
        *("ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr"),
        *("th", "td", "caption", "a", "strong", "b", "em", "i", "u", "s", "sub", "sup"),
        *("small", "mark", "q", "cite", "abbr", "time", "figure", "figcaption", "span"),
        *("div", "section", "article", "header", "footer", "main", "aside", "nav"),
    }
)
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
}
# Dropped with everything inside them, not only their tags.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "title"}
)


# Where `-m claims.original_page` is found, whatever the server's working directory.
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


class RenderError(Exception):
    """The page cannot be shown: the message says why, for the reviewer."""


def sanitised(html: str) -> str:
    """The page's body as inert HTML: only TAGS and ATTRIBUTES survive, links are http(s) or
    mailto and open nothing in this page's name."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def sanitised_bounded(html: str, *, seconds: float = RENDER_SECONDS) -> str:
    """sanitised(html), computed in a child process that is stopped after `seconds` or when
    it needs more than RENDER_MEMORY_BYTES."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "claims.original_page"],
            input=html.encode("utf-8", "surrogatepass"),
            capture_output=True,
            timeout=seconds,
            check=False,
            cwd=_PROJECT_ROOT,
        )
    except subprocess.TimeoutExpired as error:
        raise RenderError(
            f"The page's markup is too complex to show within {seconds:g} s; "
            "download the original instead."
        ) from error
    if done.returncode != 0:
        raise RenderError(
            "The page's markup could not be shown within the memory allowed; "
            "download the original instead."
        )
    return done.stdout.decode("utf-8", "replace")


def _child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY_BYTES, RENDER_MEMORY_BYTES))
    html = sys.stdin.buffer.read().decode("utf-8", "replace")
    sys.stdout.buffer.write(sanitised(html).encode("utf-8"))


if __name__ == "__main__":
    _child()
