"""The public vocabulary pages that tag IRIs (used in W3C annotations) resolve to."""

from urllib.parse import urlsplit

import pytest

from claims.models import Tag

pytestmark = pytest.mark.django_db


def test_every_tag_iri_resolves_to_its_definition(api_for, reader, client):
    tags = api_for(reader).get("/api/v1/tags/").json()
    for tag in tags:
        response = client.get(urlsplit(tag["iri"]).path)
        assert response.status_code == 200, tag["iri"]
        assert tag["definition"] in response.text
        assert tag["iri"] in response.text


def test_it_names_a_tag_by_its_iri_under_the_address_asked(client, settings):
    settings.ALLOWED_HOSTS = ["claims.example.org"]

    page = client.get("/vocabulary/overstated", HTTP_HOST="claims.example.org", secure=True)

    assert "<code>https://claims.example.org/vocabulary/overstated</code>" in page.text


def test_it_names_a_tag_by_its_configured_iri(client, settings):
    settings.CLAIMSCOPE_TAG_IRI_BASE = "https://vocab.claimscope.example/tags/"

    page = client.get("/vocabulary/overstated")

    assert "<code>https://vocab.claimscope.example/tags/overstated</code>" in page.text


def test_it_lists_the_whole_vocabulary_to_anyone(client):
    response = client.get("/vocabulary/")
    assert response.status_code == 200
    for tag in Tag.objects.all():
        assert tag.name in response.text


def test_it_marks_an_archived_tag(client):
    Tag.objects.filter(slug="price-claim").update(archived=True)
    response = client.get("/vocabulary/price-claim")
    assert "Archived" in response.text


def test_it_answers_404_for_an_unknown_tag(client):
    assert client.get("/vocabulary/miracle").status_code == 404


def test_the_editing_page_opens_for_editors_and_is_linked_from_the_vocabulary(client, editor):
    client.force_login(editor)
    assert 'href="/vocabulary/edit/"' in client.get("/vocabulary/").text
    page = client.get("/vocabulary/edit/")
    assert page.status_code == 200
    assert '"tags_url": "/api/v1/tags/"' in page.text


def test_the_editing_page_refuses_reviewers_and_readers_and_asks_strangers_to_sign_in(
    client, reviewer, reader
):
    for user in (reviewer, reader):
        client.force_login(user)
        assert "/vocabulary/edit/" not in client.get("/vocabulary/").text
        assert client.get("/vocabulary/edit/").status_code == 403
    client.logout()
    assert client.get("/vocabulary/edit/").url.startswith("/accounts/login/")
