"""Assignment services: only the assigned reviewer marks their review done, and a refusal
records nothing."""

import pytest

from claims.models import Assignment, Event
from claims.services.errors import Forbidden
from claims.services.review import assignment_mark, assignments_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ritas_assignment(make_article, reviewer, editor) -> Assignment:
    assignments_create(articles=[make_article()], reviewers=[reviewer], editor=editor)
    return Assignment.objects.get()


def test_it_refuses_to_mark_someone_elses_review_done(ritas_assignment, other_reviewer, editor):
    for someone_else in (other_reviewer, editor):
        with pytest.raises(Forbidden) as refused:
            assignment_mark(assignment=ritas_assignment, done=True, user=someone_else)
        assert refused.value.message == "Only the assigned reviewer marks their review done."

    assert Assignment.objects.get().done_at is None
    assert not Event.objects.filter(kind=Event.Kind.REVIEW_DONE).exists()


def test_the_assigned_reviewer_marks_the_review_done_and_reopens_it(ritas_assignment, reviewer):
    assignment_mark(assignment=ritas_assignment, done=True, user=reviewer)
    assert Assignment.objects.get().done_at is not None

    assignment_mark(assignment=ritas_assignment, done=False, user=reviewer)
    assert Assignment.objects.get().done_at is None
    kinds = list(Event.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == [Event.Kind.REVIEW_DONE, Event.Kind.REVIEW_REOPENED]
