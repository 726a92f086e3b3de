"""Annotation services: only its author changes or deletes an annotation, and a refused
change leaves the annotation and its history as they were."""

import pytest

from claims.models import Annotation, Event
from claims.services.annotations import (
    AnnotationDraft,
    annotation_create,
    annotation_delete,
    annotation_update,
    annotations_bulk_create,
)
from claims.services.errors import BatchRejected, Forbidden, Rejected
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

NOT_THE_AUTHOR = "Only its author may change or delete an annotation."


@pytest.fixture
def ritas(make_article, reviewer) -> Annotation:
    return annotate_phrase(reviewer, make_article(), "overstated", "no side effects", note="n=0")


def test_it_refuses_a_change_by_anyone_but_the_author(ritas, other_reviewer, editor):
    events = Event.objects.count()
    for someone_else in (other_reviewer, editor):
        with pytest.raises(Forbidden) as refused:
            annotation_update(annotation=ritas, user=someone_else, note="mine now")
        assert refused.value.message == NOT_THE_AUTHOR

    stored = Annotation.objects.get(pk=ritas.pk)
    assert (stored.note, stored.tag.slug) == ("n=0", "overstated")
    assert Event.objects.count() == events


def test_it_refuses_a_deletion_by_anyone_but_the_author(ritas, other_reviewer):
    with pytest.raises(Forbidden) as refused:
        annotation_delete(annotation=ritas, user=other_reviewer)

    assert refused.value.message == NOT_THE_AUTHOR
    assert Annotation.objects.filter(pk=ritas.pk).exists()
    assert not Event.objects.filter(kind=Event.Kind.DELETED).exists()


def test_its_author_changes_and_deletes_it(ritas, reviewer):
    annotation_update(annotation=ritas, user=reviewer, note="no side effects is absolute")
    assert Annotation.objects.get(pk=ritas.pk).note == "no side effects is absolute"

    annotation_delete(annotation=ritas, user=reviewer)
    assert not Annotation.objects.filter(pk=ritas.pk).exists()


def test_it_stores_a_span_whose_quote_matches_its_text(make_article, reviewer):
    article = make_article(text="Our serum has no side effects at all.")
    start = article.text.index("no side effects")
    draft = AnnotationDraft(
        article_id=article.pk,
        tag="overstated",
        start=start,
        end=start + 15,
        quote="no side effects",
    )

    stored = annotation_create(author=reviewer, draft=draft)

    assert stored.quote == "no side effects"


def test_it_refuses_a_quote_that_differs_from_the_text_and_stores_nothing(make_article, reviewer):
    article = make_article(text="Our serum has no side effects at all.")
    drafts = [
        AnnotationDraft(article_id=article.pk, tag="overstated", start=14, end=29, quote=quote)
        for quote in ("no side effect!", "no side effects")
    ]

    with pytest.raises(Rejected) as refused:
        annotation_create(author=reviewer, draft=drafts[0])
    with pytest.raises(BatchRejected) as batch:
        annotations_bulk_create(author=reviewer, drafts=drafts)

    assert (refused.value.field, refused.value.code) == ("quote", "quote_mismatch")
    assert refused.value.message == (
        "The quote “no side effect!” is not the text at 14–29, which reads “no side effects”."
    )
    assert list(batch.value.errors) == [0]
    assert not Annotation.objects.exists()
    assert not Event.objects.exists()
