"""Annotation services: only its author changes or deletes an annotation, and a refused
change leaves the annotation and its history as they were."""

import pytest

from claims.models import Annotation, Event
from claims.services.annotations import annotation_delete, annotation_update
from claims.services.errors import Forbidden
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
