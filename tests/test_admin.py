"""The admin shows annotations and their history but never writes them: a change made there
would bypass the history."""

import pytest
from django.contrib.auth.models import User

from claims.models import Annotation, Event, Sentence
from claims.services.annotations import AnnotationDraft, annotation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_article, reviewer):
    article = make_article()
    draft = AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(1, 1))
    annotation_create(author=reviewer, draft=draft)
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


@pytest.mark.parametrize("model", ["annotation", "event", "assignment", "decision"])
def test_it_lists_the_review_records(admin_client, model):
    assert admin_client.get(f"/admin/claims/{model}/").status_code == 200


def test_it_shows_an_annotation_without_a_way_to_change_or_delete_it(admin_client):
    annotation = Annotation.objects.get()
    page = admin_client.get(f"/admin/claims/annotation/{annotation.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    deleted = admin_client.post(
        f"/admin/claims/annotation/{annotation.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert Annotation.objects.filter(pk=annotation.pk).exists()
    assert admin_client.get("/admin/claims/annotation/add/").status_code == 403
    assert Event.objects.count() == 1


def test_it_shows_sentences_without_a_way_to_add_change_or_delete_one(admin_client):
    sentence = Sentence.objects.order_by("index").first()
    before = list(Sentence.objects.values_list("pk", "text"))
    assert admin_client.get("/admin/claims/sentence/add/").status_code == 403
    page = admin_client.get(f"/admin/claims/sentence/{sentence.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    changed = admin_client.post(
        f"/admin/claims/sentence/{sentence.pk}/change/", {"text": "Edited", "index": 0}
    )
    assert changed.status_code == 403
    deleted = admin_client.post(f"/admin/claims/sentence/{sentence.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert list(Sentence.objects.values_list("pk", "text")) == before


def test_an_articles_page_lists_its_sentences_with_no_add_row_or_inputs(admin_client):
    article = Sentence.objects.first().article
    page = admin_client.get(f"/admin/claims/article/{article.pk}/change/")
    assert page.status_code == 200
    # Shown as text, not inputs; the formset takes no new rows.
    assert b'name="sentences-0-text"' not in page.content
    assert b'name="sentences-MAX_NUM_FORMS" value="0"' in page.content
