"""The upload page with a near-duplicate: it names the stored article and the share, holds the
upload, and stores it only when the uploader ticks the box and confirms."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.models import Article, Original
from tests.test_api_near_duplicates import COPIED_TEXT, HTML_PAGE

pytestmark = pytest.mark.django_db

UPLOAD = reverse("claims:article_upload")


@pytest.fixture
def stored(make_article) -> Article:
    return make_article(HTML_PAGE, filename="knee.html")


def _copied_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("knee.txt", COPIED_TEXT.encode(), content_type="text/plain")


def _held_key(html: str) -> str:
    match = re.search(r'name="held" value="([0-9a-f]{64})"', html)
    assert match, "the page holds no upload"
    return match.group(1)


def test_it_shows_the_stored_article_and_asks_to_confirm(signed_in, stored):
    response = signed_in.post(UPLOAD, {"file": _copied_file(), "publisher": "RegenWell"})

    assert response.status_code == 400
    assert "Nearly the same as a stored article" in response.text
    assert "90% of this upload’s sentences" in response.text
    assert reverse("claims:article_detail", args=[stored.pk]) in response.text
    assert 'name="allow_near_duplicate"' in response.text
    assert "Store it anyway" in response.text
    assert 'name="publisher" value="RegenWell"' in response.text  # kept for the confirmation
    held = Original.objects.get(pk=_held_key(response.text))
    assert held.held_at is not None  # in the database: any app server can finish the upload
    assert Article.objects.count() == 1


def test_confirming_stores_the_held_file_without_choosing_it_again(signed_in, stored):
    asked = signed_in.post(UPLOAD, {"file": _copied_file()})
    key = _held_key(asked.text)

    response = signed_in.post(
        UPLOAD,
        {"held": key, "allow_near_duplicate": "on", "publisher": "RegenWell", "title": ""},
    )

    article = Article.objects.exclude(pk=stored.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("claims:article_detail", args=[article.pk])
    assert (article.original_filename, article.publisher) == ("knee.txt", "RegenWell")
    assert article.sentences.count() == 11
    assert article.original_id == key  # the held bytes became the article's original
    assert Original.objects.get(pk=key).held_at is None  # released once stored


def test_sending_the_held_upload_without_the_tick_asks_again(signed_in, stored):
    key = _held_key(signed_in.post(UPLOAD, {"file": _copied_file()}).text)

    response = signed_in.post(UPLOAD, {"held": key})

    assert response.status_code == 400
    assert "Nearly the same as a stored article" in response.text
    assert Article.objects.count() == 1


def test_a_pasted_near_duplicate_is_held_and_confirmed_the_same_way(signed_in, stored):
    key = _held_key(signed_in.post(UPLOAD, {"text": COPIED_TEXT}).text)

    response = signed_in.post(UPLOAD, {"held": key, "allow_near_duplicate": "on"})

    assert response.status_code == 302
    assert Article.objects.exclude(pk=stored.pk).get().original_filename == "pasted.txt"


def test_ticking_the_box_with_a_new_upload_stores_it_at_once(signed_in, stored):
    response = signed_in.post(UPLOAD, {"file": _copied_file(), "allow_near_duplicate": "on"})
    assert response.status_code == 302
    assert Article.objects.count() == 2


def test_another_session_cannot_confirm_an_upload_it_did_not_hold(
    signed_in, stored, client, other_reviewer
):
    key = _held_key(signed_in.post(UPLOAD, {"file": _copied_file()}).text)
    client.logout()
    client.force_login(other_reviewer)

    response = client.post(UPLOAD, {"held": key, "allow_near_duplicate": "on"})

    assert response.status_code == 400
    assert "has expired; choose it again" in response.text
    assert Article.objects.count() == 1


def test_an_expired_hold_says_to_choose_the_file_again(signed_in, stored):
    key = _held_key(signed_in.post(UPLOAD, {"file": _copied_file()}).text)
    Original.objects.filter(pk=key).update(held_at=timezone.now() - timedelta(days=2))

    response = signed_in.post(UPLOAD, {"held": key, "allow_near_duplicate": "on"})

    assert response.status_code == 400
    assert "has expired; choose it again" in response.text
    assert Article.objects.count() == 1


def test_a_different_article_is_stored_without_asking(signed_in, stored):
    response = signed_in.post(UPLOAD, {"text": "Ozone therapy detoxes your blood.\nBook now!"})
    assert response.status_code == 302
    assert Article.objects.count() == 2
