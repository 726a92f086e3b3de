"""Browser fixtures: one Debian Chromium per session, a fresh context per test, pages signed
in as a persona through a session cookie made by `Client.force_login`, and a watch on what
the pages do (dialogs, script errors, requests) that they never should."""

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Locator,
    Page,
    Playwright,
    Response,
    expect,
    sync_playwright,
)

from claims.models import Annotation, Article
from claims.services.annotations import AnnotationDraft, annotation_create

CHROMIUM = os.environ.get("CLAIMSCOPE_CHROMIUM", "/usr/bin/chromium")
# Long enough for a loaded CI machine, short enough that a broken page fails in seconds.
TIMEOUT_MS = 10_000
# What the pages may request; anything else (another origin, an injected image such as
# <img src=x> resolving to /articles/1/x) is a leak.
EXPECTED_PATHS = re.compile(
    r"^/(|articles/new/|articles/\d+/|articles/\d+/adjudicate/|articles/\d+/history/"
    r"|articles/\d+/original/page/"
    r"|articles/\d+/report/|articles/\d+/report\.xlsx|reports/|vocabulary/|vocabulary/edit/"
    r"|articles/assign/|accounts/login/|suggestions/|profile/|search/|claims/clusters/"
    r"|static/claims/[\w.-]+|api/v1/.*)$"
)
ANNOTATIONS_API = "/api/v1/annotations/"


@pytest.fixture(scope="session")
def playwright(django_db_setup) -> Iterator[Playwright]:
    """Playwright's sync API, with Django's database connections kept as they were.

    Between calls, Playwright leaves its event loop marked as running on this thread. Django
    then takes the thread for an async context: it refuses ORM calls, and it looks database
    connections up in per-context storage, where it would open new ones that lack the test
    database's serialized contents (so roles and tags would not come back after a flush).
    Nothing here is async: allow the calls, and hand the test database's connections over.
    """
    connections_before = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            for alias, connection in connections_before.items():
                connections[alias] = connection
            yield driver
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which(CHROMIUM)
    if executable is None:
        # A failure, never a skip: a suite that could not drive a browser tested no page.
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install it with `apt-get install chromium` "
            "(or `make chromium`), or set CLAIMSCOPE_CHROMIUM to a Chromium binary.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=executable)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def short_expect_timeout() -> None:
    expect.set_options(timeout=TIMEOUT_MS)


class PageWatch:
    """Dialogs opened, script errors thrown and unexpected URLs requested by the test's pages."""

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.unexpected_requests: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self._on_request(request.url))

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_request(self, url: str) -> None:
        if url.startswith("data:"):
            return
        parts = urlsplit(url)
        same_origin = f"{parts.scheme}://{parts.netloc}" == self.origin
        if not same_origin or not EXPECTED_PATHS.match(parts.path):
            self.unexpected_requests.append(url)


@pytest.fixture
def page_watch(live_server) -> Iterator[PageWatch]:
    watch = PageWatch(live_server.url)
    yield watch
    # Never wanted on any page, even where the test's own assertions passed.
    assert watch.errors == [], "a page threw"
    assert watch.dialogs == [], "a page opened a dialog"
    assert watch.unexpected_requests == [], "a page requested an unexpected URL"


@pytest.fixture
def new_page(browser: Browser, live_server, page_watch: PageWatch) -> Iterator[Callable[[], Page]]:
    """Pages, each in a context of its own (its own cookies), closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page_watch.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()
    # The live server answers from a thread per request, which closes its database
    # connection after the browser has the answer; let it, before the next test's flush or
    # the server's shutdown pulls the shared connection away.
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=5)


@pytest.fixture
def page(new_page) -> Page:
    """An anonymous page."""
    return new_page()


@pytest.fixture
def signed_in_page(new_page, live_server) -> Callable[[User], Page]:
    """A page whose browser holds `user`'s session (quicker than filling the login form,
    which test_upload_page fills once)."""

    def sign_in(user: User) -> Page:
        client = Client()
        client.force_login(user)
        page = new_page()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        return page

    return sign_in


class AnnotatePage:
    """The annotation page of one article, loaded, with the lookups tests keep needing."""

    def __init__(self, page: Page, article: Article) -> None:
        self.page = page
        self.article = article

    def open(self) -> "AnnotatePage":
        self.page.goto(f"/articles/{self.article.pk}/")
        self.page.wait_for_selector('body[data-ready="true"]')
        return self

    def reload(self) -> "AnnotatePage":
        self.page.reload()
        self.page.wait_for_selector('body[data-ready="true"]')
        return self

    def sentence(self, index: int) -> Locator:
        return self.page.locator(f"#s{index}")

    @property
    def chips(self) -> Locator:
        return self.page.locator("#document .chip")

    @property
    def items(self) -> Locator:
        """The side panel's annotations."""
        return self.page.locator("#annotation-list > li")

    @contextmanager
    def api_call(self, method: str, *, detail: bool = False) -> Iterator:
        """Wait for the page's next `method` call to the annotation API (a detail URL, with
        an id, for PATCH and DELETE), give its response, and wait until the page has taken
        the answer in: until then it still counts the change as unsaved (and would hold up
        a reload to say so)."""
        pattern = re.compile(rf"{ANNOTATIONS_API}\d+/$" if detail else rf"{ANNOTATIONS_API}$")

        def matches(response: Response) -> bool:
            path = urlsplit(response.url).path
            return response.request.method == method and bool(pattern.search(path))

        with self.page.expect_response(matches) as response:
            yield response
        expect(self.page.locator(".state-saving")).to_have_count(0)

    def show_annotations_of(self, label: str) -> None:
        """Switch an editor's view ("Mine", "Everyone" or a reviewer) and wait for its list."""

        def is_list(response: Response) -> bool:
            return response.request.method == "GET" and response.url.split("?")[0].endswith(
                ANNOTATIONS_API
            )

        with self.page.expect_response(is_list):
            self.page.get_by_label("Whose annotations to show").select_option(label=label)

    def focused_sentence_id(self) -> str:
        return self.page.evaluate("document.activeElement.id")


@pytest.fixture
def annotate_page(signed_in_page) -> Callable[[User, Article], AnnotatePage]:
    def opened(user: User, article: Article) -> AnnotatePage:
        return AnnotatePage(signed_in_page(user), article).open()

    return opened


@pytest.fixture
def make_annotation(db) -> Callable[..., Annotation]:
    """An annotation stored through the service, as the API stores one."""

    def make(*, author: User, article: Article, tag: str, **span) -> Annotation:
        draft = AnnotationDraft(article_id=article.pk, tag=tag, **span)
        return annotation_create(author=author, draft=draft)

    return make
