"""Business rules that write: every function validates first and runs in one transaction."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework.authtoken.models import Token

from claims.bulk_rows import rows_insert
from claims.ingest.errors import IngestError
from claims.ingest.pipeline import parse_document
from claims.ingest.types import BlockKind, ParsedDocument
from claims.models import (
    REVIEWER,
    Annotation,
    Article,
    Assignment,
    Decision,
    Event,
    Sentence,
    Tag,
)
from claims.selectors import adjudication_grid

TITLE_MAX = 300


class DuplicateArticleError(IngestError):
    """The same text is already stored; `article` is the one that has it."""

    DUPLICATE = "duplicate"

    def __init__(self, article: Article) -> None:
        super().__init__(
            self.DUPLICATE,
            f"This content is already stored as article {article.pk} “{article.title}”.",
        )
        self.article = article


@dataclass(frozen=True)
class Upload:
    """Bytes that a user handed in, with the name they came under (may be empty)."""

    data: bytes
    filename: str = ""


def upload_read(*, stream: BinaryIO, filename: str = "", size: int | None = None) -> Upload:
    """Read an upload, refusing one over MAX_UPLOAD_MB without reading it all."""
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise _too_large(size)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(None)
    return Upload(data=data, filename=filename)


def _too_large(size: int | None) -> IngestError:
    what = f"{size / 1024 / 1024:.1f} MB" if size is not None else "too large"
    return IngestError(
        IngestError.TOO_LARGE,
        f"The file is {what}; the limit is {settings.MAX_UPLOAD_MB} MB.",
    )


def article_ingest(
    *,
    upload: Upload,
    user: AbstractBaseUser | None,
    title: str = "",
    publisher: str = "",
    source_url: str = "",
) -> Article:
    """Store an article and its sentences, or raise IngestError (saving nothing)."""
    if len(upload.data) > settings.MAX_UPLOAD_BYTES:
        raise _too_large(len(upload.data))
    parsed = parse_document(upload.data, filename=upload.filename)
    sha256 = hashlib.sha256(parsed.text.encode("utf-8")).hexdigest()
    existing = Article.objects.filter(content_sha256=sha256).first()
    if existing is not None:
        raise DuplicateArticleError(existing)
    try:
        with transaction.atomic():
            article = _article_create(
                parsed=parsed,
                upload=upload,
                sha256=sha256,
                user=user,
                title=title,
                publisher=publisher,
                source_url=source_url,
            )
    except IntegrityError:
        # Lost a race with an identical upload: report the winner, as above.
        winner = Article.objects.filter(content_sha256=sha256).first()
        if winner is None:
            raise
        raise DuplicateArticleError(winner) from None
    return article


def _article_create(
    *,
    parsed: ParsedDocument,
    upload: Upload,
    sha256: str,
    user: AbstractBaseUser | None,
    title: str,
    publisher: str,
    source_url: str,
) -> Article:
    article = Article.objects.create(
        title=_title_for(parsed, given=title, filename=upload.filename),
        publisher=publisher.strip(),
        source_url=source_url.strip(),
        original_filename=PurePath(upload.filename).name[:255],
        media_type=parsed.media_type.value,
        original_size=len(upload.data),
        text=parsed.text,
        text_length=len(parsed.text),
        content_sha256=sha256,
        language=parsed.language[:16],
        created_by=user if user is not None and user.is_authenticated else None,
    )
    article.original_file.name = _original_store(upload.data, sha256=sha256)
    article.save(update_fields=["original_file"])
    _sentences_store(article=article, parsed=parsed)
    return article


_SENTENCE_COLUMNS = ("article_id", "index", "block", "start", "end", "text", "kind")


def _sentences_store(*, article: Article, parsed: ParsedDocument) -> None:
    """Insert the sentences in bulk, below the ORM: building 16,000 model instances for a
    1 MB article costs seconds, while PostgreSQL's COPY takes a tenth of one."""
    rows = [
        (article.pk, s.index, block, s.start, s.end, s.text, s.kind.value)
        for s, block in zip(parsed.sentences, _block_numbers(parsed), strict=True)
    ]
    rows_insert(model=Sentence, columns=_SENTENCE_COLUMNS, rows=rows)


def _block_numbers(parsed: ParsedDocument) -> list[int]:
    """Number each sentence's block: blocks are joined by a blank line, and a block never
    contains a line break, so a line break between two sentences starts a new block."""
    numbers, block, previous_end = [], 0, None
    for sentence in parsed.sentences:
        if previous_end is not None and "\n" in parsed.text[previous_end : sentence.start]:
            block += 1
        numbers.append(block)
        previous_end = sentence.end
    return numbers


def _original_store(data: bytes, *, sha256: str) -> str:
    """Keep the uploaded bytes under a content-addressed name.

    The name depends only on the content, so a file left behind by a rolled-back
    transaction is simply reused by the next identical upload.
    """
    name = f"originals/{sha256[:2]}/{sha256}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


def _title_for(parsed: ParsedDocument, *, given: str, filename: str) -> str:
    candidates = [
        given,
        parsed.title,
        next((s.text for s in parsed.sentences if s.kind == BlockKind.HEADING), ""),
        PurePath(filename).stem.replace("_", " ").replace("-", " ") if filename else "",
        parsed.sentences[0].text if parsed.sentences else "",
    ]
    title = next((c.strip() for c in candidates if c and c.strip()), "Untitled article")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    return title


# --- Articles -------------------------------------------------------------------------------

ARTICLE_EDITABLE_FIELDS = ("title", "publisher", "source_url", "status")


def article_update(*, article: Article, **changes: str) -> Article:
    """Change an article's metadata; its text (and so every offset) never changes."""
    unknown = set(changes) - set(ARTICLE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    if "title" in changes and not changes["title"].strip():
        raise ArticleRejected("title", "The title cannot be blank.")
    if "status" in changes and changes["status"] not in Article.Status.values:
        raise ArticleRejected("status", f"Unknown status “{changes['status']}”.")
    for field, value in changes.items():
        setattr(article, field, value.strip() if field != "status" else value)
    with transaction.atomic():
        article.save(update_fields=[*changes, "updated_at"])
    return article


def article_delete(*, article: Article) -> None:
    """Delete an article with its sentences and annotations; its stored original goes too
    once the deletion has committed."""
    original = article.original_file.name
    with transaction.atomic():
        article.delete()
        if original:
            transaction.on_commit(lambda: default_storage.delete(original))


class ArticleRejected(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


# --- Annotations ----------------------------------------------------------------------------

CONTEXT_CHARS = 32
NOTE_MAX_CHARS = 10_000


class AnnotationRejected(ValueError):
    """An annotation that cannot be stored; `field` names the input at fault."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


class DuplicateAnnotationError(AnnotationRejected):
    def __init__(self, existing_id: int | None) -> None:
        where = f" (annotation {existing_id})" if existing_id else " earlier in this request"
        super().__init__(
            "non_field_errors",
            f"You have already given this span this tag{where}.",
            code="duplicate",
        )
        self.existing_id = existing_id


class AnnotationBatchRejected(ValueError):
    """Some items of a bulk request were refused; `errors` maps item number to its error."""

    def __init__(self, errors: dict[int, AnnotationRejected]) -> None:
        super().__init__(f"{len(errors)} annotation(s) refused")
        self.errors = errors


@dataclass(frozen=True)
class AnnotationDraft:
    """What a caller asks for: a span given either as code-point offsets or as an inclusive
    range of sentence numbers, which the server turns into offsets."""

    article_id: int
    tag: str
    start: int | None = None
    end: int | None = None
    sentences: tuple[int, int] | None = None
    note: str = ""


def annotation_create(*, author: AbstractBaseUser, draft: AnnotationDraft) -> Annotation:
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


def annotations_bulk_create(
    *, author: AbstractBaseUser, drafts: list[AnnotationDraft]
) -> list[Annotation]:
    """Store all the drafts or none: every draft is checked (with a fixed number of queries,
    whatever their count) before the first row is written."""
    context = _DraftContext.load(drafts, author=author)
    built, errors = _drafts_built(drafts, context=context, author=author)
    if errors:
        raise AnnotationBatchRejected(errors)
    try:
        return _annotations_insert(built, context=context)
    except IntegrityError:
        # Another request stored some of these between our check and our insert: check again
        # to name them.
        context = _DraftContext.load(drafts, author=author)
        _, errors = _drafts_built(drafts, context=context, author=author)
        raise AnnotationBatchRejected(errors or {0: DuplicateAnnotationError(None)}) from None


def _drafts_built(
    drafts: list[AnnotationDraft], *, context: "_DraftContext", author: AbstractBaseUser
) -> tuple[list[Annotation], dict[int, AnnotationRejected]]:
    """The annotations the drafts make, and the errors of those that make none (including
    a repeat of an earlier draft in the same batch)."""
    built: list[Annotation] = []
    errors: dict[int, AnnotationRejected] = {}
    seen: set[tuple[int, int, int, int]] = set()
    for number, draft in enumerate(drafts):
        try:
            annotation = context.build(draft, author=author)
            key = (annotation.article_id, annotation.start, annotation.end, annotation.tag_id)
            if key in seen:
                raise DuplicateAnnotationError(None)
            seen.add(key)
            built.append(annotation)
        except AnnotationRejected as error:
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
        _events_record(_annotation_event(a, Event.Kind.CREATED) for a in created)
        if new:
            Article.objects.filter(pk__in=new, status=Article.Status.NEW).update(
                status=Article.Status.IN_REVIEW
            )
    return created


class _DraftContext:
    """Everything needed to check a batch of drafts, fetched in at most four queries."""

    def __init__(self, articles, tags, sentence_spans, existing) -> None:
        self.articles: dict[int, Article] = articles
        self.tags: dict[str, Tag] = tags
        self.sentence_spans: dict[tuple[int, int], tuple[int, int]] = sentence_spans
        self.existing: dict[tuple[int, int, int, int], int] = existing

    @classmethod
    def load(
        cls, drafts: list[AnnotationDraft], *, author: AbstractBaseUser, with_existing: bool = True
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
            rows = (
                Annotation.objects.filter(author=author, article_id__in=article_ids, final=False)
                .order_by()
                .values_list("article_id", "start", "end", "tag_id", "id")
            )
            existing = {(a, s, e, t): pk for a, s, e, t, pk in rows}
        return cls(articles, tags, spans, existing)

    def build(self, draft: AnnotationDraft, *, author: AbstractBaseUser) -> Annotation:
        article = self.articles.get(draft.article_id)
        if article is None:
            raise AnnotationRejected(
                "article", f"There is no article {draft.article_id}.", code="does_not_exist"
            )
        tag = _tag_for_new_annotation(self.tags.get(draft.tag), slug=draft.tag)
        start, end = self._span(draft, article)
        existing = self.existing.get((article.pk, start, end, tag.pk))
        if existing is not None:
            raise DuplicateAnnotationError(existing)
        return _annotation_for_span(
            article=article,
            start=start,
            end=end,
            tag=tag,
            note=_note_checked(draft.note),
            author=author,
        )

    def _span(self, draft: AnnotationDraft, article: Article) -> tuple[int, int]:
        if draft.sentences is not None:
            first, last = draft.sentences
            if first > last:
                raise AnnotationRejected(
                    "sentences", f"The first sentence ({first}) comes after the last ({last})."
                )
            for index in (first, last):
                if (article.pk, index) not in self.sentence_spans:
                    count = Sentence.objects.filter(article=article).count()
                    raise AnnotationRejected(
                        "sentences",
                        f"Article {article.pk} has no sentence {index}: its {count} sentences "
                        f"are numbered 0 to {count - 1}.",
                        code="out_of_range",
                    )
            spans = self.sentence_spans
            return spans[article.pk, first][0], spans[article.pk, last][1]
        return _checked_offsets(draft.start, draft.end, text=article.text)


def _checked_offsets(start: int | None, end: int | None, *, text: str) -> tuple[int, int]:
    if start is None or end is None:
        raise AnnotationRejected(
            "non_field_errors",
            "Give either `sentences` or both `start` and `end`.",
            code="required",
        )
    if start < 0:
        raise AnnotationRejected("start", f"start ({start}) cannot be negative.", "out_of_range")
    if end > len(text):
        raise AnnotationRejected(
            "end",
            f"end ({end}) is past the end of the article text ({len(text)}).",
            code="out_of_range",
        )
    if start >= end:
        raise AnnotationRejected("start", f"start ({start}) must be less than end ({end}).")
    if not text[start:end].strip():
        raise AnnotationRejected("start", f"The span {start}–{end} holds only whitespace.")
    return start, end


def _note_checked(note: str) -> str:
    if len(note) > NOTE_MAX_CHARS:
        raise AnnotationRejected("note", f"The note is longer than {NOTE_MAX_CHARS} characters.")
    return note


def _tag_for_new_annotation(tag: Tag | None, *, slug: str) -> Tag:
    if tag is None:
        known = ", ".join(Tag.objects.filter(archived=False).values_list("slug", flat=True))
        raise AnnotationRejected(
            "tag", f"There is no tag “{slug}”. Tags in use: {known}.", code="does_not_exist"
        )
    if tag.archived:
        raise AnnotationRejected(
            "tag", f"The tag “{slug}” is archived and takes no new annotations.", code="archived"
        )
    return tag


def _annotation_for_span(
    *, article: Article, start: int, end: int, tag: Tag, note: str, author: AbstractBaseUser
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
    )


def annotation_update(
    *, annotation: Annotation, tag: str | None = None, note: str | None = None
) -> Annotation:
    """Change an annotation's tag and/or note; its span never moves. The change is recorded
    with what it replaced."""
    _review_layer_only(annotation)
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
            stored.note = _note_checked(note)
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
        _events_record([_annotation_event(annotation, Event.Kind.CHANGED, data=data)])


def annotation_delete(*, annotation: Annotation) -> None:
    """Delete an annotation; its history stays, ending with what it was when deleted."""
    _review_layer_only(annotation)
    with transaction.atomic():
        deleted, _ = Annotation.objects.filter(pk=annotation.pk).delete()
        if deleted:  # a request that lost a race with another delete records nothing
            _events_record([_annotation_event(annotation, Event.Kind.DELETED)])


def _review_layer_only(annotation: Annotation) -> None:
    if annotation.final:
        raise AnnotationRejected(
            "non_field_errors",
            "A final annotation changes only through adjudication.",
            code="final",
        )


def annotation_snapshot(annotation: Annotation) -> dict[str, Any]:
    """What the history keeps of an annotation: enough to show it after it is deleted."""
    return {
        "tag": annotation.tag.slug,
        "note": annotation.note,
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "final": annotation.final,
    }


def _annotation_event(
    annotation: Annotation, kind: str, *, data: dict[str, Any] | None = None
) -> Event:
    """An event by the annotation's author; `data` defaults to the annotation as it is."""
    return Event(
        article_id=annotation.article_id,
        annotation_id=annotation.pk,
        actor_id=annotation.author_id,
        kind=kind,
        data=annotation_snapshot(annotation) if data is None else data,
    )


def _events_record(events) -> None:
    Event.objects.bulk_create(events, batch_size=1000)


# --- Assignments ----------------------------------------------------------------------------


class AssignmentRejected(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def assignments_create(
    *, articles: list[Article], reviewers: list[AbstractBaseUser], editor: AbstractBaseUser
) -> list[Assignment]:
    """Assign every article to every reviewer; pairs already assigned are left as they are.
    Returns the new assignments."""
    in_role = set(
        Group.objects.filter(name=REVIEWER, user__in=reviewers).values_list("user", flat=True)
    )
    not_reviewers = [user.get_username() for user in reviewers if user.pk not in in_role]
    if not_reviewers:
        raise AssignmentRejected(
            "reviewers", f"Not a reviewer: {', '.join(sorted(not_reviewers))}."
        )
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
            Assignment(article_id=a, reviewer_id=r, assigned_by=editor)
            for a, r in sorted(wanted - taken)
        ]
        Assignment.objects.bulk_create(new, ignore_conflicts=True)
        _events_record(
            Event(
                article_id=a.article_id,
                actor=editor,
                kind=Event.Kind.ASSIGNED,
                data={"reviewer": _username(a.reviewer_id, reviewers)},
            )
            for a in new
        )
    return new


def _username(pk: int, users: list[AbstractBaseUser]) -> str:
    return next(user.get_username() for user in users if user.pk == pk)


def assignment_delete(*, assignment: Assignment, editor: AbstractBaseUser) -> None:
    with transaction.atomic():
        deleted, _ = Assignment.objects.filter(pk=assignment.pk).delete()
        if deleted:
            _events_record(
                [
                    Event(
                        article_id=assignment.article_id,
                        actor=editor,
                        kind=Event.Kind.UNASSIGNED,
                        data={"reviewer": assignment.reviewer.get_username()},
                    )
                ]
            )


def assignment_mark(*, assignment: Assignment, done: bool, user: AbstractBaseUser) -> Assignment:
    """A reviewer says their review of the article is done (or not done after all)."""
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
        _events_record(
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


class AdjudicationRejected(ValueError):
    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def decision_make(
    *, article: Article, sentence: int, tag: str, accept: bool, editor: AbstractBaseUser
) -> Decision:
    """Accept or reject one tag for one sentence. Accepting stores the final annotation (the
    whole sentence, with the reviewers' notes on it); rejecting removes it. Deciding the same
    way twice changes nothing and records nothing."""
    with transaction.atomic():
        _article_locked(article)
        span, chosen = _sentence_checked(article, sentence), _tag_checked(tag)
        return _decide(article=article, span=span, tag=chosen, accept=accept, editor=editor)


def decisions_accept_unanimous(*, article: Article, editor: AbstractBaseUser) -> list[Decision]:
    """Accept, in one step, every undecided tag that every reviewer of the article gave."""
    with transaction.atomic():
        _article_locked(article)
        tags = {tag.slug: tag for tag in Tag.objects.all()}
        return [
            _decide(
                article=article,
                # The grid's row is the sentence: no need to read it again.
                span=Sentence(index=row.index, start=row.start, end=row.end, text=row.text),
                tag=tags[proposal.tag],
                accept=True,
                editor=editor,
                unanimous=True,
            )
            for row in adjudication_grid(article=article).rows
            for proposal in row.proposals
            if proposal.unanimous and proposal.accepted is None
        ]


def adjudication_finish(*, article: Article, editor: AbstractBaseUser) -> Article:
    """Close the adjudication: every proposed tag must have a decision. The article becomes
    reviewed, and its reviewers may now see the final tags."""
    with transaction.atomic():
        stored = _article_locked(article)
        pending = adjudication_grid(article=article).pending
        if pending:
            raise AdjudicationRejected(
                "non_field_errors",
                f"{pending} proposed tag(s) still wait for a decision.",
                code="pending",
            )
        # Finishing a finished adjudication (two editors at once, a second click) is a no-op:
        # one "adjudicated" event, and the first finish's time and editor stay.
        if stored.adjudicated_at is None or stored.status != Article.Status.REVIEWED:
            _adjudication_close(article=article, editor=editor)
    article.refresh_from_db(fields=["adjudicated_at", "adjudicated_by", "status", "updated_at"])
    return article


def _adjudication_close(*, article: Article, editor: AbstractBaseUser) -> None:
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        adjudicated_at=now,
        adjudicated_by=editor,
        status=Article.Status.REVIEWED,
        updated_at=now,
    )
    _events_record([Event(article_id=article.pk, actor=editor, kind=Event.Kind.ADJUDICATED)])


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
        count = Sentence.objects.filter(article=article).count()
        raise AdjudicationRejected(
            "sentence",
            f"Article {article.pk} has no sentence {index}: its {count} sentences are "
            f"numbered 0 to {count - 1}.",
            code="out_of_range",
        )
    return span


def _tag_checked(slug: str) -> Tag:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise AdjudicationRejected("tag", f"There is no tag “{slug}”.", code="does_not_exist")
    return tag


def _decide(
    *,
    article: Article,
    span: Sentence,
    tag: Tag,
    accept: bool,
    editor: AbstractBaseUser,
    unanimous: bool = False,
) -> Decision:
    decision = Decision.objects.filter(article=article, sentence=span.index, tag=tag).first()
    if decision is not None and decision.accepted == accept:
        return decision
    if decision is None:
        decision = Decision(article=article, sentence=span.index, tag=tag)
    decision.accepted, decision.decided_by = accept, editor
    decision.save()
    final = _final_set(article=article, span=span, tag=tag, accept=accept, editor=editor)
    data = {"sentence": span.index, "tag": tag.slug, "start": span.start, "end": span.end}
    if unanimous:
        data["unanimous"] = True
    _events_record(
        [
            Event(
                article_id=article.pk,
                annotation_id=final,
                actor=editor,
                kind=Event.Kind.ACCEPTED if accept else Event.Kind.REJECTED,
                data=data,
            )
        ]
    )
    return decision


def _final_set(
    *, article: Article, span: Sentence, tag: Tag, accept: bool, editor: AbstractBaseUser
) -> int | None:
    """Store or remove the final annotation for a sentence and tag; its id."""
    existing = Annotation.objects.filter(
        article=article, start=span.start, end=span.end, tag=tag, final=True
    ).first()
    if not accept:
        if existing is not None:
            removed = existing.pk  # delete() sets the instance's pk to None
            existing.delete()
            return removed
        return None
    if existing is not None:
        return existing.pk
    final = _annotation_for_span(
        article=article,
        start=span.start,
        end=span.end,
        tag=tag,
        note=_reviewers_notes(article=article, span=span, tag=tag),
        author=editor,
    )
    final.final = True
    final.save()
    return final.pk


def _reviewers_notes(*, article: Article, span: Sentence, tag: Tag) -> str:
    """The notes reviewers left on this tag over this sentence, each under their name."""
    notes = (
        Annotation.objects.filter(
            article=article, tag=tag, final=False, start__lt=span.end, end__gt=span.start
        )
        .exclude(note="")
        .order_by("author__username", "start")
        .values_list("author__username", "note")
    )
    return "\n".join(f"{author}: {note}" for author, note in notes)[:NOTE_MAX_CHARS]


# --- Vocabulary -----------------------------------------------------------------------------

TAG_ORDER_MAX = 32767  # a PositiveSmallIntegerField on every database
TAG_FIELDS = ("name", "definition", "colour", "shortcut", "order", "archived")


class TagRejected(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def tag_create(
    *,
    slug: str,
    name: str,
    definition: str,
    colour: str,
    shortcut: str = "",
    order: int | None = None,
) -> Tag:
    if Tag.objects.filter(slug=slug).exists():
        raise TagRejected("slug", f"A tag with the slug “{slug}” already exists.")
    if order is None:
        top = Tag.objects.aggregate(top=Max("order"))["top"] or 0
        order = min(top + 1, TAG_ORDER_MAX)
    tag = Tag(slug=slug, name=name, definition=definition, colour=colour, order=order)
    return _tag_save(tag, {"shortcut": shortcut}, create=True)


def tag_update(*, tag: Tag, **changes: Any) -> Tag:
    """Edit the vocabulary; the slug stays, because it is the tag's published IRI."""
    unknown = set(changes) - set(TAG_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    return _tag_save(tag, changes, create=False)


def _tag_save(tag: Tag, changes: dict[str, Any], *, create: bool) -> Tag:
    for field, value in changes.items():
        setattr(tag, field, value)
    _tag_check(tag)
    try:
        with transaction.atomic():
            if create:
                tag.save()
            else:
                tag.save(update_fields=list(changes))
    except IntegrityError:
        raise TagRejected("non_field_errors", "Another tag has this name or shortcut.") from None
    return tag


def _tag_check(tag: Tag) -> None:
    if not tag.name.strip():
        raise TagRejected("name", "The name cannot be blank.")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", tag.colour or ""):
        raise TagRejected("colour", f"“{tag.colour}” is not a colour like #c0392b.")
    if tag.shortcut and not re.fullmatch(r"[1-9]", tag.shortcut):
        raise TagRejected("shortcut", "A shortcut is one digit from 1 to 9 (or empty).")
    others = Tag.objects.exclude(pk=tag.pk)
    if others.filter(name__iexact=tag.name.strip()).exists():
        raise TagRejected("name", f"Another tag is already called “{tag.name}”.")
    taken = tag.shortcut and others.filter(shortcut=tag.shortcut).first()
    if taken:
        raise TagRejected("shortcut", f"Shortcut {tag.shortcut} already belongs to “{taken.name}”.")


def tag_retire(*, tag: Tag) -> bool:
    """Delete an unused tag; archive one that annotations use. True when it was deleted."""
    with transaction.atomic():
        if tag.annotations.exists():
            tag.archived = True
            tag.save(update_fields=["archived"])
            return False
        tag.delete()
        return True


# --- API tokens -----------------------------------------------------------------------------


def token_regenerate(*, user: AbstractBaseUser) -> Token:
    """Give the user a new API token, revoking the old one."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def token_revoke(*, user: AbstractBaseUser) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
