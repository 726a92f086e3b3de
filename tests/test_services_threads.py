"""claims.services.threads: who may reply, edit and delete, what is stored and what the
history records; and the editor's comment on a decision."""

import pytest

from claims.models import REPLY_MAX_CHARS, Annotation, Decision, Event, Reply
from claims.services.errors import Forbidden, Rejected
from claims.services.review import DECISION_COMMENT_MAX_CHARS, decision_make
from claims.services.threads import reply_create, reply_delete, reply_edit
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db


@pytest.fixture
def annotation(make_article, reviewer) -> Annotation:
    return annotate_phrase(reviewer, make_article(), "overstated", "no side effects")


def reply_events() -> list[tuple[str, str, int | None, dict]]:
    rows = Event.objects.filter(kind__startswith="repl").order_by("id")
    return list(rows.values_list("kind", "actor__username", "annotation_id", "data"))


def test_it_stores_an_editors_reply_and_records_it_on_the_annotation(annotation, editor):
    reply = reply_create(annotation=annotation, author=editor, body="  Which study says so?\n")

    stored = Reply.objects.get()
    assert (stored.pk, stored.annotation_id, stored.author_id) == (
        reply.pk,
        annotation.pk,
        editor.pk,
    )
    assert (stored.body, stored.edited_at) == ("Which study says so?", None)
    assert reply_events() == [
        ("replied", "edna", annotation.pk, {"reply": reply.pk, "body": "Which study says so?"})
    ]


def test_it_lets_a_reviewer_answer_on_their_own_annotation(annotation, reviewer, editor):
    reply_create(annotation=annotation, author=editor, body="Source?")
    reply_create(annotation=annotation, author=reviewer, body="None given on the page.")

    assert list(Reply.objects.values_list("author__username", "body")) == [
        ("edna", "Source?"),
        ("rita", "None given on the page."),
    ]


def test_it_refuses_a_reply_from_another_reviewer(annotation, other_reviewer):
    with pytest.raises(Forbidden):
        reply_create(annotation=annotation, author=other_reviewer, body="Me too")
    assert (Reply.objects.count(), reply_events()) == (0, [])


def test_it_refuses_a_reply_from_a_reader(annotation, reader):
    with pytest.raises(Forbidden):
        reply_create(annotation=annotation, author=reader, body="Interesting")
    assert Reply.objects.count() == 0


@pytest.mark.parametrize("body", ["", "   \n\t "])
def test_it_rejects_a_blank_reply(annotation, editor, body):
    with pytest.raises(Rejected) as refused:
        reply_create(annotation=annotation, author=editor, body=body)
    assert (refused.value.field, refused.value.message) == ("body", "A reply needs some text.")
    assert Reply.objects.count() == 0


def test_it_rejects_a_reply_over_the_length_limit_and_takes_one_at_it(annotation, editor):
    with pytest.raises(Rejected) as refused:
        reply_create(annotation=annotation, author=editor, body="x" * (REPLY_MAX_CHARS + 1))
    assert refused.value.message == (
        f"The reply is {REPLY_MAX_CHARS + 1:,} characters long; at most {REPLY_MAX_CHARS:,} fit."
    )
    reply_create(annotation=annotation, author=editor, body="x" * REPLY_MAX_CHARS)
    assert Reply.objects.get().body == "x" * REPLY_MAX_CHARS


def test_it_lets_the_author_edit_a_reply_and_keeps_what_it_replaced(annotation, editor):
    reply = reply_create(annotation=annotation, author=editor, body="Sourse?")

    reply_edit(reply=reply, user=editor, body="Source?")

    stored = Reply.objects.get()
    assert stored.body == "Source?"
    assert stored.edited_at is not None and stored.edited_at >= stored.created_at
    assert reply_events()[-1] == (
        "reply_edited",
        "edna",
        annotation.pk,
        {"reply": reply.pk, "before": {"body": "Sourse?"}, "after": {"body": "Source?"}},
    )


def test_it_records_nothing_when_an_edit_changes_nothing(annotation, editor):
    reply = reply_create(annotation=annotation, author=editor, body="Source?")
    reply_edit(reply=reply, user=editor, body="Source? ")
    assert Reply.objects.get().edited_at is None
    assert [kind for kind, *_ in reply_events()] == ["replied"]


def test_it_refuses_to_edit_or_delete_someone_elses_reply(annotation, reviewer, editor):
    reply = reply_create(annotation=annotation, author=editor, body="Source?")
    with pytest.raises(Forbidden):
        reply_edit(reply=reply, user=reviewer, body="Changed")
    with pytest.raises(Forbidden):
        reply_delete(reply=reply, user=reviewer)
    assert Reply.objects.get().body == "Source?"


def test_it_deletes_a_reply_and_the_history_keeps_its_text(annotation, reviewer):
    reply = reply_create(annotation=annotation, author=reviewer, body="My own reasoning")
    reply_delete(reply=reply, user=reviewer)

    assert Reply.objects.count() == 0
    assert reply_events()[-1] == (
        "reply_deleted",
        "rita",
        annotation.pk,
        {"reply": reply.pk, "body": "My own reasoning"},
    )


def test_the_thread_goes_with_its_annotation(annotation, reviewer, editor):
    reply_create(annotation=annotation, author=editor, body="Source?")
    annotation.delete()
    assert Reply.objects.count() == 0


# --- The editor's comment on a decision -----------------------------------------------------


def test_it_stores_a_decisions_comment_and_records_the_change(annotation, editor):
    article = annotation.article
    decision_make(article=article, sentence=1, tag="overstated", accept=True, editor=editor)
    decided_at = Decision.objects.get().decided_at

    decision_make(
        article=article,
        sentence=1,
        tag="overstated",
        accept=True,
        editor=editor,
        comment=" Absolute safety claims are always overstated. ",
    )

    stored = Decision.objects.get()
    assert (stored.comment, stored.decided_at) == (
        "Absolute safety claims are always overstated.",
        decided_at,
    )
    commented = Event.objects.get(kind="commented")
    assert (commented.actor_id, commented.data) == (
        editor.pk,
        {
            "sentence": 1,
            "tag": "overstated",
            "start": 28,
            "end": 62,
            "before": {"comment": ""},
            "after": {"comment": "Absolute safety claims are always overstated."},
        },
    )


def test_it_leaves_the_comment_alone_when_none_is_given(annotation, editor):
    article = annotation.article
    decide = {"article": article, "sentence": 1, "tag": "overstated", "editor": editor}
    decision_make(**decide, accept=True, comment="Clear case")
    decision_make(**decide, accept=False)

    assert Decision.objects.get().comment == "Clear case"
    assert Event.objects.filter(kind="commented").count() == 1


def test_it_rejects_a_comment_over_the_length_limit(annotation, editor):
    with pytest.raises(Rejected) as refused:
        decision_make(
            article=annotation.article,
            sentence=1,
            tag="overstated",
            accept=True,
            editor=editor,
            comment="x" * (DECISION_COMMENT_MAX_CHARS + 1),
        )
    assert refused.value.field == "comment"
    assert Decision.objects.count() == 0


def test_it_refuses_a_reply_to_an_annotation_deleted_meanwhile(annotation, editor):
    Annotation.objects.filter(pk=annotation.pk).delete()
    with pytest.raises(Annotation.DoesNotExist):
        reply_create(annotation=annotation, author=editor, body="Too late")
    assert (Reply.objects.count(), reply_events()) == (0, [])
