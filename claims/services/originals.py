"""Uploaded originals: the bytes a user handed in, kept once per content and served back by
any app server.

By default the bytes live in the database (`Original.data`), written in the same transaction
as the article that holds them, so a failed upload leaves neither a row nor bytes behind. With
ORIGINALS_STORAGE=files they go through Django's storage API instead (`STORAGES["originals"]`:
a folder, or object storage through django-storages), under a content-addressed name that the
next identical upload reuses if a rolled-back transaction left the file behind.

An upload held for its uploader to confirm a near-duplicate is an original with `held_at`
set and no article yet; it is forgotten a day later."""

import hashlib
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import BinaryField, F, Func, QuerySet, Value
from django.utils import timezone

from claims.models import Original

# A download reads the bytes this much at a time: memory per download stays at one chunk.
CHUNK_BYTES = 1024 * 1024
HELD_FOR = timedelta(days=1)


def original_store(data: bytes, *, held: bool = False) -> str:
    """Keep `data` (once per content) and return its SHA-256, the original's key."""
    sha256 = hashlib.sha256(data).hexdigest()
    now = timezone.now() if held else None
    row = _original_row(data, sha256=sha256, held_at=now)
    # INSERT ... ON CONFLICT DO NOTHING: two identical uploads at once store one row.
    Original.objects.bulk_create([row], ignore_conflicts=True)
    if held:
        Original.objects.filter(pk=sha256).update(held_at=now)
    return sha256


def originals_store(datas: Sequence[bytes], *, sha256s: Sequence[str] = ()) -> list[str]:
    """Keep many uploads' bytes as original_store keeps one, in one INSERT; returns each
    one's SHA-256, in order. `sha256s`, if given, are those, worked out already."""
    keys = list(sha256s) or [hashlib.sha256(data).hexdigest() for data in datas]
    rows = {}
    for data, key in zip(datas, keys, strict=True):
        if key not in rows:
            rows[key] = _original_row(data, sha256=key, held_at=None)
    Original.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return keys


def _original_row(data: bytes, *, sha256: str, held_at: datetime | None) -> Original:
    if settings.ORIGINALS_STORAGE == "files":
        storage = storages["originals"]
        name = f"originals/{sha256[:2]}/{sha256}"
        if not storage.exists(name):
            name = storage.save(name, ContentFile(data))
        return Original(sha256=sha256, size=len(data), storage_name=name, held_at=held_at)
    return Original(sha256=sha256, size=len(data), data=data, held_at=held_at)


def original_chunks(sha256: str) -> Iterator[bytes]:
    """The original's bytes, CHUNK_BYTES at a time (one query per chunk), for streaming."""
    row = Original.objects.only("size", "storage_name").get(pk=sha256)
    if row.storage_name:
        with storages["originals"].open(row.storage_name, "rb") as stored:
            yield from iter(lambda: stored.read(CHUNK_BYTES), b"")
        return
    for offset in range(0, row.size, CHUNK_BYTES):
        chunk = (
            Original.objects.filter(pk=sha256)
            .annotate(chunk=_slice(offset, CHUNK_BYTES))
            .values_list("chunk", flat=True)
            .get()
        )
        yield bytes(chunk)


def original_bytes(sha256: str) -> bytes:
    return b"".join(original_chunks(sha256))


def _slice(offset: int, length: int) -> Func:
    """`data[offset:offset + length]` computed by the database (SUBSTR counts from 1)."""
    return Func(
        F("data"),
        Value(offset + 1),
        Value(length),
        function="SUBSTR",
        output_field=BinaryField(),
    )


def original_forget(sha256: str) -> None:
    """Delete the original unless an article holds it or an upload waits on it."""
    unused = Original.objects.filter(pk=sha256, articles=None, held_at=None)
    _delete(unused)


def held_get(sha256: str) -> bytes | None:
    """The bytes of an upload held for confirmation, or None when not (or no longer) held."""
    if not Original.objects.filter(pk=sha256, held_at__gte=timezone.now() - HELD_FOR).exists():
        return None
    return original_bytes(sha256)


def held_release(sha256: str) -> None:
    """The uploader is done with a held upload: stored as an article, or dropped."""
    Original.objects.filter(pk=sha256).update(held_at=None)
    original_forget(sha256)


def held_prune() -> None:
    """Forget uploads held longer than HELD_FOR (their uploader did not come back)."""
    stale = Original.objects.filter(held_at__lt=timezone.now() - HELD_FOR, articles=None)
    _delete(stale)


def _delete(originals: QuerySet[Original]) -> None:
    names = [name for name in originals.values_list("storage_name", flat=True) if name]
    originals.delete()
    for name in names:
        # A file goes only once the rows saying it is unused have gone for good.
        transaction.on_commit(partial(storages["originals"].delete, name))
