"""Save screenshots of the article list, upload, annotation and adjudication pages with the
demo data, and of the annotation and adjudication pages on a phone (390 px) and a small
laptop window (800 px).

Builds a throwaway database (SQLite unless DATABASE_URL names another), loads the demo,
serves the app from a live server thread and photographs it in Debian's Chromium through
Playwright. The PNGs land in docs/ and README.md shows them.

Usage: `make screenshots`. CLAIMSCOPE_CHROMIUM names another Chromium binary.
"""

import sys
from io import StringIO
from pathlib import Path

# The bench scripts' start-up and live server, imported as they import each other.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from harness import ROOT, django_setup, test_database

django_setup(secret_key="screenshots-only-secret")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from live_site import CHROMIUM, Cookie, live_server, session_cookie  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from claims.models import Article, Assignment  # noqa: E402

OUT = ROOT / "docs"
VIEWPORT = {"width": 1400, "height": 900}
NARROW_WIDTHS = (390, 800)
SAVED = (
    "article-list.png",
    "upload.png",
    "annotate.png",
    "adjudicate.png",
    *(
        f"{page}-{width}{part}.png"
        for width in NARROW_WIDTHS
        for page, part in (("annotate", ""), ("annotate", "-panel"), ("adjudicate", ""))
    ),
)


def photograph(base_url: str, cookies: dict[str, Cookie], article_id: int, adjudicate_id: int):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        reviewer = _context(browser, cookies["reviewer"])
        page = reviewer.new_page()
        page.goto(f"{base_url}/")
        page.screenshot(path=OUT / "article-list.png")
        page.goto(f"{base_url}/articles/new/")
        page.screenshot(path=OUT / "upload.png")
        page.goto(f"{base_url}/articles/{article_id}/")
        page.wait_for_selector('body[data-ready="true"]')
        page.keyboard.press("j")
        page.keyboard.press("Shift+ArrowDown")
        page.screenshot(path=OUT / "annotate.png")
        editor = _context(browser, cookies["editor"]).new_page()
        editor.goto(f"{base_url}/articles/{adjudicate_id}/adjudicate/")
        editor.wait_for_selector('body[data-ready="true"]')
        editor.keyboard.press("j")
        editor.screenshot(path=OUT / "adjudicate.png", full_page=True)
        for width in NARROW_WIDTHS:
            _narrow(browser, cookies, base_url, width, article_id, adjudicate_id)
        browser.close()
    for name in SAVED:
        print(f"saved docs/{name}")


def _narrow(browser, cookies, base_url: str, width: int, article_id: int, adjudicate_id: int):
    """The annotation page with its panel open as a drawer, and the adjudication grid
    scrolling in its own box, in a window `width` pixels wide."""
    size = {"width": width, "height": 844 if width < 500 else 900}
    page = _context(browser, cookies["reviewer"], size).new_page()
    page.goto(f"{base_url}/articles/{article_id}/")
    page.wait_for_selector('body[data-ready="true"]')
    page.keyboard.press("j")
    page.screenshot(path=OUT / f"annotate-{width}.png")
    toggle = page.get_by_role("button", name="Annotations")
    if toggle.is_visible():  # a drawer on narrow screens; beside the text on wider ones
        toggle.click()
    page.screenshot(path=OUT / f"annotate-{width}-panel.png")
    editor = _context(browser, cookies["editor"], size).new_page()
    editor.goto(f"{base_url}/articles/{adjudicate_id}/adjudicate/")
    editor.wait_for_selector('body[data-ready="true"]')
    editor.screenshot(path=OUT / f"adjudicate-{width}.png")


def _context(browser, cookie: Cookie, viewport: dict[str, int] = VIEWPORT):
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    context.add_cookies([cookie])
    return context


def main() -> None:
    with test_database():
        call_command("load_demo", stdout=StringIO())
        # The page with the most of the demo reviewer's annotations.
        article = (
            Article.objects.annotate(
                n=Count("annotations", filter=Q(annotations__author__username="reviewer"))
            )
            .order_by("-n")
            .first()
        )
        # The article the demo leaves for the editor to adjudicate.
        adjudicate = Assignment.objects.filter(done_at__isnull=False).first()
        if article is None or adjudicate is None:
            raise RuntimeError("load_demo made no annotated article or no finished review.")
        users = get_user_model().objects.in_bulk(["reviewer", "editor"], field_name="username")
        with live_server() as base_url:
            cookies = {name: session_cookie(user, base_url) for name, user in users.items()}
            photograph(base_url, cookies, article.pk, adjudicate.article_id)


if __name__ == "__main__":
    main()
