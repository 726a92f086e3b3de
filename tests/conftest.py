"""Personas and small builders shared by the database tests."""

import os

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import EDITOR, READER, REVIEWER, Article
from claims.services.articles import Upload, article_ingest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Where CLAIMSCOPE_NO_SKIPS is set (CI sets it), a skipped test fails: a test that CI
    cannot run must not pass for one that ran."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CLAIMSCOPE_NO_SKIPS"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped where skips are not allowed: {reason}"


def _user(username: str, role: str | None) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery")
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reviewer(db) -> User:
    return _user("rita", REVIEWER)


@pytest.fixture
def other_reviewer(db) -> User:
    return _user("omar", REVIEWER)


@pytest.fixture
def editor(db) -> User:
    return _user("edna", EDITOR)


@pytest.fixture
def reader(db) -> User:
    return _user("reed", READER)


@pytest.fixture
def outsider(db) -> User:
    return _user("olga", None)


@pytest.fixture
def signed_in(client, reviewer):
    """The Django test client with the reviewer's browser session."""
    client.force_login(reviewer)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created in nearly every test; the real hasher costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def static_files_without_manifest(settings):
    """Pages render without `collectstatic` having run (the manifest exists only in deploys)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


CLINIC_TEXT = (
    "Is stem cell therapy safe?\n"
    "Our treatment has no side effects. It targets the root cause of arthritis.\n"
    "- ✅ Prices from $1,500 (2 injections) to $10,000.\n"
)


@pytest.fixture
def make_article(db, reviewer):
    def make(text: str = CLINIC_TEXT, **overrides) -> Article:
        fields = {"user": reviewer, "publisher": "RegenWell Institute", **overrides}
        filename = fields.pop("filename", "pasted.txt")
        return article_ingest(upload=Upload(data=text.encode("utf-8"), filename=filename), **fields)

    return make


@pytest.fixture(autouse=True)
def fresh_request_counts():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for(db):
    """An API client that authenticates as `user` with a real token (None: anonymous)."""

    def client_for(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for
