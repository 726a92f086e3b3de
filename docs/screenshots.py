"""Save screenshots of the article list, upload, annotation and adjudication pages with the
demo data.

Builds a throwaway database (SQLite unless DATABASE_URL names another), loads the demo,
serves the app from a live server thread and photographs it in Debian's Chromium through
Playwright. The PNGs land in docs/ and README.md shows them.

Usage: `make screenshots`. CLAIMSCOPE_CHROMIUM names another Chromium binary.
"""

import os
import sys
import warnings
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
os.environ.setdefault("SECRET_KEY", "screenshots-only-secret")
warnings.filterwarnings("ignore", "No directory at", UserWarning)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.live_site import CHROMIUM, live_server, session_cookie, test_database  # noqa: E402
from claims.models import Article, Assignment  # noqa: E402

OUT = ROOT / "docs"
VIEWPORT = {"width": 1400, "height": 900}


def photograph(base_url: str, cookies: dict[str, dict], article_id: int, adjudicate_id: int):
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
        browser.close()
    for name in ("article-list.png", "upload.png", "annotate.png", "adjudicate.png"):
        print(f"saved docs/{name}")


def _context(browser, cookie: dict):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
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
        adjudicate = Assignment.objects.filter(done_at__isnull=False).first().article
        users = get_user_model().objects.in_bulk(["reviewer", "editor"], field_name="username")
        with live_server() as base_url:
            cookies = {name: session_cookie(user, base_url) for name, user in users.items()}
            photograph(base_url, cookies, article.pk, adjudicate.pk)


if __name__ == "__main__":
    main()
