"""Articles: reading an upload, storing it as an article with its sentences, editing its
metadata, deleting it; an upload that nearly duplicates a stored article is stored only when
the uploader says so."""

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count

from claims.bulk_rows import rows_insert
from claims.ingest.errors import IngestError
from claims.ingest.fingerprints import fingerprints
from claims.ingest.limits import MB, IngestLimits
from claims.ingest.pipeline import parse_document
from claims.ingest.types import BlockKind, ParsedDocument
from claims.models import Article, Sentence, SentenceFingerprint
from claims.services.errors import Conflict, Rejected, TooLarge
from claims.services.originals import (
    held_get,
    held_prune,
    held_release,
    original_forget,
    original_store,
)
from claims.similar.normalise import claim_text
from claims.tasks import suggest_article

TITLE_MAX = 300
# The share of an upload's sentences (distinct, by their words) found in one stored article
# from which the upload counts as a near-duplicate of it.
NEAR_DUPLICATE_SHARE = 0.9
# How many of an upload's fingerprints are looked up: the smallest ones, a sample that is the
# same for every copy of a page (a bottom-k sketch); a larger upload's best match is then
# counted exactly.
_PROBE_SIZE = 2_000
# A looser bar for the sample, so that an article at the threshold is not missed by chance.
_PROBE_SHARE = 0.8
PROBE_CANDIDATES = 3


class DuplicateArticleError(Conflict):
    """The same text is already stored; `article` is the one that has it."""

    def __init__(self, article: Article) -> None:
        super().__init__(
            f"This content is already stored as article {article.pk} “{article.title}”.",
            code="duplicate",
            article=article.pk,
        )
        self.article = article


class NearDuplicateError(Conflict):
    """Most of the upload's sentences are those of a stored article; it is stored only with
    `allow_near_duplicate`."""

    def __init__(self, article: Article, share: float) -> None:
        # Rounded down, so that a share just under a whole percent never reads as more.
        self.percent = math.floor(share * 100)
        super().__init__(
            f"This content nearly duplicates article {article.pk} “{article.title}”: "
            f"{self.percent}% of its sentences are in it. Store it anyway only if it is a "
            "different article.",
            code="near_duplicate",
            article=article.pk,
            share=round(share, 3),
        )
        self.article, self.share = article, share


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


def upload_hold(*, upload: Upload) -> str:
    """Keep an upload's bytes until its uploader confirms it; returns the key to ask for it.
    Kept in the database like any original, so any app server can finish the upload."""
    held_prune()
    return original_store(upload.data, held=True)


def upload_held(*, key: str, filename: str, field: str = "file") -> Upload | None:
    """The upload held under `key`, or None when it is not (or no longer) held."""
    if not _HELD_KEY.fullmatch(key):
        return None
    data = held_get(key)
    return None if data is None else Upload(data=data, filename=filename, field=field)


def upload_release(*, key: str) -> None:
    if _HELD_KEY.fullmatch(key):
        held_release(key)


_HELD_KEY = re.compile(r"[0-9a-f]{64}")


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
    allow_near_duplicate: bool = False,
) -> Article:
    """Store an article and its sentences, or refuse the upload (saving nothing): Rejected
    naming what the pipeline could not read, DuplicateArticleError for content already
    stored, NearDuplicateError for content most of whose sentences are stored in one article
    (unless `allow_near_duplicate`)."""
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
    hashes = fingerprints(sentence.text for sentence in parsed.sentences)
    if not allow_near_duplicate:
        match = near_duplicate_of(hashes)
        if match is not None:
            raise NearDuplicateError(*match)
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
            article_fingerprints_store(article_id=article.pk, hashes=hashes)
            # Suggested tags come from the worker, once the article is there to read.
            transaction.on_commit(partial(suggest_article.enqueue, article.pk))
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
    article = article_unsaved(
        parsed=parsed,
        upload=upload,
        sha256=sha256,
        user=user,
        title=title,
        publisher=publisher,
        source_url=source_url,
        original=original_store(upload.data),
    )
    article.save(force_insert=True)
    _sentences_store(article=article, parsed=parsed)
    return article


def article_unsaved(
    *,
    parsed: ParsedDocument,
    upload: Upload,
    sha256: str,
    user: User | None,
    title: str,
    publisher: str,
    source_url: str,
    original: str,
) -> Article:
    """The article row for a parsed upload whose original is stored under `original`, not
    saved yet (the bulk import inserts many at once)."""
    return Article(
        original_id=original,
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


SENTENCE_COLUMNS = ("article_id", "index", "block", "start", "end", "text", "kind", "claim_text")


def _sentences_store(*, article: Article, parsed: ParsedDocument) -> None:
    """Insert the sentences in bulk, below the ORM: building 16,000 model instances for a
    1 MB article costs seconds, while PostgreSQL's COPY takes a tenth of one."""
    rows = sentence_rows(article_id=article.pk, parsed=parsed)
    rows_insert(model=Sentence, columns=SENTENCE_COLUMNS, rows=rows)


def sentence_rows(*, article_id: int, parsed: ParsedDocument) -> list[tuple]:
    """The article's sentences as rows for SENTENCE_COLUMNS."""
    return [(article_id, *fields) for fields in sentence_fields(parsed)]


def sentence_fields(
    parsed: ParsedDocument, *, claim_of: Callable[[str], str] = claim_text
) -> list[tuple]:
    """The sentences' rows for SENTENCE_COLUMNS less the first (the article's id): a bulk
    upload works them out while the article has no id yet. `claim_of` is claim_text, or a
    memo of it."""
    return [
        (s.index, block, s.start, s.end, s.text, s.kind.value, claim_of(s.text))
        for s, block in zip(parsed.sentences, _block_numbers(parsed), strict=True)
    ]


def article_fingerprints_store(*, article_id: int, hashes: Iterable[int]) -> None:
    """Index an article's distinct sentences for the near-duplicate look-up."""
    rows = ((article_id, hashed) for hashed in set(hashes))
    rows_insert(model=SentenceFingerprint, columns=("article_id", "hash"), rows=rows)


def near_duplicate_of(hashes: set[int]) -> tuple[Article, float] | None:
    """The stored article holding the largest share of these sentence fingerprints, with that
    share, if it reaches NEAR_DUPLICATE_SHARE; None otherwise.

    Found through the fingerprint index in one grouped query over the upload's (sampled)
    fingerprints; only a large upload's few best candidates are then counted exactly.
    """
    if not hashes:
        return None
    probe = FingerprintProbe.of(hashes)
    candidates = (
        SentenceFingerprint.objects.filter(hash__in=probe.sample)
        .values("article")
        .annotate(shared=Count("id"))
        .filter(shared__gte=probe.least)
        .order_by("-shared", "article")
        .values_list("article", "shared")[:PROBE_CANDIDATES]
    )
    match = probe.best_match(candidates)
    if match is None:
        return None
    return Article.objects.get(pk=match[0]), match[1]


@dataclass(frozen=True)
class FingerprintProbe:
    """An upload's fingerprints (`hashes`, not empty), the `sample` of them looked up in the
    index, and how many of the sample (`least`) a stored article must have to be a candidate."""

    hashes: set[int]
    sample: list[int]
    least: int

    @classmethod
    def of(cls, hashes: set[int]) -> "FingerprintProbe":
        sample = sorted(hashes)[:_PROBE_SIZE]
        share = _PROBE_SHARE if len(sample) < len(hashes) else NEAR_DUPLICATE_SHARE
        return cls(hashes=hashes, sample=sample, least=math.ceil(share * len(sample)))

    def best_match(self, candidates: Iterable[tuple[int, int]]) -> tuple[int, float] | None:
        """Of the candidates, (article id, how many of the sample it has), the one holding the
        largest share of the upload's fingerprints, with that share, if it reaches
        NEAR_DUPLICATE_SHARE; a sample's candidates are counted exactly first."""
        sampled = len(self.sample) < len(self.hashes)
        shares = {
            article_id: (_shared_with(article_id, self.hashes) if sampled else shared)
            / len(self.hashes)
            for article_id, shared in candidates
        }
        best = max(shares, key=lambda article_id: (shares[article_id], -article_id), default=None)
        if best is None or shares[best] < NEAR_DUPLICATE_SHARE:
            return None
        return best, shares[best]


def _shared_with(article_id: int, hashes: set[int]) -> int:
    """How many of `hashes` one article has: its own fingerprints, read off the index."""
    theirs = SentenceFingerprint.objects.filter(article_id=article_id).values_list("hash")
    return len(hashes.intersection(hashed for (hashed,) in theirs.iterator()))


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
    """Delete an article with its sentences and annotations, and its stored original."""
    original = article.original_id
    with transaction.atomic():
        article.delete()
        if original:
            original_forget(original)
