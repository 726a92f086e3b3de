"""Many articles stored at once (the bulk upload endpoint, `import_articles`): each one read by
the same pipeline and judged by the same rules as a single upload, the rows of all of them
written together.

Each item is read and judged before it is written: refused as unreadable, a duplicate of a
stored article (or of an earlier item), or a near-duplicate of one (unless the request allows
them). The items are taken a hundred at a time, in one transaction: each hundred is judged
against the articles stored so far (the earlier hundreds among them) and against one another,
and those that pass are stored together: their originals in one INSERT, the articles in
another, their sentences and fingerprints each in one COPY, their suggested tags queued once.
While PostgreSQL indexes one hundred's sentences, a thread reads the next hundred. So one bad
item never stops the others. With `atomic`, every item is read and judged first, and any
refused item means nothing is stored.
"""

import hashlib
import math
from collections import defaultdict
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from itertools import batched

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count

from claims.bulk_rows import rows_insert
from claims.ingest.errors import IngestError
from claims.ingest.fingerprints import sentence_fingerprint
from claims.ingest.limits import IngestLimits
from claims.ingest.pipeline import parse_document
from claims.ingest.types import ParsedDocument
from claims.models import Article, Sentence, SentenceFingerprint
from claims.services.articles import (
    NEAR_DUPLICATE_SHARE,
    SENTENCE_COLUMNS,
    DuplicateArticleError,
    FingerprintProbe,
    NearDuplicateError,
    Upload,
    _too_large,
    article_unsaved,
    ingest_limits,
    near_duplicate_of,
    sentence_fields,
)
from claims.services.errors import Conflict, Rejected
from claims.services.originals import originals_store
from claims.similar.normalise import claim_text
from claims.tasks import suggest_articles

# Fingerprints per look-up query (SQLite takes at most 32,766 parameters in one).
_LOOKUP_CHUNK = 10_000
# Items judged and stored together (and so new articles per queued suggestion task: few
# rows to queue, and still work for several workers at once). Small enough that the first
# hundred's reading and the last one's indexing, which nothing overlaps, are short.
_STORE_CHUNK = 100


@dataclass(frozen=True)
class ArticleDraft:
    """One item of a bulk upload: the bytes with their metadata, as for a single upload."""

    upload: Upload
    title: str = ""
    publisher: str = ""
    source_url: str = ""


@dataclass
class BulkOutcome:
    """What became of one item: `article` is the new one (created), or the stored one it
    duplicates; `refusal` says why it was not stored (None when it was)."""

    index: int
    article: Article | None = None
    refusal: Rejected | None = None
    sentences: int = 0  # the new article's, when created
    stored: bool = False

    @property
    def status(self) -> str:
        """`created`; `duplicate`, `near_duplicate` or `error` for a refused item; `valid` for
        one left out only because an all-or-none upload refused another."""
        if self.refusal is None:
            return "created" if self.stored else "valid"
        if self.refusal.code in {"duplicate", "near_duplicate"}:
            return self.refusal.code
        return "error"


class BulkRefused(Rejected):
    """An all-or-none (`atomic`) bulk upload in which some item was refused: nothing was
    stored. `outcomes` say which items were refused and why."""

    def __init__(self, outcomes: list[BulkOutcome]) -> None:
        refused = sum(outcome.refusal is not None for outcome in outcomes)
        super().__init__(
            "articles",
            f"{refused} of {len(outcomes)} article(s) were refused, so none was stored.",
            "atomic_refused",
        )
        self.outcomes = outcomes


@dataclass
class _SentenceMemo:
    """Each distinct sentence's claim text and fingerprint, worked out once per upload: the
    pages of one site share many sentences (a booking line, a disclaimer), and these two cost
    nearly as much as segmenting the page."""

    claims: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, int | None] = field(default_factory=dict)

    def claim(self, text: str) -> str:
        if (found := self.claims.get(text)) is None:
            found = self.claims[text] = claim_text(text)
        return found

    def fingerprints(self, texts: Iterable[str]) -> set[int]:
        """As claims.ingest.fingerprints.fingerprints."""
        found = set()
        for text in texts:
            if text not in self.hashes:
                self.hashes[text] = sentence_fingerprint(text)
            if (hashed := self.hashes[text]) is not None:
                found.add(hashed)
        return found


@dataclass
class _Item:
    """An item read by the pipeline, waiting to be judged and stored."""

    outcome: BulkOutcome
    draft: ArticleDraft
    parsed: ParsedDocument
    sha256: str  # of the text
    original: str  # SHA-256 of the uploaded bytes
    hashes: set[int]
    sentences: list[tuple]  # sentence_fields(parsed)
    # What it duplicates (or nearly, with the share): a stored article or an earlier item.
    duplicate_of: "Article | _Item | None" = None
    near_share: float | None = None


def articles_bulk_ingest(
    *,
    drafts: Sequence[ArticleDraft],
    user: User | None,
    allow_near_duplicate: bool = False,
    atomic: bool = False,
) -> list[BulkOutcome]:
    """Store each draft as an article, as article_ingest would one after another; one
    outcome per draft, in order. With `atomic`, a refused draft means none is stored, and
    BulkRefused carries the outcomes."""
    try:
        return _ingest(drafts, user=user, allow_near_duplicate=allow_near_duplicate, atomic=atomic)
    except IntegrityError:
        # Lost a race with a concurrent upload of the same text: judged again, the winner
        # is now stored and the item is its duplicate.
        return _ingest(drafts, user=user, allow_near_duplicate=allow_near_duplicate, atomic=atomic)


def _ingest(
    drafts: Sequence[ArticleDraft], *, user: User | None, allow_near_duplicate: bool, atomic: bool
) -> list[BulkOutcome]:
    outcomes = [BulkOutcome(index=number) for number in range(len(drafts))]
    if atomic:
        items = _all_or_none(outcomes, drafts, user=user, allow_near_duplicate=allow_near_duplicate)
    else:
        items = []
        with transaction.atomic(), closing(_chunks_read(outcomes, drafts)) as chunks:
            for chunk in chunks:
                _judge(chunk, allow_near_duplicate=allow_near_duplicate)
                _store([item for item in chunk if item.duplicate_of is None], user=user)
                items += chunk
    for item in items:
        _refusal_resolve(item)
    return outcomes


def _all_or_none(
    outcomes: list[BulkOutcome],
    drafts: Sequence[ArticleDraft],
    *,
    user: User | None,
    allow_near_duplicate: bool,
) -> list[_Item]:
    """Every draft read and judged, then all stored, or BulkRefused if any was refused."""
    read = partial(_read, limits=ingest_limits(), memo=_SentenceMemo())
    items = [item for item in map(read, outcomes, drafts) if item]
    _judge(items, allow_near_duplicate=allow_near_duplicate)
    refused = any(o.refusal is not None for o in outcomes) or any(i.duplicate_of for i in items)
    if refused:
        for item in items:
            _refusal_resolve(item)
        raise BulkRefused(outcomes)
    with transaction.atomic():
        _store(items, user=user)
    return items


def _chunks_read(
    outcomes: list[BulkOutcome], drafts: Sequence[ArticleDraft]
) -> Generator[list[_Item]]:
    """The drafts read _STORE_CHUNK at a time, each chunk's items in order. The next chunk is
    read in a thread while the caller stores this one: PostgreSQL's share of storing (indexing
    the sentences) then runs while Python reads, instead of after it. The thread only parses;
    it touches no database connection."""
    read = partial(_chunk_read, limits=ingest_limits(), memo=_SentenceMemo())
    chunks = batched(zip(outcomes, drafts, strict=True), _STORE_CHUNK)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-read") as reader:
        ahead = reader.submit(read, next(chunks, ()))
        for chunk in chunks:
            items, ahead = ahead.result(), reader.submit(read, chunk)
            yield items
        yield ahead.result()


def _chunk_read(
    pairs: Iterable[tuple[BulkOutcome, ArticleDraft]], *, limits: IngestLimits, memo: _SentenceMemo
) -> list[_Item]:
    read = partial(_read, limits=limits, memo=memo)
    return [item for outcome, draft in pairs if (item := read(outcome, draft))]


def _read(
    outcome: BulkOutcome, draft: ArticleDraft, *, limits: IngestLimits, memo: _SentenceMemo
) -> "_Item | None":
    """The draft through the ingestion pipeline, or None with the refusal on its outcome."""
    upload = draft.upload
    try:
        if len(upload.data) > settings.MAX_UPLOAD_BYTES:
            raise _too_large(len(upload.data), field=upload.field)
        if upload.field == "text" and not upload.data.strip():
            raise Rejected("text", "The text is empty.", "empty")
        parsed = parse_document(upload.data, filename=upload.filename, limits=limits)
    except IngestError as error:
        outcome.refusal = Rejected(upload.field, error.message, error.code)
        return None
    except Rejected as error:
        outcome.refusal = error
        return None
    sha256 = hashlib.sha256(parsed.text.encode("utf-8")).hexdigest()
    return _Item(
        outcome=outcome,
        draft=draft,
        parsed=parsed,
        sha256=sha256,
        # Hashed here, in the reading thread: hashing releases the GIL, which the storing
        # thread would then wait to take back from the reader.
        original=hashlib.sha256(upload.data).hexdigest(),
        hashes=memo.fingerprints(sentence.text for sentence in parsed.sentences),
        sentences=sentence_fields(parsed, claim_of=memo.claim),
    )


def _judge(items: list[_Item], *, allow_near_duplicate: bool) -> None:
    """Mark each item a duplicate or near-duplicate of a stored article or of an earlier item
    that will be stored, as uploading them one by one would find."""
    stored = _stored_with_texts({item.sha256 for item in items})
    stored_matches = {} if allow_near_duplicate else _stored_near_duplicates(items)
    first_with_text: dict[str, _Item] = {}
    batch_index = _BatchIndex()
    for item in items:
        earlier = first_with_text.get(item.sha256)
        if item.sha256 in stored or (earlier is not None and earlier.duplicate_of is None):
            item.duplicate_of = stored.get(item.sha256) or earlier
            continue
        first_with_text.setdefault(item.sha256, item)
        if not allow_near_duplicate:
            match = _best_of(stored_matches.get(id(item)), batch_index.best_match(item))
            if match is not None:
                item.duplicate_of, item.near_share = match
                continue
        batch_index.add(item)


def _stored_with_texts(sha256s: set[str]) -> dict[str, Article]:
    articles = Article.objects.filter(content_sha256__in=sha256s).only(
        "pk", "title", "content_sha256"
    )
    return {article.content_sha256: article for article in articles}


def _stored_near_duplicates(items: list[_Item]) -> dict[int, tuple[Article, float]]:
    """For each item (by id()) that nearly duplicates a stored article, that article and the
    share, as near_duplicate_of finds it for one upload, in a few queries for all items.

    A stored article holding NEAR_DUPLICATE_SHARE of an item's n fingerprints misses at most
    n - least of them, so it holds one of any n - least + 1: only the holders of an item's
    rarest fingerprints are candidates, and a sentence that thousands of stored pages have
    ("Book a free consultation") brings none in. The candidates are then counted exactly.
    """
    probes = {id(item): FingerprintProbe.of(item.hashes) for item in items if item.hashes}
    found: dict[int, tuple[Article, float]] = {}
    for key, probe in list(probes.items()):
        if len(probe.sample) < len(probe.hashes):
            # More sentences than the sample: looked up on its own, as a single upload is.
            del probes[key]
            if (match := near_duplicate_of(probe.hashes)) is not None:
                found[key] = match
    frequency = _fingerprint_frequencies({h for probe in probes.values() for h in probe.hashes})
    rarest = {
        key: [
            h
            for h in sorted(probe.hashes, key=lambda h: frequency.get(h, 0))[
                : len(probe.hashes) - probe.least + 1
            ]
            if h in frequency
        ]
        for key, probe in probes.items()
    }
    holders = _fingerprint_holders({h for hashes in rarest.values() for h in hashes})
    candidates = {
        key: {article for h in hashes for article in holders.get(h, ())}
        for key, hashes in rarest.items()
    }
    candidates = {key: articles for key, articles in candidates.items() if articles}
    held = _fingerprints_of(
        articles={article for articles in candidates.values() for article in articles},
        hashes={h for key in candidates for h in probes[key].hashes},
    )
    matches: dict[int, tuple[int, float]] = {}
    for key, articles in candidates.items():
        hashes = probes[key].hashes
        counted = sorted((article, len(hashes & held.get(article, set()))) for article in articles)
        if (best := probes[key].best_match(counted)) is not None:
            matches[key] = best
    titled = Article.objects.only("pk", "title").in_bulk({pk for pk, _ in matches.values()})
    return found | {key: (titled[pk], share) for key, (pk, share) in matches.items()}


def _fingerprint_frequencies(hashes: set[int]) -> dict[int, int]:
    """How many stored articles have each of these fingerprints (none: left out)."""
    frequency: dict[int, int] = {}
    for chunk in batched(sorted(hashes), _LOOKUP_CHUNK):
        rows = SentenceFingerprint.objects.filter(hash__in=chunk).values("hash")
        frequency |= dict(rows.annotate(n=Count("id")).values_list("hash", "n"))
    return frequency


def _fingerprint_holders(hashes: set[int]) -> dict[int, list[int]]:
    """The stored articles that have each of these fingerprints."""
    holders: dict[int, list[int]] = defaultdict(list)
    for chunk in batched(sorted(hashes), _LOOKUP_CHUNK):
        found = SentenceFingerprint.objects.filter(hash__in=chunk).values_list("hash", "article")
        for hashed, article in found:
            holders[hashed].append(article)
    return holders


def _fingerprints_of(*, articles: set[int], hashes: set[int]) -> dict[int, set[int]]:
    """Which of these fingerprints each of these stored articles has."""
    held: dict[int, set[int]] = defaultdict(set)
    if not articles:
        return held
    for chunk in batched(sorted(hashes), _LOOKUP_CHUNK):
        rows = SentenceFingerprint.objects.filter(article__in=articles, hash__in=chunk)
        for article, hashed in rows.values_list("article", "hash"):
            held[article].add(hashed)
    return held


@dataclass
class _BatchIndex:
    """The fingerprints of the batch's items that will be stored, to find an item that nearly
    duplicates an earlier one."""

    holders: dict[int, list[_Item]] = field(default_factory=lambda: defaultdict(list))

    def add(self, item: _Item) -> None:
        for hashed in item.hashes:
            self.holders[hashed].append(item)

    def best_match(self, item: _Item) -> "tuple[_Item, float] | None":
        if not item.hashes:
            return None
        # An earlier item holding NEAR_DUPLICATE_SHARE of the hashes holds at least one of
        # any (1 - share) * n + 1 of them: look only at the holders of the rarest ones, so
        # a sentence every page has ("Book a free consultation") costs nothing.
        total = len(item.hashes)
        needed = total - int(NEAR_DUPLICATE_SHARE * total) + 1
        rarest = sorted(item.hashes, key=lambda h: len(self.holders.get(h, ())))[:needed]
        candidates = {id(other): other for h in rarest for other in self.holders.get(h, ())}
        shares = [(len(item.hashes & other.hashes) / total, other) for other in candidates.values()]
        qualifying = [(share, other) for share, other in shares if share >= NEAR_DUPLICATE_SHARE]
        if not qualifying:
            return None
        share, other = max(qualifying, key=lambda pair: (pair[0], -pair[1].outcome.index))
        return other, share


def _best_of(
    stored: tuple[Article, float] | None, earlier: "tuple[_Item, float] | None"
) -> "tuple[Article | _Item, float] | None":
    """The larger share; on a tie the stored article, which has the lower id."""
    if earlier is None or (stored is not None and stored[1] >= earlier[1]):
        return stored
    return earlier


def _store(items: list[_Item], *, user: User | None) -> None:
    if not items:
        return
    originals = originals_store(
        [item.draft.upload.data for item in items], sha256s=[item.original for item in items]
    )
    articles = Article.objects.bulk_create(
        [
            _unsaved(item, user=user, original=key)
            for item, key in zip(items, originals, strict=True)
        ]
    )
    pairs = list(zip(items, articles, strict=True))
    for item, article in pairs:
        item.outcome.article, item.outcome.stored = article, True
        item.outcome.sentences = len(item.parsed.sentences)
    sentences = ((article.pk, *row) for item, article in pairs for row in item.sentences)
    rows_insert(model=Sentence, columns=SENTENCE_COLUMNS, rows=sentences)
    hashes = ((article.pk, hashed) for item, article in pairs for hashed in item.hashes)
    rows_insert(model=SentenceFingerprint, columns=("article_id", "hash"), rows=hashes)
    # Suggested tags come from the worker, once the articles are there to read.
    for ids in batched((article.pk for article in articles), _STORE_CHUNK):
        transaction.on_commit(partial(suggest_articles.enqueue, list(ids)))


def _unsaved(item: _Item, *, user: User | None, original: str) -> Article:
    draft = item.draft
    return article_unsaved(
        parsed=item.parsed,
        upload=draft.upload,
        sha256=item.sha256,
        user=user,
        title=draft.title,
        publisher=draft.publisher,
        source_url=draft.source_url,
        original=original,
    )


def _refusal_resolve(item: _Item) -> None:
    """A duplicate's refusal, as a single upload gets it, once the article it duplicates has
    an id; an earlier item that was not stored (all-or-none) is named by its number."""
    target = item.duplicate_of
    if target is None:
        return
    article = target.outcome.article if isinstance(target, _Item) else target
    if article is not None:
        item.outcome.article = article
        item.outcome.refusal = (
            DuplicateArticleError(article)
            if item.near_share is None
            else NearDuplicateError(article, item.near_share)
        )
    elif isinstance(target, _Item):
        item.outcome.refusal = _earlier_item_refusal(target.outcome.index, item.near_share)


def _earlier_item_refusal(index: int, share: float | None) -> Conflict:
    if share is None:
        return Conflict(
            f"This content is the same as item {index}'s.", code="duplicate", item=index
        )
    return Conflict(
        f"This content nearly duplicates item {index}: {math.floor(share * 100)}% of its "
        "sentences are in it.",
        code="near_duplicate",
        item=index,
        share=round(share, 3),
    )


def outcomes_created(outcomes: Iterable[BulkOutcome]) -> list[Article]:
    """The articles a bulk upload stored."""
    return [outcome.article for outcome in outcomes if outcome.stored and outcome.article]
