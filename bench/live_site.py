"""The site served from a throwaway test database, for the scripts that drive Chromium
(`bench/annotate_page.py`, `docs/screenshots.py`). Import it after `django.setup()`."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection, connections
from django.test import Client
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("CLAIMSCOPE_CHROMIUM", "/usr/bin/chromium")


@contextmanager
def test_database() -> Iterator[None]:
    """A fresh test database on the server DATABASE_URL names (else SQLite), dropped after."""
    settings.DEBUG = False  # no query log
    settings.API_THROTTLE_RATE = ""
    # Static files straight from the app folders, as in development (no collectstatic step).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.close()
        connection.creation.destroy_test_db(original_name, verbosity=0)


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


def session_cookie(user: AbstractBaseUser, base_url: str) -> dict:
    """A signed-in browser session for `user`, as a Playwright cookie. Call it before
    Playwright's event loop runs: Django refuses database calls inside it."""
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}
