"""One CSV row per annotation, with its article, tag, reviewer, surrounding text and the
replies under it."""

import csv
import io
from collections.abc import Iterator, Sequence
from itertools import batched
from typing import Any

from claims.exports.cells import spreadsheet_row
from claims.exports.rows import (
    ANNOTATION_COLUMNS,
    CHUNK_SIZE,
    ExportSource,
    annotation_rows,
    iso_utc,
    replies_by_annotation,
)

HEADER = (
    *("article_id", "article_title", "publisher", "article_url", "annotation_id", "tag"),
    *("tag_name", "start", "end", "quote", "note", "reviewer", "created_at"),
    *("context_before", "context_after", "replies"),
)

CSV_COLUMNS = {
    name: column
    for name, column in ANNOTATION_COLUMNS.items()
    if name not in ("article_sha256", "updated_at")
}


def csv_row(row: dict[str, Any], *, replies: Sequence[dict[str, Any]] = ()) -> tuple[Any, ...]:
    return (
        *(row["article_id"], row["article_title"], row["publisher"], row["article_url"]),
        *(row["annotation_id"], row["tag"], row["tag_name"], row["start"], row["end"]),
        *(row["quote"], row["note"], row["reviewer"], iso_utc(row["created_at"])),
        *(row["prefix"], row["suffix"], thread_text(replies)),
    )


def thread_text(replies: Sequence[dict[str, Any]]) -> str:
    """The replies in one cell, oldest first, a line each: "author: text"."""
    return "\n".join(f"{reply['author_name']}: {reply['body']}" for reply in replies)


def write(*, source: ExportSource) -> Iterator[str]:
    """The header, then the rows a chunk at a time through one reused buffer. The csv
    module quotes fields holding commas, quotes or line breaks (RFC 4180); no BOM. Text a
    spreadsheet would run as a formula starts with a ' (`spreadsheet_text`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield _drained(buffer)
    for chunk in batched(annotation_rows(source.annotations, columns=CSV_COLUMNS), CHUNK_SIZE):
        threads = replies_by_annotation(source, (row["annotation_id"] for row in chunk))
        writer.writerows(
            spreadsheet_row(csv_row(row, replies=threads.get(row["annotation_id"], [])))
            for row in chunk
        )
        yield _drained(buffer)


def _drained(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
