"""The site served by a live server thread, for the scripts that drive Chromium
(`bench/annotate_page.py`, `docs/screenshots.py`). Import it after `harness.django_setup()`,
and serve inside `harness.test_database()`."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection, connections
from django.test import Client
from django.test.testcases import LiveServerThread

# A Playwright cookie; Playwright names its shape only in a private module.
if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam as Cookie
else:
    Cookie = dict

CHROMIUM = os.environ.get("CLAIMSCOPE_CHROMIUM", "/usr/bin/chromium")


@contextmanager
def live_server() -> Iterator[str]:
    """The app served by Django's live server thread; yields its base URL."""
    shared = None
    if connection.vendor == "sqlite":  # an in-memory test database must be shared
        shared = {"default": connections["default"]}  # the object, not the proxy
        shared["default"].inc_thread_sharing()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        if server.error:
            raise server.error
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()


def session_cookie(user: User, base_url: str) -> Cookie:
    """A signed-in browser session for `user`, as a Playwright cookie. Call it before
    Playwright's event loop runs: Django refuses database calls inside it."""
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}
