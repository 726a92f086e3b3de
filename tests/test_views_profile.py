"""The profile page, where a signed-in user creates, replaces and revokes their API token."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_it_shows_the_role_and_no_token_at_first(signed_in):
    response = signed_in.get(reverse("claims:profile"))
    assert response.status_code == 200
    assert "reviewer" in response.text
    assert "You have no token." in response.text


def test_it_creates_a_token_that_the_api_accepts(signed_in, reviewer, client):
    response = signed_in.post(reverse("claims:token_create"), follow=True)
    token = Token.objects.get(user=reviewer)
    assert token.key in response.text
    client.logout()
    api = client.get("/api/v1/tags/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.status_code == 200


def test_it_replaces_a_token_so_the_old_one_stops_working(signed_in, reviewer, client):
    signed_in.post(reverse("claims:token_create"))
    old = Token.objects.get(user=reviewer).key
    signed_in.post(reverse("claims:token_create"))
    new = Token.objects.get(user=reviewer).key
    assert new != old
    client.logout()
    assert client.get("/api/v1/tags/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401


def test_it_revokes_the_token(signed_in, reviewer):
    signed_in.post(reverse("claims:token_create"))
    response = signed_in.post(reverse("claims:token_revoke"), follow=True)
    assert not Token.objects.filter(user=reviewer).exists()
    assert "You have no token." in response.text


def test_it_refuses_token_changes_by_get(signed_in, reviewer):
    assert signed_in.get(reverse("claims:token_create")).status_code == 405
    assert not Token.objects.filter(user=reviewer).exists()


def test_it_refuses_token_changes_without_the_csrf_token(reviewer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    assert browser.post(reverse("claims:token_create")).status_code == 403
    assert not Token.objects.filter(user=reviewer).exists()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("claims:profile"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_drf_command_creates_a_token_too(reviewer):
    call_command("drf_create_token", reviewer.username)
    assert Token.objects.filter(user=reviewer).exists()
