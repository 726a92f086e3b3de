"""Suggested tags in the database: computing them with the active version, accepting,
dismissing, undoing, blind passes, and corpus runs."""

import pytest
from django.db import IntegrityError

from claims.models import (
    Annotation,
    Assignment,
    Event,
    SuggesterVersion,
    Suggestion,
    SuggestionReview,
    SuggestionRun,
    Tag,
)
from claims.services.errors import Conflict, Forbidden, Rejected
from claims.services.suggestions import (
    article_suggestions_blind,
    assignment_blind,
    suggester_activate,
    suggester_active,
    suggestion_accept,
    suggestion_dismiss,
    suggestion_reopen,
    suggestion_run_execute,
    suggestions_accept_tag,
    suggestions_compute,
    suggestions_hidden_for,
    suggestions_reopen,
)
from claims.suggest.suggest import Suggestion as Suggested
from tests.helpers import annotate_sentences, suggested

pytestmark = pytest.mark.django_db


def test_a_fresh_install_has_the_shipped_version_active():
    active = SuggesterVersion.objects.get(active=True)
    assert active.version.startswith("default")
    assert suggester_active() == active
    assert set(active.figures) >= {"heldout", "cv"}


def test_it_suggests_a_price_claim_for_the_price_sentence_out_of_the_box(make_article):
    article = make_article()
    stored = suggestions_compute(article=article)
    assert stored == Suggestion.objects.filter(article=article).count() > 0
    price = Suggestion.objects.get(article=article, tag__slug="price-claim", sentence=3)
    assert price.shown
    assert "$1,500" in price.reason
    sentence = article.sentences.get(index=3)
    assert (price.start, price.end) == (sentence.start, sentence.end)


def test_it_never_shows_a_suggestion_on_the_question_heading(make_article):
    article = make_article()
    suggestions_compute(article=article)
    assert not Suggestion.objects.filter(article=article, sentence=0, shown=True).exists()


def test_it_computes_an_articles_suggestions_once_per_version(make_article):
    article = make_article()
    first = suggestions_compute(article=article)
    assert suggestions_compute(article=article) == 0
    assert Suggestion.objects.filter(article=article).count() == first


def test_it_keeps_the_set_a_concurrent_run_stored_first(make_article, monkeypatch):
    article = make_article()
    suggestions_compute(article=article)
    first = set(Suggestion.objects.filter(article=article).values_list("pk", flat=True))
    # A second worker that checked before the first one stored: its COPY meets the rows.
    monkeypatch.setattr(
        "claims.services.suggestions.Suggestion.objects.filter",
        _exists_never_then_real(Suggestion.objects.filter),
    )
    assert suggestions_compute(article=article) == 0
    assert set(Suggestion.objects.filter(article=article).values_list("pk", flat=True)) == first


def test_a_row_the_model_got_wrong_is_an_error_not_a_silent_skip(make_article, monkeypatch):
    article = make_article()
    wrong = [Suggested(sentence=3, tag="price-claim", score=1.5, reason="", shown=True)]
    monkeypatch.setattr("claims.services.suggestions.suggest", lambda *a, **k: wrong)
    with pytest.raises(IntegrityError):
        suggestions_compute(article=article)
    assert not Suggestion.objects.filter(article=article).exists()


def _exists_never_then_real(real_filter):
    """`filter()` whose first `.exists()` answers False, as it did before the rows arrived."""
    calls = {"count": 0}

    def patched(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        calls["count"] += 1
        if calls["count"] == 1:
            return queryset.none()
        return queryset

    return patched


def test_it_leaves_archived_tags_out(make_article):
    Tag.objects.filter(slug="price-claim").update(archived=True)
    article = make_article()
    suggestions_compute(article=article)
    assert not Suggestion.objects.filter(article=article, tag__slug="price-claim").exists()


def test_accepting_makes_the_reviewers_own_annotation_of_the_sentence(make_article, reviewer):
    article = make_article()
    suggestion = suggested(article, 1, "overstated")
    annotation = suggestion_accept(suggestion=suggestion, user=reviewer)
    assert annotation.author == reviewer
    assert annotation.from_suggestion
    assert annotation.quote == article.sentences.get(index=1).text
    review = SuggestionReview.objects.get(suggestion=suggestion, reviewer=reviewer)
    assert (review.state, review.annotation) == ("accepted", annotation)
    assert Event.objects.filter(annotation_id=annotation.pk, kind=Event.Kind.CREATED).exists()


def test_accepting_a_tag_the_reviewer_already_gave_links_their_annotation(make_article, reviewer):
    article = make_article()
    by_hand = annotate_sentences(reviewer, article, "overstated", 1, 1)
    suggestion = suggested(article, 1, "overstated")
    assert suggestion_accept(suggestion=suggestion, user=reviewer) == by_hand
    assert Annotation.objects.filter(article=article).count() == 1
    suggestion_reopen(suggestion=suggestion, user=reviewer)
    assert Annotation.objects.filter(pk=by_hand.pk).exists()  # made by hand: undo keeps it


def test_it_refuses_a_second_answer_to_the_same_suggestion(make_article, reviewer):
    suggestion = suggested(make_article(), 1, "overstated")
    suggestion_dismiss(suggestion=suggestion, user=reviewer)
    with pytest.raises(Conflict, match="already dismissed"):
        suggestion_accept(suggestion=suggestion, user=reviewer)
    assert not Annotation.objects.exists()


def test_each_reviewer_answers_for_themselves(make_article, reviewer, other_reviewer):
    suggestion = suggested(make_article(), 1, "overstated")
    suggestion_dismiss(suggestion=suggestion, user=reviewer)
    annotation = suggestion_accept(suggestion=suggestion, user=other_reviewer)
    assert annotation.author == other_reviewer
    states = dict(SuggestionReview.objects.values_list("reviewer__username", "state"))
    assert states == {"rita": "dismissed", "omar": "accepted"}


def test_undoing_an_accept_deletes_the_annotation_it_made(make_article, reviewer):
    suggestion = suggested(make_article(), 1, "overstated")
    annotation = suggestion_accept(suggestion=suggestion, user=reviewer)
    suggestion_reopen(suggestion=suggestion, user=reviewer)
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    assert not SuggestionReview.objects.exists()
    assert Event.objects.filter(annotation_id=annotation.pk, kind=Event.Kind.DELETED).exists()


def test_undoing_an_open_suggestion_is_refused(make_article, reviewer):
    suggestion = suggested(make_article(), 1, "overstated")
    with pytest.raises(Conflict, match="neither accepted nor dismissed"):
        suggestion_reopen(suggestion=suggestion, user=reviewer)


def test_a_dismissal_holds_for_the_same_sentence_and_tag_under_a_new_version(
    make_article, reviewer
):
    article = make_article()
    old = suggested(article, 1, "overstated")
    suggestion_dismiss(suggestion=old, user=reviewer)
    newer = SuggesterVersion.objects.create(version="test-2", weights="{}")
    again = suggested(article, 1, "overstated", version=newer)
    with pytest.raises(Conflict, match="already dismissed"):
        suggestion_dismiss(suggestion=again, user=reviewer)


def test_accepting_a_whole_tag_skips_answered_and_already_tagged_sentences(make_article, reviewer):
    article = make_article()
    first, second, third = (suggested(article, i, "unsupported") for i in (1, 2, 3))
    suggested(article, 3, "price-claim")
    suggested(article, 0, "unsupported", score=0.3)  # below its threshold: never shown
    suggestion_dismiss(suggestion=first, user=reviewer)
    annotate_sentences(reviewer, article, "unsupported", 3, 3)
    unsupported = Tag.objects.get(slug="unsupported")
    accepted = suggestions_accept_tag(article=article, tag=unsupported, user=reviewer)
    assert [s.pk for s, _ in accepted] == [second.pk]
    assert all(a.from_suggestion and a.tag == unsupported for _, a in accepted)
    assert not SuggestionReview.objects.filter(suggestion=third).exists()


def test_undoing_a_whole_tag_accept_reopens_each_and_deletes_their_annotations(
    make_article, reviewer
):
    article = make_article()
    for i in (1, 2):
        suggested(article, i, "unsupported")
    tag = Tag.objects.get(slug="unsupported")
    accepted = suggestions_accept_tag(article=article, tag=tag, user=reviewer)
    reopened = suggestions_reopen(article=article, ids=[s.pk for s, _ in accepted], user=reviewer)
    assert reopened == 2
    assert not Annotation.objects.exists()
    assert not SuggestionReview.objects.exists()


def test_undoing_suggestions_of_another_article_is_refused_whole(make_article, reviewer):
    mine = suggested(make_article(), 1, "overstated")
    other = suggested(make_article("Stem cells cure everything.\n"), 0, "overstated")
    suggestion_dismiss(suggestion=mine, user=reviewer)
    with pytest.raises(Rejected, match=f"no suggestion {other.pk}"):
        suggestions_reopen(article=mine.article, ids=[mine.pk, other.pk], user=reviewer)
    assert SuggestionReview.objects.filter(suggestion=mine).exists()


def test_a_blind_assignment_hides_suggestions_from_that_reviewer_only(
    make_article, reviewer, other_reviewer, editor
):
    article = make_article()
    Assignment.objects.create(article=article, reviewer=reviewer, blind=True)
    Assignment.objects.create(article=article, reviewer=other_reviewer)
    assert suggestions_hidden_for(article=article, user=reviewer)
    assert not suggestions_hidden_for(article=article, user=other_reviewer)
    suggestion = suggested(article, 1, "overstated")
    with pytest.raises(Forbidden, match="blind"):
        suggestion_accept(suggestion=suggestion, user=reviewer)
    assert not Annotation.objects.exists()


def test_a_blind_article_hides_suggestions_from_reviewers_but_not_editors(
    make_article, reviewer, editor
):
    article = article_suggestions_blind(article=make_article(), blind=True)
    assert suggestions_hidden_for(article=article, user=reviewer)
    assert not suggestions_hidden_for(article=article, user=editor)


def test_only_an_editor_makes_an_assignment_blind(make_article, reviewer, editor):
    assignment = Assignment.objects.create(article=make_article(), reviewer=reviewer)
    with pytest.raises(Forbidden, match="Only an editor"):
        assignment_blind(assignment=assignment, blind=True, user=reviewer)
    assignment_blind(assignment=assignment, blind=True, user=editor)
    assignment.refresh_from_db()
    assert assignment.blind


def test_activating_a_version_deactivates_the_other():
    shipped = suggester_active()
    newer = SuggesterVersion.objects.create(version="test-2", weights="{}")
    run = suggester_activate(version=newer, user=None)
    assert list(SuggesterVersion.objects.filter(active=True)) == [newer]
    assert (run.model, run.state) == (newer, "queued")
    assert suggester_activate(version=newer, user=None) == run  # the run under way
    shipped.refresh_from_db()
    assert not shipped.active


def test_a_corpus_run_suggests_for_every_article_without_suggestions(make_article):
    done = make_article()
    suggestions_compute(article=done)
    waiting = [make_article(f"Our clinic cured {n} patients completely.\n") for n in range(3)]
    run = SuggestionRun.objects.create(model=suggester_active(), total=3)
    finished = suggestion_run_execute(run=run, progress_every=1)
    assert (finished.state, finished.done, finished.total) == ("finished", 3, 3)
    assert finished.finished_at is not None
    for article in waiting:
        assert Suggestion.objects.filter(article=article).exists()


def test_a_failed_run_records_its_error(make_article):
    make_article()
    broken = SuggesterVersion.objects.create(version="broken", weights="not json")
    run = SuggestionRun.objects.create(model=broken, total=1)
    with pytest.raises(ValueError):
        suggestion_run_execute(run=run)
    run.refresh_from_db()
    assert run.state == "failed"
    assert run.error
