"""Adjudication in the services: the grid of who tagged what, decisions, the final
annotations they store or remove, accepting the unanimous tags and finishing."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from claims.models import Annotation, Article, Assignment, Decision, Event
from claims.review.selectors import Proposal, adjudication_grid
from claims.services.annotations import annotation_delete, annotation_update
from claims.services.errors import Rejected
from claims.services.review import (
    adjudication_finish,
    assignments_create,
    decision_make,
    decisions_accept_unanimous,
)
from tests.helpers import annotate_phrase, annotate_sentences

pytestmark = pytest.mark.django_db

# The shared article's sentences (conftest's CLINIC_TEXT):
# 0 [0, 26) "Is stem cell therapy safe?"
# 1 [28, 62) "Our treatment has no side effects."
# 2 [63, 102) "It targets the root cause of arthritis."
# 3 [104, 151) "✅ Prices from $1,500 (2 injections) to $10,000."


@pytest.fixture
def shared(make_article, reviewer, other_reviewer) -> Article:
    """Rita and Omar both call sentence 1 overstated and sentence 3 a price claim (each once
    with a span inside the sentence); only Rita calls sentences 1-2 unsupported, with one
    annotation over both."""
    article = make_article()
    annotate_phrase(reviewer, article, "overstated", "no side effects", note="absolute safety")
    annotate_sentences(reviewer, article, "unsupported", 1, 2, note="no study cited")
    annotate_sentences(reviewer, article, "price-claim", 3, 3)
    annotate_sentences(other_reviewer, article, "overstated", 1, 1, note="no risk is untrue")
    annotate_phrase(other_reviewer, article, "price-claim", "$1,500 (2 injections) to $10,000")
    return article


def proposals_by_sentence(article: Article) -> dict[int, dict[str, Proposal]]:
    grid = adjudication_grid(article=article)
    return {row.index: {p.tag: p for p in row.proposals} for row in grid.rows}


# --- The grid -------------------------------------------------------------------------------


def test_it_maps_each_annotation_to_every_sentence_it_overlaps(shared):
    grid = adjudication_grid(article=shared)

    assert grid.coders == ["omar", "rita"]
    assert [(row.index, row.start, row.end) for row in grid.rows] == [
        (1, 28, 62),
        (2, 63, 102),
        (3, 104, 151),
    ]
    assert [[(cell.coder, cell.tags) for cell in row.cells] for row in grid.rows] == [
        [("omar", ["overstated"]), ("rita", ["unsupported", "overstated"])],
        [("omar", []), ("rita", ["unsupported"])],
        [("omar", ["price-claim"]), ("rita", ["price-claim"])],
    ]
    assert [row.disagreement for row in grid.rows] == [True, True, False]


def test_it_gives_each_reviewer_their_notes_and_the_exact_words_they_chose(shared):
    grid = adjudication_grid(article=shared)

    def marks(row: int, coder: str) -> list[tuple]:
        cell = next(cell for cell in grid.rows[row].cells if cell.coder == coder)
        return [(m.tag, m.start, m.end, m.quote, m.note, m.whole) for m in cell.marks]

    assert marks(0, "rita") == [
        ("unsupported", 28, 102, "Our treatment has no side effects.", "no study cited", True),
        ("overstated", 46, 61, "no side effects", "absolute safety", False),
    ]
    assert marks(0, "omar") == [
        ("overstated", 28, 62, "Our treatment has no side effects.", "no risk is untrue", True)
    ]
    # The annotation over sentences 1-2 covers sentence 2 whole, with its note again.
    assert marks(1, "rita") == [
        ("unsupported", 28, 102, "It targets the root cause of arthritis.", "no study cited", True)
    ]
    # Offsets count code points: the emoji before the price shifts nothing.
    assert marks(2, "omar") == [
        ("price-claim", 118, 150, "$1,500 (2 injections) to $10,000", "", False)
    ]


def test_it_cuts_a_sentence_where_reviewers_exact_spans_begin_and_end(shared):
    rows = adjudication_grid(article=shared).rows

    assert [(piece.text, piece.by) for piece in rows[0].pieces] == [
        ("Our treatment has ", ()),
        ("no side effects", ("rita: Overstated",)),
        (".", ()),
    ]
    # Tags on whole sentences cut nothing.
    assert [(piece.text, piece.by) for piece in rows[1].pieces] == [
        ("It targets the root cause of arthritis.", ())
    ]


def test_overlapping_exact_spans_share_the_runs_they_share(make_article, reviewer, other_reviewer):
    article = make_article()
    annotate_phrase(reviewer, article, "overstated", "no side effects")
    annotate_phrase(other_reviewer, article, "unsupported", "has no side")

    pieces = adjudication_grid(article=article).rows[0].pieces

    assert [(piece.text, piece.by) for piece in pieces] == [
        ("Our treatment ", ()),
        ("has ", ("omar: Unsupported",)),
        ("no side", ("omar: Unsupported", "rita: Overstated")),
        (" effects", ("rita: Overstated",)),
        (".", ()),
    ]


def test_it_proposes_each_tag_with_who_gave_it_in_vocabulary_order(shared):
    first = adjudication_grid(article=shared).rows[0]

    assert first.proposals == [
        Proposal("unsupported", "Unsupported", "#d97706", ("rita",), False, None),
        Proposal("overstated", "Overstated", "#dc2626", ("omar", "rita"), True, None),
    ]


def test_it_counts_what_waits_for_a_decision(shared):
    grid = adjudication_grid(article=shared)

    assert (grid.pending, grid.decided, grid.unanimous_pending, grid.disagreements) == (4, 0, 2, 2)


def test_a_reviewer_who_marked_done_without_tagging_makes_no_tag_unanimous(
    make_article, reviewer, other_reviewer, editor
):
    article = make_article()
    annotate_sentences(reviewer, article, "overstated", 1, 1)
    Assignment.objects.create(
        article=article, reviewer=other_reviewer, assigned_by=editor, done_at=datetime.now(UTC)
    )

    grid = adjudication_grid(article=article)

    assert grid.coders == ["omar", "rita"]
    omar, rita = grid.rows[0].cells
    assert (omar.coder, omar.tags, omar.marks) == ("omar", [], [])
    assert (rita.coder, rita.tags) == ("rita", ["overstated"])
    assert (grid.unanimous_pending, grid.disagreements) == (0, 1)


def test_an_open_assignment_does_not_make_its_reviewer_a_coder(
    make_article, reviewer, other_reviewer, editor
):
    article = make_article()
    annotate_sentences(reviewer, article, "overstated", 1, 1)
    Assignment.objects.create(article=article, reviewer=other_reviewer, assigned_by=editor)

    grid = adjudication_grid(article=article)

    assert grid.coders == ["rita"]
    # With one reviewer there is nobody to agree with: no tag is unanimous.
    assert grid.unanimous_pending == 0
    assert grid.pending == 1


def test_the_grid_ignores_final_annotations_as_votes(shared, editor):
    decision_make(article=shared, sentence=0, tag="unsupported", accept=True, editor=editor)

    grid = adjudication_grid(article=shared)

    assert grid.coders == ["omar", "rita"]
    assert proposals_by_sentence(shared)[0] == {
        "unsupported": Proposal("unsupported", "Unsupported", "#d97706", (), False, True)
    }
    assert grid.pending == 4


# --- Decisions ------------------------------------------------------------------------------


def test_accepting_stores_the_whole_sentence_as_a_final_annotation_with_the_notes(shared, editor):
    decision = decision_make(
        article=shared, sentence=1, tag="overstated", accept=True, editor=editor
    )

    final = Annotation.objects.get(final=True)
    assert (final.start, final.end, final.quote) == (28, 62, "Our treatment has no side effects.")
    assert final.prefix == shared.text[:28][-32:]
    assert final.suffix == shared.text[62:94]
    assert (final.tag.slug, final.author) == ("overstated", editor)
    assert final.note == "omar: no risk is untrue\nrita: absolute safety"
    assert (decision.sentence, decision.tag.slug, decision.accepted) == (1, "overstated", True)
    assert decision.decided_by == editor
    assert proposals_by_sentence(shared)[1]["overstated"].accepted is True


def test_accepting_records_an_event_naming_the_final_annotation(shared, editor):
    decision_make(article=shared, sentence=1, tag="overstated", accept=True, editor=editor)

    event = Event.objects.get(kind=Event.Kind.ACCEPTED)
    assert event.annotation_id == Annotation.objects.get(final=True).pk
    assert (event.article, event.actor) == (shared, editor)
    assert event.data == {"sentence": 1, "tag": "overstated", "start": 28, "end": 62}


def test_a_note_from_an_annotation_over_two_sentences_goes_to_both(shared, editor):
    for sentence in (1, 2):
        decision_make(
            article=shared, sentence=sentence, tag="unsupported", accept=True, editor=editor
        )

    notes = Annotation.objects.filter(final=True).order_by("start").values_list("note", flat=True)
    assert list(notes) == ["rita: no study cited", "rita: no study cited"]


def test_rejecting_after_accepting_removes_the_final_annotation(shared, editor):
    decision_make(article=shared, sentence=1, tag="overstated", accept=True, editor=editor)
    final_id = Annotation.objects.get(final=True).pk

    decision = decision_make(
        article=shared, sentence=1, tag="overstated", accept=False, editor=editor
    )

    assert not Annotation.objects.filter(final=True).exists()
    assert decision.accepted is False
    assert Decision.objects.get().accepted is False
    rejected = Event.objects.get(kind=Event.Kind.REJECTED)
    # The history of the removed final annotation ends with its rejection.
    assert rejected.annotation_id == final_id
    assert Annotation.objects.filter(final=False).count() == 5


def test_rejecting_a_tag_never_accepted_names_no_annotation(shared, editor):
    decision_make(article=shared, sentence=2, tag="unsupported", accept=False, editor=editor)

    rejected = Event.objects.get(kind=Event.Kind.REJECTED)
    assert rejected.annotation_id is None
    assert rejected.data == {"sentence": 2, "tag": "unsupported", "start": 63, "end": 102}
    assert not Annotation.objects.filter(final=True).exists()


def test_accepting_again_after_a_rejection_stores_a_new_final_annotation(shared, editor):
    for accept in (True, False, True):
        decision_make(article=shared, sentence=3, tag="price-claim", accept=accept, editor=editor)

    assert Annotation.objects.filter(final=True).count() == 1
    assert list(Event.objects.filter(kind__in=["accepted", "rejected"]).values_list("kind")) == [
        ("accepted",),
        ("rejected",),
        ("accepted",),
    ]


def test_deciding_the_same_way_twice_changes_and_records_nothing(shared, editor):
    decision_make(article=shared, sentence=1, tag="overstated", accept=True, editor=editor)
    before = (
        list(Decision.objects.values()),
        list(Annotation.objects.values()),
        Event.objects.count(),
    )

    decision_make(article=shared, sentence=1, tag="overstated", accept=True, editor=editor)

    after = (
        list(Decision.objects.values()),
        list(Annotation.objects.values()),
        Event.objects.count(),
    )
    assert after == before


def test_it_refuses_a_sentence_the_article_lacks_and_stores_nothing(shared, editor):
    with pytest.raises(Rejected) as refused:
        decision_make(article=shared, sentence=4, tag="overstated", accept=True, editor=editor)

    assert (refused.value.field, refused.value.code) == ("sentence", "out_of_range")
    assert refused.value.message == (
        f"Article {shared.pk} has no sentence 4: its 4 sentences are numbered 0 to 3."
    )
    assert not Decision.objects.exists()
    assert not Annotation.objects.filter(final=True).exists()


def test_it_refuses_an_unknown_tag_and_stores_nothing(shared, editor):
    events = Event.objects.count()
    with pytest.raises(Rejected) as refused:
        decision_make(article=shared, sentence=1, tag="miracle", accept=True, editor=editor)

    assert (refused.value.field, refused.value.message) == ("tag", "There is no tag “miracle”.")
    assert not Decision.objects.exists()
    assert Event.objects.count() == events


def test_a_final_annotation_changes_only_through_adjudication(shared, editor):
    decision_make(article=shared, sentence=1, tag="overstated", accept=True, editor=editor)
    final = Annotation.objects.get(final=True)

    with pytest.raises(Rejected) as on_update:
        annotation_update(annotation=final, user=final.author, note="my own words")
    with pytest.raises(Rejected) as on_delete:
        annotation_delete(annotation=final, user=final.author)

    assert on_update.value.code == on_delete.value.code == "final"
    final.refresh_from_db()
    assert final.note == "omar: no risk is untrue\nrita: absolute safety"


def test_the_final_annotation_outlives_the_review_annotations_behind_it(shared, editor):
    decision_make(article=shared, sentence=3, tag="price-claim", accept=True, editor=editor)
    for annotation in Annotation.objects.filter(final=False, tag__slug="price-claim"):
        annotation_delete(annotation=annotation, user=annotation.author)

    assert Annotation.objects.filter(final=True, tag__slug="price-claim").count() == 1
    assert proposals_by_sentence(shared)[3]["price-claim"].by == ()


# --- Unanimous tags -------------------------------------------------------------------------


def test_it_accepts_only_the_tags_every_reviewer_gave(shared, editor):
    accepted = decisions_accept_unanimous(article=shared, editor=editor)

    assert sorted((d.sentence, d.tag.slug) for d in accepted) == [
        (1, "overstated"),
        (3, "price-claim"),
    ]
    finals = Annotation.objects.filter(final=True).order_by("start")
    assert [(a.start, a.end, a.tag.slug) for a in finals] == [
        (28, 62, "overstated"),
        (104, 151, "price-claim"),
    ]
    events = Event.objects.filter(kind=Event.Kind.ACCEPTED).order_by("id")
    assert [event.data.get("unanimous") for event in events] == [True, True]
    grid = adjudication_grid(article=shared)
    assert (grid.pending, grid.decided, grid.unanimous_pending) == (2, 2, 0)


def test_accepting_the_unanimous_tags_twice_does_nothing_the_second_time(shared, editor):
    decisions_accept_unanimous(article=shared, editor=editor)
    events = Event.objects.count()

    assert decisions_accept_unanimous(article=shared, editor=editor) == []
    assert Event.objects.count() == events
    assert Annotation.objects.filter(final=True).count() == 2


def test_it_leaves_a_unanimous_tag_the_editor_rejected_rejected(shared, editor):
    decision_make(article=shared, sentence=3, tag="price-claim", accept=False, editor=editor)

    accepted = decisions_accept_unanimous(article=shared, editor=editor)

    assert [(d.sentence, d.tag.slug) for d in accepted] == [(1, "overstated")]
    assert Decision.objects.get(sentence=3).accepted is False
    assert not Annotation.objects.filter(final=True, tag__slug="price-claim").exists()


def test_accepting_unanimous_tags_keeps_each_sentences_reviewer_notes(shared, editor):
    decisions_accept_unanimous(article=shared, editor=editor)

    overstated = Annotation.objects.get(final=True, tag__slug="overstated")
    price = Annotation.objects.get(final=True, tag__slug="price-claim")
    assert overstated.note == "omar: no risk is untrue\nrita: absolute safety"
    assert price.note == ""


def agreed_article(make_article, reviewers: list[User], sentences: int) -> Article:
    """An article whose every sentence both reviewers call overstated, with a note each."""
    text = "\n".join(f"Claim {n} cures arthritis for good." for n in range(sentences))
    article = make_article(text)
    for reviewer in reviewers:
        for index in range(sentences):
            annotate_sentences(reviewer, article, "overstated", index, index, note="absolute")
    return article


@pytest.mark.parametrize("sentences", [2, 25])
def test_it_accepts_unanimous_tags_in_a_fixed_number_of_queries(
    make_article, reviewer, other_reviewer, editor, django_assert_num_queries, sentences
):
    article = agreed_article(make_article, [reviewer, other_reviewer], sentences)

    # The savepoint, the article's lock, the grid (six, the tags among them), then in bulk:
    # the decisions, the final annotations already there, the reviewers' notes, the new
    # final annotations, the events; and the savepoint's release.
    with django_assert_num_queries(14):
        accepted = decisions_accept_unanimous(article=article, editor=editor)

    assert len(accepted) == sentences
    finals = Annotation.objects.filter(article=article, final=True)
    assert finals.count() == sentences
    assert set(finals.values_list("note", flat=True)) == {"omar: absolute\nrita: absolute"}
    assert Event.objects.filter(article=article, kind=Event.Kind.ACCEPTED).count() == sentences


# --- Finishing ------------------------------------------------------------------------------


def test_it_refuses_to_finish_while_tags_wait_for_a_decision(shared, editor):
    decisions_accept_unanimous(article=shared, editor=editor)

    with pytest.raises(Rejected) as refused:
        adjudication_finish(article=shared, editor=editor)

    assert refused.value.code == "pending"
    assert refused.value.message == "2 proposed tag(s) still wait for a decision."
    stored = Article.objects.get()
    assert (stored.status, stored.adjudicated_at, stored.adjudicated_by) == (
        "in_review",
        None,
        None,
    )
    assert not Event.objects.filter(kind=Event.Kind.ADJUDICATED).exists()


def decide_everything(article: Article, editor: User) -> None:
    decisions_accept_unanimous(article=article, editor=editor)
    for sentence in (1, 2):
        decision_make(
            article=article, sentence=sentence, tag="unsupported", accept=False, editor=editor
        )


def test_finishing_makes_the_article_reviewed(shared, editor):
    decide_everything(shared, editor)

    article = adjudication_finish(article=shared, editor=editor)

    stored = Article.objects.get()
    assert stored.status == article.status == Article.Status.REVIEWED
    assert stored.adjudicated_at is not None
    assert article.adjudicated_at == stored.adjudicated_at
    assert stored.adjudicated_by == editor
    event = Event.objects.get(kind=Event.Kind.ADJUDICATED)
    assert (event.actor, event.article, event.annotation_id, event.data) == (
        editor,
        shared,
        None,
        {},
    )


def test_finishing_again_changes_and_records_nothing(shared, editor):
    decide_everything(shared, editor)
    adjudication_finish(article=shared, editor=editor)
    first = Article.objects.values("adjudicated_at", "adjudicated_by", "updated_at").get()

    adjudication_finish(article=Article.objects.get(), editor=editor)

    assert Article.objects.values("adjudicated_at", "adjudicated_by", "updated_at").get() == first
    assert Event.objects.filter(kind=Event.Kind.ADJUDICATED).count() == 1


def test_a_tag_added_after_finishing_waits_for_a_decision_again(shared, editor, reviewer):
    decide_everything(shared, editor)
    adjudication_finish(article=shared, editor=editor)

    annotate_sentences(reviewer, shared, "cited-case-report", 0, 0)

    assert adjudication_grid(article=shared).pending == 1
    with pytest.raises(Rejected):
        adjudication_finish(article=shared, editor=editor)
    assert Event.objects.filter(kind=Event.Kind.ADJUDICATED).count() == 1


def test_an_article_nobody_tagged_can_be_finished_at_once(make_article, editor):
    article = make_article()

    adjudication_finish(article=article, editor=editor)

    assert Article.objects.get().status == Article.Status.REVIEWED


def test_it_refuses_to_assign_someone_who_is_not_a_reviewer(make_article, reviewer, editor):
    article = make_article()

    with pytest.raises(Rejected, match=r"Not a reviewer: edna\."):
        assignments_create(articles=[article], reviewers=[reviewer, editor], editor=editor)

    assert not Assignment.objects.exists()
    assert not Event.objects.filter(kind=Event.Kind.ASSIGNED).exists()
