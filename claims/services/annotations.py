"""Annotations: a reviewer's tag (and note) on a span of an article, created one at a time or
in batches, changed and deleted only by their author, every step recorded in the history."""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from claims.models import Annotation, Article, Event, Sentence, Tag
from claims.services.errors import BatchRejected, Conflict, Forbidden, Rejected
from claims.services.events import annotation_event, annotation_snapshot, events_record

CONTEXT_CHARS = 32
NOTE_MAX_CHARS = 10_000


class DuplicateAnnotationError(Conflict):
    """The author already gave this span this tag: `existing_id` is that annotation (None
    when the repeat is earlier in the same batch)."""

    def __init__(self, existing_id: int | None) -> None:
        where = f" (annotation {existing_id})" if existing_id else " earlier in this request"
        super().__init__(
            f"You have already given this span this tag{where}.",
            code="duplicate",
            annotation=existing_id,
        )
        self.existing_id = existing_id


@dataclass(frozen=True)
class AnnotationDraft:
    """What a caller asks for: a span given either as code-point offsets or as an inclusive
    range of sentence numbers, which the server turns into offsets. A `quote`, when given, must
    be the text the span covers (a W3C TextQuoteSelector's `exact`)."""

    article_id: int
    tag: str
    start: int | None = None
    end: int | None = None
    sentences: tuple[int, int] | None = None
    note: str = ""
    from_suggestion: bool = False
    quote: str | None = None


def annotation_create(*, author: User, draft: AnnotationDraft) -> Annotation:
    """Store one annotation. Unlike a batch, it skips the look-up of existing ones: the unique
    constraint refuses a duplicate, and only then is the existing row looked up."""
    context = _DraftContext.load([draft], author=author, with_existing=False)
    annotation = context.build(draft, author=author)
    try:
        return _annotations_insert([annotation], context=context)[0]
    except IntegrityError:
        existing = _same_annotation(annotation, tag=annotation.tag)
        if existing is None:
            raise
        raise DuplicateAnnotationError(existing) from None


def _same_annotation(annotation: Annotation, *, tag: Tag) -> int | None:
    """The id of the author's annotation with this span and `tag`, if there is one."""
    return (
        Annotation.objects.filter(
            article_id=annotation.article_id,
            start=annotation.start,
            end=annotation.end,
            tag=tag,
            author_id=annotation.author_id,
            final=False,
        )
        .values_list("pk", flat=True)
        .first()
    )


def annotations_bulk_create(*, author: User, drafts: list[AnnotationDraft]) -> list[Annotation]:
    """Store all the drafts or none: every draft is checked (with a fixed number of queries,
    whatever their count) before the first row is written."""
    context = _DraftContext.load(drafts, author=author)
    built, errors = _drafts_built(drafts, context=context, author=author)
    if errors:
        raise BatchRejected("annotations", errors, count=len(drafts))
    try:
        return _annotations_insert(built, context=context)
    except IntegrityError:
        # Another request stored some of these between our check and our insert: check again
        # to name them.
        context = _DraftContext.load(drafts, author=author)
        _, errors = _drafts_built(drafts, context=context, author=author)
        errors = errors or {0: DuplicateAnnotationError(None)}
        raise BatchRejected("annotations", errors, count=len(drafts)) from None


def _drafts_built(
    drafts: list[AnnotationDraft], *, context: "_DraftContext", author: User
) -> tuple[list[Annotation], dict[int, Rejected]]:
    """The annotations the drafts make, and the errors of those that make none (including
    a repeat of an earlier draft in the same batch)."""
    built: list[Annotation] = []
    errors: dict[int, Rejected] = {}
    seen: set[tuple[int, int, int, int]] = set()
    for number, draft in enumerate(drafts):
        try:
            annotation = context.build(draft, author=author)
            key = (annotation.article_id, annotation.start, annotation.end, annotation.tag_id)
            if key in seen:
                raise DuplicateAnnotationError(None)
            seen.add(key)
            built.append(annotation)
        except Rejected as error:
            errors[number] = error
    return built, errors


def _annotations_insert(
    annotations: list[Annotation], *, context: "_DraftContext"
) -> list[Annotation]:
    """Insert, and move new articles to "in review" (a query only when one is still new)."""
    new = {
        a.article_id
        for a in annotations
        if context.articles[a.article_id].status == Article.Status.NEW
    }
    with transaction.atomic():
        created = Annotation.objects.bulk_create(annotations, batch_size=1000)
        events_record(annotation_event(a, Event.Kind.CREATED) for a in created)
        clusters_update_queue(article_ids={a.article_id for a in created})
        if new:
            Article.objects.filter(pk__in=new, status=Article.Status.NEW).update(
                status=Article.Status.IN_REVIEW
            )
    return created


def clusters_update_queue(*, article_ids: set[int]) -> None:
    """Once the transaction commits, bring the claim clusters up to date with the sentences
    of these articles that were just tagged (in the worker: it compares with the corpus)."""
    from claims.tasks import clusters_update_articles  # the task module imports services

    if article_ids:
        transaction.on_commit(partial(clusters_update_articles.enqueue, sorted(article_ids)))


class _DraftContext:
    """Everything needed to check a batch of drafts, fetched in at most four queries."""

    def __init__(self, articles, tags, sentence_spans, existing) -> None:
        self.articles: dict[int, Article] = articles
        self.tags: dict[str, Tag] = tags
        self.sentence_spans: dict[tuple[int, int], tuple[int, int]] = sentence_spans
        self.existing: dict[tuple[int, int, int, int], int] = existing

    @classmethod
    def load(
        cls, drafts: list[AnnotationDraft], *, author: User, with_existing: bool = True
    ) -> "_DraftContext":
        article_ids = {d.article_id for d in drafts}
        articles = Article.objects.only("id", "text", "status").in_bulk(article_ids)
        tags = {t.slug: t for t in Tag.objects.filter(slug__in={d.tag for d in drafts})}
        indexes = {i for d in drafts if d.sentences for i in d.sentences}
        spans = {}
        if indexes:
            rows = (
                Sentence.objects.filter(
                    article_id__in={d.article_id for d in drafts if d.sentences}, index__in=indexes
                )
                .order_by()
                .values_list("article_id", "index", "start", "end")
            )
            spans = {(a, i): (s, e) for a, i, s, e in rows}
        existing = {}
        if with_existing:
            annotations = (
                Annotation.objects.filter(author=author, article_id__in=article_ids, final=False)
                .order_by()
                .values_list("article_id", "start", "end", "tag_id", "id")
            )
            existing = {(a, s, e, t): pk for a, s, e, t, pk in annotations}
        return cls(articles, tags, spans, existing)

    def build(self, draft: AnnotationDraft, *, author: User) -> Annotation:
        article = self.articles.get(draft.article_id)
        if article is None:
            raise Rejected(
                "article", f"There is no article {draft.article_id}.", code="does_not_exist"
            )
        tag = _tag_for_new_annotation(self.tags.get(draft.tag), slug=draft.tag)
        start, end = self._span(draft, article)
        if draft.quote is not None:
            _quote_check(draft.quote, text=article.text, start=start, end=end)
        existing = self.existing.get((article.pk, start, end, tag.pk))
        if existing is not None:
            raise DuplicateAnnotationError(existing)
        return annotation_for_span(
            article=article,
            start=start,
            end=end,
            tag=tag,
            note=note_checked(draft.note),
            author=author,
            from_suggestion=draft.from_suggestion,
        )

    def _span(self, draft: AnnotationDraft, article: Article) -> tuple[int, int]:
        if draft.sentences is not None:
            first, last = draft.sentences
            if first > last:
                raise Rejected(
                    "sentences", f"The first sentence ({first}) comes after the last ({last})."
                )
            for index in (first, last):
                if (article.pk, index) not in self.sentence_spans:
                    raise no_such_sentence("sentences", article=article, index=index)
            spans = self.sentence_spans
            return spans[article.pk, first][0], spans[article.pk, last][1]
        return _checked_offsets(draft.start, draft.end, text=article.text)


def no_such_sentence(field: str, *, article: Article, index: int) -> Rejected:
    """The refusal of a sentence number the article does not have, naming the ones it has."""
    count = Sentence.objects.filter(article=article).count()
    return Rejected(
        field,
        f"Article {article.pk} has no sentence {index}: its {count} sentences are "
        f"numbered 0 to {count - 1}.",
        code="out_of_range",
    )


def _checked_offsets(start: int | None, end: int | None, *, text: str) -> tuple[int, int]:
    if start is None or end is None:
        raise Rejected(
            "non_field_errors",
            "Give either `sentences` or both `start` and `end`.",
            code="required",
        )
    if start < 0:
        raise Rejected("start", f"start ({start}) cannot be negative.", "out_of_range")
    if end > len(text):
        raise Rejected(
            "end",
            f"end ({end}) is past the end of the article text ({len(text)}).",
            code="out_of_range",
        )
    if start >= end:
        raise Rejected("start", f"start ({start}) must be less than end ({end}).")
    if not text[start:end].strip():
        raise Rejected("start", f"The span {start}–{end} holds only whitespace.")
    return start, end


def _quote_check(quote: str, *, text: str, start: int, end: int) -> None:
    """Refuse a span whose text is not the quote the client saw: its copy of the article
    differs from ours, or it counted offsets another way (UTF-16 units, say)."""
    if text[start:end] != quote:
        raise Rejected(
            "quote",
            f"The quote “{_shortened(quote)}” is not the text at {start}–{end}, which reads "
            f"“{_shortened(text[start:end])}”.",
            code="quote_mismatch",
        )


def _shortened(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def note_checked(note: str) -> str:
    if len(note) > NOTE_MAX_CHARS:
        raise Rejected("note", f"The note is longer than {NOTE_MAX_CHARS} characters.")
    return note


def _tag_for_new_annotation(tag: Tag | None, *, slug: str) -> Tag:
    if tag is None:
        known = ", ".join(Tag.objects.filter(archived=False).values_list("slug", flat=True))
        raise Rejected(
            "tag", f"There is no tag “{slug}”. Tags in use: {known}.", code="does_not_exist"
        )
    if tag.archived:
        raise Rejected(
            "tag", f"The tag “{slug}” is archived and takes no new annotations.", code="archived"
        )
    return tag


def annotation_for_span(
    *,
    article: Article,
    start: int,
    end: int,
    tag: Tag,
    note: str,
    author: User,
    from_suggestion: bool = False,
) -> Annotation:
    text = article.text
    return Annotation(
        article_id=article.pk,
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        tag=tag,
        note=note,
        author=author,
        from_suggestion=from_suggestion,
    )


def annotation_update(
    *,
    annotation: Annotation,
    user: User,
    tag: str | None = None,
    note: str | None = None,
) -> Annotation:
    """Change an annotation's tag and/or note; its span never moves. The change is recorded
    with what it replaced. Annotation.DoesNotExist when it was deleted meanwhile."""
    _changeable_check(annotation, user=user)
    with transaction.atomic():
        # Lock the row so the history's "before" is what this change replaced. Only this row:
        # locking the joined tag too would hold up everyone using the tag, and deadlock with an
        # adjudication step that holds the article and stores an annotation with that tag.
        stored = (
            Annotation.objects.select_for_update(of=("self",))
            .select_related("tag")
            .get(pk=annotation.pk)
        )
        before = annotation_snapshot(stored)
        changed = []
        if tag is not None and tag != stored.tag.slug:
            new_tag = _tag_for_new_annotation(Tag.objects.filter(slug=tag).first(), slug=tag)
            clash = _same_annotation(stored, tag=new_tag)
            if clash is not None:
                raise DuplicateAnnotationError(clash)
            stored.tag = new_tag
            changed.append("tag")
        if note is not None:
            stored.note = note_checked(note)
            changed.append("note")
        if changed:
            try:
                with transaction.atomic():
                    stored.save(update_fields=[*changed, "updated_at"])
            except IntegrityError:
                raise DuplicateAnnotationError(None) from None
            _change_record(stored, before=before)
    annotation.tag, annotation.note, annotation.updated_at = (
        stored.tag,
        stored.note,
        stored.updated_at,
    )
    return annotation


def _change_record(annotation: Annotation, *, before: dict[str, Any]) -> None:
    after = annotation_snapshot(annotation)
    fields = [field for field in after if after[field] != before[field]]
    if fields:
        data = {
            "before": {field: before[field] for field in fields},
            "after": {field: after[field] for field in fields},
        }
        events_record([annotation_event(annotation, Event.Kind.CHANGED, data=data)])


def annotation_delete(*, annotation: Annotation, user: User) -> None:
    """Delete an annotation; its history stays, ending with what it was when deleted."""
    _changeable_check(annotation, user=user)
    with transaction.atomic():
        deleted, _ = Annotation.objects.filter(pk=annotation.pk).delete()
        if deleted:  # a request that lost a race with another delete records nothing
            events_record([annotation_event(annotation, Event.Kind.DELETED)])


def _changeable_check(annotation: Annotation, *, user: User) -> None:
    """Only its author changes or deletes an annotation, and nobody a final one."""
    if annotation.final:
        raise Forbidden(
            "A final annotation changes only through adjudication: accept or reject the "
            "tag on the article's adjudication page.",
            code="final",
        )
    if annotation.author_id != user.pk:
        raise Forbidden("Only its author may change or delete an annotation.")
