"""Importing a corpus file written by export_corpus (the native JSONL or JSON format): tags,
articles with their sentences, reviewers, annotations and their replies, all of it or
nothing."""

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from claims.bulk_rows import rows_insert
from claims.exports.jsonl import (
    CorpusFileError,
    article_problem,
    checked_fields,
    checked_header,
    moment,
    span_problem,
)
from claims.exports.rows import CHUNK_SIZE
from claims.ingest.fingerprints import fingerprints
from claims.models import REPLY_MAX_CHARS, REVIEWER, Annotation, Article, Reply, Sentence, Tag
from claims.services.annotations import CONTEXT_CHARS, NOTE_MAX_CHARS
from claims.services.articles import article_fingerprints_store
from claims.services.errors import Rejected
from claims.similar.normalise import claim_text

SENTENCE_COLUMNS = ("article_id", "index", "block", "start", "end", "text", "kind", "claim_text")
ANNOTATION_COLUMNS = (
    *("article_id", "start", "end", "quote", "prefix", "suffix", "tag_id", "note"),
    *("author_id", "final", "created_at", "updated_at"),
)
ARTICLE_COPIED_FIELDS = (
    *("title", "publisher", "source_url", "original_filename", "media_type", "original_size"),
    *("content_sha256", "language", "status", "text"),
)

# What makes an annotation the same one: (article, start, end, tag, final, author), with no
# author for a final one, of which there is one per span and tag whoever accepted it.
AnnotationKey = tuple[int, int, int, int, bool, int | None]


def corpus_import(*, records: Iterable[tuple[str, dict[str, Any]]]) -> Counter:
    """Import the (where, record) pairs of a corpus file in one transaction; returns how many
    of each kind were created or found already here. A faulty record refuses the whole file
    (Rejected on `file`, naming where the fault is) and nothing is stored."""
    try:
        with transaction.atomic():
            return CorpusImport().run(records)
    except CorpusFileError as error:
        raise Rejected("file", str(error), "invalid_corpus") from None


class CorpusImport:
    """One import's state: what the file has named so far and what exists already."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.users: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.articles: dict[str, tuple[int, str]] = {}  # sha256 -> (pk, text)
        self.existing: set[AnnotationKey] = set()  # annotations of articles already here
        self.pending: list[tuple[Any, ...]] = []

    def run(self, records: Iterable[tuple[str, dict[str, Any]]]) -> Counter:
        records = iter(records)
        first = next(records, None)
        if first is None:
            raise CorpusFileError("The file is empty.")
        checked_header(first[1], where=first[0])
        steps = {
            "tag": self.tag,
            "article": self.article,
            "annotation": self.annotation,
            "reply": self.reply,
        }
        try:
            for where, record in records:
                kind, fields = checked_fields(record, where=where)
                steps[kind](fields, where=where)
            self.flush()
        # COPY on PostgreSQL raises the driver's own error, not Django's wrapper.
        except (IntegrityError, connection.Database.IntegrityError) as error:  # type: ignore[attr-defined]
            raise CorpusFileError(f"the database refused a row: {error}") from None
        return self.counts

    # --- Tags and users ---

    def tag(self, fields: dict[str, Any], *, where: str) -> None:
        tag = Tag.objects.filter(slug=fields["slug"]).first() or Tag()
        self.counts["tags updated" if tag.pk else "tags created"] += 1
        for key, value in fields.items():
            setattr(tag, key, value)
        _valid(tag, where=where)
        tag.save()
        self.tags[tag.slug] = tag.pk

    def tag_id(self, slug: str, *, where: str) -> int:
        if slug not in self.tags:
            pk = Tag.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if pk is None:
                raise CorpusFileError(f"{where}: there is no tag “{slug}” here or in the file.")
            self.tags[slug] = pk
        return self.tags[slug]

    def user_id(self, username: str, *, where: str) -> int:
        if username not in self.users:
            User = get_user_model()
            pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
            self.users[username] = pk or self.user_create(username, where=where)
        return self.users[username]

    def user_create(self, username: str, *, where: str) -> int:
        user = get_user_model()(username=username)
        user.set_unusable_password()
        _valid(user, where=where)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=REVIEWER)[0])
        self.counts["users created"] += 1
        return user.pk

    # --- Articles ---

    def article(self, fields: dict[str, Any], *, where: str) -> None:
        problem = article_problem(fields)
        if problem:
            raise CorpusFileError(f"{where}: the article “{fields['title']}”: {problem}.")
        sha, text = fields["content_sha256"], fields["text"]
        present = Article.objects.filter(content_sha256=sha).values_list("pk", flat=True).first()
        if present is not None:
            self.articles[sha] = (present, text)
            self.existing |= set(_annotation_keys(Annotation.objects.filter(article_id=present)))
            self.counts["articles present"] += 1
            return
        self.articles[sha] = (self.article_create(fields, where=where), text)
        self.counts["articles created"] += 1

    def article_create(self, fields: dict[str, Any], *, where: str) -> int:
        article = Article(**{key: fields[key] for key in ARTICLE_COPIED_FIELDS})
        article.text_length = len(article.text)
        if fields["created_by"]:
            article.created_by_id = self.user_id(fields["created_by"], where=where)
        _valid(article, where=where)
        article.save()
        # The model stamps both on save; an import keeps the originals.
        Article.objects.filter(pk=article.pk).update(**self.article_moments(fields, where=where))
        rows = [
            (article.pk, index, block, start, end, text, kind, claim_text(text))
            for index, start, end, kind, block in fields["sentences"]
            for text in (article.text[start:end],)
        ]
        rows_insert(model=Sentence, columns=SENTENCE_COLUMNS, rows=rows)
        # Indexed for the near-duplicate look-up like any upload; an import itself is never
        # refused as one: it restores what an export held.
        hashes = fingerprints(row[5] for row in rows)
        article_fingerprints_store(article_id=article.pk, hashes=hashes)
        return article.pk

    def article_moments(self, fields: dict[str, Any], *, where: str) -> dict[str, Any]:
        """When the article was added and last changed, and when and by whom its adjudication
        was finished (if it was)."""
        created = moment(fields["created_at"], where=where)
        updated = moment(fields["updated_at"], where=where) if fields["updated_at"] else created
        moments: dict[str, Any] = {"created_at": created, "updated_at": updated}
        if fields["adjudicated_at"]:
            moments["adjudicated_at"] = moment(fields["adjudicated_at"], where=where)
        if fields["adjudicated_by"]:
            moments["adjudicated_by_id"] = self.user_id(fields["adjudicated_by"], where=where)
        return moments

    # --- Annotations ---

    def annotation(self, fields: dict[str, Any], *, where: str) -> None:
        article_pk, text = self.article_for(fields["article"], where=where)
        problem = span_problem(fields, text=text)
        if problem is None and len(fields["note"]) > NOTE_MAX_CHARS:
            problem = f"its note is longer than {NOTE_MAX_CHARS:,} characters"
        if problem:
            raise CorpusFileError(f"{where}: the annotation cannot be imported: {problem}.")
        start, end = fields["start"], fields["end"]
        tag_id = self.tag_id(fields["tag"], where=where)
        author_id = self.user_id(fields["author"], where=where)
        final = fields["final"]
        if _annotation_key(article_pk, start, end, tag_id, author_id, final) in self.existing:
            self.counts["annotations present"] += 1
            return
        created = moment(fields["created_at"], where=where)
        updated = moment(fields["updated_at"], where=where) if fields["updated_at"] else created
        adapt = connection.ops.adapt_datetimefield_value
        self.pending.append(
            (
                *(article_pk, start, end, text[start:end]),
                *(text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]),
                *(tag_id, fields["note"], author_id, final, adapt(created), adapt(updated)),
            )
        )
        if len(self.pending) >= CHUNK_SIZE:
            self.flush()

    def article_for(self, sha: str, *, where: str) -> tuple[int, str]:
        if sha not in self.articles:
            article = Article.objects.filter(content_sha256=sha).only("pk", "text").first()
            if article is None:
                raise CorpusFileError(
                    f"{where}: the annotation's article ({sha}) is neither earlier in the file "
                    "nor here."
                )
            self.articles[sha] = (article.pk, article.text)
            self.existing |= set(_annotation_keys(article.annotations.all()))
        return self.articles[sha]

    def flush(self) -> None:
        """Insert the annotations read so far, bypassing the model: it would stamp them with
        the time of the import."""
        if self.pending:
            rows_insert(model=Annotation, columns=ANNOTATION_COLUMNS, rows=self.pending)
            self.counts["annotations created"] += len(self.pending)
            self.pending = []

    # --- Replies ---

    def reply(self, fields: dict[str, Any], *, where: str) -> None:
        """A reply, under the annotation it names (in the file or here already); one that is
        here already (same annotation, author, time and text) is left as it is."""
        self.flush()  # the replies' annotations come before them in the file
        annotation_id = self.replied_annotation(fields["annotation"], where=where)
        body = fields["body"].strip()
        if not body or len(body) > REPLY_MAX_CHARS:
            raise CorpusFileError(
                f"{where}: the reply's text is empty or longer than {REPLY_MAX_CHARS:,} characters."
            )
        author_id = self.user_id(fields["author"], where=where)
        created = moment(fields["created_at"], where=where)
        edited = moment(fields["edited_at"], where=where) if fields["edited_at"] else None
        same = Reply.objects.filter(
            annotation_id=annotation_id, author_id=author_id, created_at=created, body=body
        )
        if same.exists():
            self.counts["replies present"] += 1
            return
        reply = Reply.objects.create(annotation_id=annotation_id, author_id=author_id, body=body)
        # The model stamps created_at on insert; an import keeps the original.
        Reply.objects.filter(pk=reply.pk).update(created_at=created, edited_at=edited)
        self.counts["replies created"] += 1

    def replied_annotation(self, key: Any, *, where: str) -> int:
        try:
            article, start, end = key["article"], key["start"], key["end"]
            tag, author, final = key["tag"], key["author"], key["final"]
        except (KeyError, TypeError):
            raise CorpusFileError(
                f"{where}: the reply's “annotation” must name its article, start, end, tag, "
                "author and final."
            ) from None
        article_pk, _ = self.article_for(article, where=where)
        rows = Annotation.objects.filter(
            article_id=article_pk, start=start, end=end, tag_id=self.tag_id(tag, where=where)
        ).filter(final=bool(final))
        if not final:
            rows = rows.filter(author_id=self.user_id(author, where=where))
        pk = rows.values_list("pk", flat=True).first()
        if pk is None:
            raise CorpusFileError(
                f"{where}: the reply's annotation is neither earlier in the file nor here."
            )
        return pk


def _annotation_key(
    article_id: int, start: int, end: int, tag_id: int, author_id: int, final: bool
) -> AnnotationKey:
    return (article_id, start, end, tag_id, final, None if final else author_id)


def _annotation_keys(annotations: models.QuerySet[Annotation]) -> Iterator[AnnotationKey]:
    rows = annotations.order_by().values_list(
        "article_id", "start", "end", "tag_id", "author_id", "final"
    )
    return (_annotation_key(*row) for row in rows)


def _valid(instance: models.Model, *, where: str) -> None:
    """The model's own field checks (lengths, choices, formats), said as one sentence."""
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        name = instance._meta.verbose_name
        raise CorpusFileError(f"{where}: the {name} cannot be imported: {problems}") from None
