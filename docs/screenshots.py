"""Save screenshots of the article list, upload and annotation pages with the demo data.

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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from claims.models import Article  # noqa: E402

CHROMIUM = os.environ.get("CLAIMSCOPE_CHROMIUM", "/usr/bin/chromium")
OUT = ROOT / "docs"
VIEWPORT = {"width": 1400, "height": 900}


def session_cookie(username: str, base_url: str) -> dict:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


def photograph(base_url: str, cookie: dict, article_id: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(f"{base_url}/")
        page.screenshot(path=OUT / "article-list.png")
        page.goto(f"{base_url}/articles/new/")
        page.screenshot(path=OUT / "upload.png")
        page.goto(f"{base_url}/articles/{article_id}/")
        page.wait_for_selector('body[data-ready="true"]')
        page.keyboard.press("j")
        page.keyboard.press("Shift+ArrowDown")
        page.screenshot(path=OUT / "annotate.png")
        browser.close()
    for name in ("article-list.png", "upload.png", "annotate.png"):
        print(f"saved docs/{name}")


def main() -> None:
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    server = None
    try:
        call_command("load_demo", stdout=StringIO())
        # The page with the most of the demo reviewer's annotations.
        article = (
            Article.objects.annotate(
                n=Count("annotations", filter=Q(annotations__author__username="reviewer"))
            )
            .order_by("-n")
            .first()
        )
        shared = None
        if connection.vendor == "sqlite":
            shared = {"default": connections["default"]}  # the object, not the proxy
            shared["default"].inc_thread_sharing()
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        base_url = f"http://127.0.0.1:{server.port}"
        cookie = session_cookie("reviewer", base_url)  # before Playwright's event loop runs
        photograph(base_url, cookie, article.pk)
    finally:
        if server is not None:
            server.terminate()
        connection.close()
        connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
