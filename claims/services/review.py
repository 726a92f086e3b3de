"""The review workflow's writes: editors assign articles to reviewers, reviewers mark their
review done, editors accept or reject each proposed tag and finish the adjudication."""

from collections import defaultdict

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import REVIEWER, Annotation, Article, Assignment, Decision, Event, Sentence, Tag
from claims.review.selectors import adjudication_grid, sentences_under_reviews
from claims.services.annotations import NOTE_MAX_CHARS, annotation_for_span, no_such_sentence
from claims.services.errors import Conflict, Forbidden, Rejected
from claims.services.events import events_record

# --- Assignments ----------------------------------------------------------------------------


def assignments_create(
    *, articles: list[Article], reviewers: list[User], editor: User, blind: bool = False
) -> list[Assignment]:
    """Assign every article to every reviewer (`blind`: they see no suggested tags); pairs
    already assigned are left as they are. Returns the new assignments."""
    in_role = set(
        Group.objects.filter(name=REVIEWER, user__in=reviewers).values_list("user", flat=True)
    )
    not_reviewers = [user.get_username() for user in reviewers if user.pk not in in_role]
    if not_reviewers:
        raise Rejected("reviewers", f"Not a reviewer: {', '.join(sorted(not_reviewers))}.")
    wanted = {(article.pk, user.pk) for article in articles for user in reviewers}
    with transaction.atomic():
        # Two requests assigning the same article run one after the other, or both would find
        # a pair free and both record it. (NO KEY UPDATE: reviewers annotating it don't wait.)
        locked = Article.objects.select_for_update(no_key=True).filter(
            pk__in=[article.pk for article in articles]
        )
        list(locked.order_by("pk").values_list("pk", flat=True))
        taken = set(
            Assignment.objects.filter(article__in=articles, reviewer__in=reviewers).values_list(
                "article_id", "reviewer_id"
            )
        )
        new = [
            Assignment(article_id=a, reviewer_id=r, assigned_by=editor, blind=blind)
            for a, r in sorted(wanted - taken)
        ]
        Assignment.objects.bulk_create(new, ignore_conflicts=True)
        events_record(
            Event(
                article_id=a.article_id,
                actor=editor,
                kind=Event.Kind.ASSIGNED,
                data={"reviewer": _username(a.reviewer_id, reviewers)},
            )
            for a in new
        )
    return new


def _username(pk: int, users: list[User]) -> str:
    return next(user.get_username() for user in users if user.pk == pk)


def assignment_delete(*, assignment: Assignment, editor: User) -> None:
    with transaction.atomic():
        deleted, _ = Assignment.objects.filter(pk=assignment.pk).delete()
        if deleted:
            events_record(
                [
                    Event(
                        article_id=assignment.article_id,
                        actor=editor,
                        kind=Event.Kind.UNASSIGNED,
                        data={"reviewer": assignment.reviewer.get_username()},
                    )
                ]
            )


def assignment_mark(*, assignment: Assignment, done: bool, user: User) -> Assignment:
    """A reviewer says their review of the article is done (or not done after all); nobody
    else may say it for them."""
    if assignment.reviewer_id != user.pk:
        raise Forbidden("Only the assigned reviewer marks their review done.")
    with transaction.atomic():
        # Read under a lock, so that two clicks at once record the change once.
        stored = Assignment.objects.select_for_update().only("done_at").get(pk=assignment.pk)
        # (Assignment.DoesNotExist when it was removed meanwhile: the API answers 404.)
        assignment.done_at = stored.done_at
        if done == (stored.done_at is not None):
            return assignment
        assignment.done_at = timezone.now() if done else None
        assignment.save(update_fields=["done_at"])
        kind = Event.Kind.REVIEW_DONE if done else Event.Kind.REVIEW_REOPENED
        reviewer = assignment.reviewer.get_username()
        events_record(
            [
                Event(
                    article_id=assignment.article_id,
                    actor=user,
                    kind=kind,
                    data={"reviewer": reviewer},
                )
            ]
        )
    return assignment


# --- Adjudication ---------------------------------------------------------------------------


DECISION_COMMENT_MAX_CHARS = 5_000


def decision_make(
    *,
    article: Article,
    sentence: int,
    tag: str,
    accept: bool,
    editor: User,
    comment: str | None = None,
) -> Decision:
    """Accept or reject one tag for one sentence. Accepting stores the final annotation (the
    whole sentence, with the reviewers' notes on it); rejecting removes it. Deciding the same
    way twice changes nothing and records nothing. A `comment` (the editor's reason, "" to
    remove it) is stored with the decision and recorded when it changes."""
    checked = None if comment is None else decision_comment_checked(comment)
    with transaction.atomic():
        _article_locked(article)
        span, chosen = _sentence_checked(article, sentence), _tag_checked(tag)
        decision = _decide(article=article, span=span, tag=chosen, accept=accept, editor=editor)
        if checked is not None and checked != decision.comment:
            _comment_store(decision, comment=checked, span=span, editor=editor)
        return decision


def decision_comment_checked(comment: str) -> str:
    trimmed = comment.strip()
    if len(trimmed) > DECISION_COMMENT_MAX_CHARS:
        raise Rejected(
            "comment",
            f"The comment is {len(trimmed):,} characters long; at most "
            f"{DECISION_COMMENT_MAX_CHARS:,} fit.",
            code="max_length",
        )
    return trimmed


def _comment_store(decision: Decision, *, comment: str, span: Sentence, editor: User) -> None:
    """Store the comment without touching `decided_at`: the verdict did not change."""
    before = decision.comment
    Decision.objects.filter(pk=decision.pk).update(comment=comment)
    decision.comment = comment
    data = {"sentence": span.index, "tag": decision.tag.slug, "start": span.start}
    data |= {"end": span.end, "before": {"comment": before}, "after": {"comment": comment}}
    event = Event(
        article_id=decision.article_id, actor=editor, kind=Event.Kind.COMMENTED, data=data
    )
    events_record([event])


def decisions_accept_unanimous(*, article: Article, editor: User) -> list[Decision]:
    """Accept, in one step, every undecided tag that every reviewer of the article gave: a
    fixed number of queries however many there are."""
    with transaction.atomic():
        _article_locked(article)
        grid = adjudication_grid(article=article)
        chosen = [
            (row, proposal.tag)
            for row in grid.rows
            for proposal in row.proposals
            if proposal.unanimous and proposal.accepted is None
        ]
        if not chosen:
            return []
        tags = grid.tags
        # The grid's rows are the sentences: no need to read them again.
        spans = [
            (Sentence(index=row.index, start=row.start, end=row.end, text=row.text), tags[slug])
            for row, slug in chosen
        ]
        # Undecided means no Decision row yet, and the article's lock keeps it so.
        decisions = Decision.objects.bulk_create(
            Decision(
                article=article, sentence=span.index, tag=tag, accepted=True, decided_by=editor
            )
            for span, tag in spans
        )
        finals = _finals_store(article=article, spans=spans, editor=editor)
        events_record(
            _decision_event(
                article=article,
                span=span,
                tag=tag,
                accept=True,
                editor=editor,
                final=finals[span.index, tag.pk],
                unanimous=True,
            )
            for span, tag in spans
        )
    return decisions


def adjudication_finish(*, article: Article, editor: User) -> Article:
    """Close the adjudication: every proposed tag must have a decision. The article becomes
    reviewed, and its reviewers may now see the final tags."""
    with transaction.atomic():
        stored = _article_locked(article)
        pending = adjudication_grid(article=article).pending
        if pending:
            raise Conflict(f"{pending} proposed tag(s) still wait for a decision.", code="pending")
        # Finishing a finished adjudication (two editors at once, a second click) is a no-op:
        # one "adjudicated" event, and the first finish's time and editor stay.
        if stored.adjudicated_at is None or stored.status != Article.Status.REVIEWED:
            _adjudication_close(article=article, editor=editor)
    article.refresh_from_db(fields=["adjudicated_at", "adjudicated_by", "status", "updated_at"])
    return article


def _adjudication_close(*, article: Article, editor: User) -> None:
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        adjudicated_at=now,
        adjudicated_by=editor,
        status=Article.Status.REVIEWED,
        updated_at=now,
    )
    events_record([Event(article_id=article.pk, actor=editor, kind=Event.Kind.ADJUDICATED)])


def _article_locked(article: Article) -> Article:
    """Adjudication steps on one article run one at a time: each holds the article's row.
    Returns the row as stored, read under the lock. (NO KEY UPDATE: reviewers saving
    annotations on the article meanwhile do not wait for it.)"""
    return (
        Article.objects.select_for_update(no_key=True)
        .only("pk", "status", "adjudicated_at")
        .get(pk=article.pk)
    )


def _sentence_checked(article: Article, index: int) -> Sentence:
    span = Sentence.objects.filter(article=article, index=index).first()
    if span is None:
        raise no_such_sentence("sentence", article=article, index=index)
    return span


def _tag_checked(slug: str) -> Tag:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Rejected("tag", f"There is no tag “{slug}”.", code="does_not_exist")
    return tag


def _decide(*, article: Article, span: Sentence, tag: Tag, accept: bool, editor: User) -> Decision:
    decision = Decision.objects.filter(article=article, sentence=span.index, tag=tag).first()
    if decision is not None and decision.accepted == accept:
        return decision
    if decision is None:
        decision = Decision(article=article, sentence=span.index, tag=tag)
    decision.accepted, decision.decided_by = accept, editor
    decision.save()
    final_id: int | None
    if accept:
        final = _finals_store(article=article, spans=[(span, tag)], editor=editor)
        final_id = final[span.index, tag.pk]
    else:
        final_id = _final_remove(article=article, span=span, tag=tag)
    event = _decision_event(
        article=article, span=span, tag=tag, accept=accept, editor=editor, final=final_id
    )
    events_record([event])
    return decision


def _decision_event(
    *,
    article: Article,
    span: Sentence,
    tag: Tag,
    accept: bool,
    editor: User,
    final: int | None,
    unanimous: bool = False,
) -> Event:
    data = {"sentence": span.index, "tag": tag.slug, "start": span.start, "end": span.end}
    if unanimous:
        data["unanimous"] = True
    return Event(
        article_id=article.pk,
        annotation_id=final,
        actor=editor,
        kind=Event.Kind.ACCEPTED if accept else Event.Kind.REJECTED,
        data=data,
    )


def _final_remove(*, article: Article, span: Sentence, tag: Tag) -> int | None:
    """Remove the final annotation for a sentence and tag; the id it had, if there was one."""
    existing = Annotation.objects.filter(
        article=article, start=span.start, end=span.end, tag=tag, final=True
    ).first()
    if existing is None:
        return None
    removed = existing.pk  # delete() sets the instance's pk to None
    existing.delete()
    return removed


def _finals_store(
    *, article: Article, spans: list[tuple[Sentence, Tag]], editor: User
) -> dict[tuple[int, int], int]:
    """Make sure each (sentence, tag) has its final annotation, carrying the reviewers' notes;
    their ids by (sentence index, tag id). Three queries, whatever the number of spans."""
    rows = Annotation.objects.filter(
        article=article, final=True, tag__in={tag for _, tag in spans}
    ).values_list("start", "end", "tag_id", "pk")
    existing = {(start, end, tag_id): pk for start, end, tag_id, pk in rows}
    missing = [(span, tag) for span, tag in spans if (span.start, span.end, tag.pk) not in existing]
    notes = _reviewers_notes(article=article, spans=missing) if missing else {}
    new = []
    for span, tag in missing:
        final = annotation_for_span(
            article=article,
            start=span.start,
            end=span.end,
            tag=tag,
            note=notes.get((span.index, tag.pk), ""),
            author=editor,
        )
        final.final = True
        new.append(final)
    for final in Annotation.objects.bulk_create(new):
        existing[final.start, final.end, final.tag_id] = final.pk
    return {(span.index, tag.pk): existing[span.start, span.end, tag.pk] for span, tag in spans}


def _reviewers_notes(
    *, article: Article, spans: list[tuple[Sentence, Tag]]
) -> dict[tuple[int, int], str]:
    """The notes reviewers left on each tag over each sentence, each under their name, by
    (sentence index, tag id): one query for all the spans."""
    wanted = {(span.index, tag.pk) for span, tag in spans}
    rows = (
        sentences_under_reviews(
            Q(article=article, index__in={index for index, _ in wanted}),
            article__annotations__tag__in={tag for _, tag in spans},
            article__annotations__note__gt="",
        )
        .order_by("article__annotations__author__username", "article__annotations__start")
        .values_list(
            "index",
            "article__annotations__tag_id",
            "article__annotations__author__username",
            "article__annotations__note",
        )
    )
    lines: dict[tuple[int, int], list[str]] = defaultdict(list)
    for index, tag_id, author, note in rows:
        if (index, tag_id) in wanted:
            lines[index, tag_id].append(f"{author}: {note}")
    return {key: "\n".join(found)[:NOTE_MAX_CHARS] for key, found in lines.items()}
