"""Signing in: wrong passwords lock an account and an address out for a while (django-axes),
and a forgotten password is reset through a mailed link."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery"  # the personas' password (conftest)


@pytest.fixture
def two_tries(settings):
    settings.AXES_FAILURE_LIMIT = 2


def sign_in(client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_locks_the_account_out_after_too_many_wrong_passwords(client, reviewer, two_tries):
    assert sign_in(client, "rita", "wrong").status_code == 200  # the form, with its error
    locked = sign_in(client, "rita", "wrong again")

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "paused for 15 minutes" in locked.text
    # Now even the right password is refused, from another address too.
    assert sign_in(client, "rita", PASSWORD, address="203.0.113.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_locks_an_address_out_that_tries_many_accounts(
    client, reviewer, editor, outsider, two_tries
):
    sign_in(client, "rita", "wrong")
    sign_in(client, "edna", "wrong")

    # The address that tried two accounts is paused, for any account...
    assert sign_in(Client(), "olga", PASSWORD).status_code == 429
    # ...while edna, with one failure, under the limit, signs in from another address.
    assert sign_in(client, "edna", PASSWORD, address="203.0.113.9").status_code == 302


def test_it_records_the_failures_for_the_admin_site(client, reviewer, two_tries):
    sign_in(client, "rita", "wrong")

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "rita",
        "198.51.100.7",
        1,
    )
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "rita" in listing.text


def test_a_right_password_before_the_limit_signs_in_and_clears_the_count(
    client, reviewer, two_tries
):
    sign_in(client, "rita", "wrong")
    assert sign_in(client, "rita", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="rita", failures_since_start__gt=0).exists()


def test_a_forgotten_password_is_reset_through_the_mailed_link(client, reviewer):
    reviewer.email = "rita@example.org"
    reviewer.save()

    sent = client.post("/accounts/password-reset/", {"email": "rita@example.org"})
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link is not None

    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.text
    new = "a longer passphrase for rita"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password is set" in done.text
    assert sign_in(client, "rita", new).status_code == 302


def test_the_sign_in_page_links_to_the_password_reset(client):
    assert 'href="/accounts/password-reset/"' in client.get(LOGIN).text
