"""The API's documentation is served by the app itself: no CDN, no inline script."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_serves_the_openapi_schema_with_every_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/articles/",
        "/api/v1/articles/{article_id}/",
        "/api/v1/articles/{article_id}/sentences/",
        "/api/v1/tags/",
        "/api/v1/tags/{slug}/",
        "/api/v1/annotations/",
        "/api/v1/annotations/{annotation_id}/",
        "/api/v1/annotations/bulk/",
        "/api/v1/stats/tags/",
    ]:
        assert path in paths
    security = response.json()["components"]["securitySchemes"]
    assert security["tokenAuth"]["in"] == "header"


def test_it_serves_the_docs_from_its_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by the app"
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), f"{asset} is missing"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), "inline script found"


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/annotations/bulk/" in target.read_text()


def test_the_docs_page_links_back_to_the_app_and_to_the_profile(client):
    html = client.get("/api/docs/").text
    assert '<a href="/">← Claimscope</a>' in html
    assert '<a href="/profile/">Profile and API token</a>' in html
    assert '<div id="swagger-ui"></div>' in html  # the docs themselves are still there


def test_the_schema_description_links_the_profile_page_for_tokens(client):
    description = client.get("/api/schema/?format=json").json()["info"]["description"]
    assert "[profile page](/profile/)" in description
