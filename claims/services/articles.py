"""Articles: reading an upload, storing it as an article with its sentences, editing its
metadata, deleting it."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from claims.bulk_rows import rows_insert
from claims.ingest.errors import IngestError
from claims.ingest.limits import MB, IngestLimits
from claims.ingest.pipeline import parse_document
from claims.ingest.types import BlockKind, ParsedDocument
from claims.models import Article, Sentence
from claims.services.errors import Conflict, Rejected, TooLarge

TITLE_MAX = 300


class DuplicateArticleError(Conflict):
    """The same text is already stored; `article` is the one that has it."""

    def __init__(self, article: Article) -> None:
        super().__init__(
            f"This content is already stored as article {article.pk} “{article.title}”.",
            code="duplicate",
            article=article.pk,
        )
        self.article = article


@dataclass(frozen=True)
class Upload:
    """Bytes that a user handed in, with the name they came under (may be empty) and the
    input that carried them (a refusal names it)."""

    data: bytes
    filename: str = ""
    field: str = "file"

    @classmethod
    def pasted(cls, text: str) -> "Upload":
        return cls(data=text.encode("utf-8"), filename="pasted.txt", field="text")


def upload_read(*, stream: BinaryIO, filename: str = "", size: int | None = None) -> Upload:
    """Read an upload, refusing one over MAX_UPLOAD_MB without reading it all."""
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise _too_large(size)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(None)
    return Upload(data=data, filename=filename)


def _too_large(size: int | None, *, field: str = "file") -> TooLarge:
    what = f"{size / 1024 / 1024:.1f} MB" if size is not None else "too large"
    return TooLarge(field, f"The file is {what}; the limit is {settings.MAX_UPLOAD_MB} MB.")


def ingest_limits() -> IngestLimits:
    """What reading one upload may cost, as the deployment set it (annotator/settings.py)."""
    return IngestLimits(
        max_unpacked_bytes=settings.MAX_UNPACKED_MB * MB,
        max_compression_ratio=settings.MAX_COMPRESSION_RATIO,
        max_pdf_pages=settings.MAX_PDF_PAGES,
        max_text_chars=settings.MAX_TEXT_CHARS,
        max_html_elements=settings.MAX_HTML_ELEMENTS,
    )


def article_ingest(
    *,
    upload: Upload,
    user: User | None,
    title: str = "",
    publisher: str = "",
    source_url: str = "",
) -> Article:
    """Store an article and its sentences, or refuse the upload (saving nothing): Rejected
    naming what the pipeline could not read, DuplicateArticleError for content already
    stored."""
    if len(upload.data) > settings.MAX_UPLOAD_BYTES:
        raise _too_large(len(upload.data), field=upload.field)
    try:
        parsed = parse_document(upload.data, filename=upload.filename, limits=ingest_limits())
    except IngestError as error:
        raise Rejected(upload.field, error.message, error.code) from None
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
    user: User | None,
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
        replaced_bytes=parsed.replaced_bytes,
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


ARTICLE_EDITABLE_FIELDS = ("title", "publisher", "source_url", "status")


def article_update(*, article: Article, **changes: str) -> Article:
    """Change an article's metadata; its text (and so every offset) never changes."""
    unknown = set(changes) - set(ARTICLE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    if "title" in changes and not changes["title"].strip():
        raise Rejected("title", "The title cannot be blank.")
    if "status" in changes and changes["status"] not in Article.Status.values:
        raise Rejected("status", f"Unknown status “{changes['status']}”.")
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
