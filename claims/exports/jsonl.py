"""The native format, written and read: tags, articles (text and sentences), annotations
(reviewers' and final ones) and the replies under them, as JSON Lines or as one JSON document,
enough to rebuild them in another instance. Adjudication decisions, the event history and
assignments stay behind."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import batched, chain
from typing import Any, TextIO

from claims.exports.rows import (
    ARTICLE_CHUNK_SIZE,
    CHUNK_SIZE,
    ExportSource,
    annotation_rows,
    article_rows,
    iso_utc,
    json_text,
    tag_rows,
)
from claims.ingest.types import BlockKind

FORMAT, VERSION = "claimscope", 1
HEADER = {"format": FORMAT, "version": VERSION}
# The JSON document's lists, in file order (a file from before replies has no "replies").
SECTIONS = ("tags", "articles", "annotations", "replies")

# Annotations name their article by its text's SHA-256 and their tag and author by slug and
# username: ids mean nothing in another instance.
NATIVE_ANNOTATION_COLUMNS = {
    "article": "article__content_sha256",
    "tag": "tag__slug",
    "author": "author__username",
    **{name: name for name in ("final", "start", "end", "quote", "note")},
    **{name: name for name in ("created_at", "updated_at")},
}

# A reply names its annotation by what makes an annotation the same one in another instance.
NATIVE_REPLY_COLUMNS = {
    "article": "annotation__article__content_sha256",
    "start": "annotation__start",
    "end": "annotation__end",
    "tag": "annotation__tag__slug",
    "annotation_author": "annotation__author__username",
    "final": "annotation__final",
    "author": "author__username",
    **{name: name for name in ("body", "created_at", "edited_at")},
}
ANNOTATION_KEY_FIELDS = ("article", "start", "end", "tag", "author", "final")

REQUIRED = object()
# Each record type's fields: name -> (type, default when absent, or REQUIRED).
FIELDS: dict[str, dict[str, tuple[type, Any]]] = {
    "tag": {
        **{"slug": (str, REQUIRED), "name": (str, REQUIRED), "definition": (str, "")},
        **{"colour": (str, REQUIRED), "shortcut": (str, ""), "order": (int, 0)},
        "archived": (bool, False),
    },
    "article": {
        **{"content_sha256": (str, REQUIRED), "title": (str, REQUIRED), "publisher": (str, "")},
        **{"source_url": (str, ""), "original_filename": (str, ""), "media_type": (str, "")},
        **{"original_size": (int, 0), "language": (str, ""), "status": (str, "new")},
        **{"created_by": (str, ""), "created_at": (str, REQUIRED), "updated_at": (str, "")},
        **{"adjudicated_at": (str, ""), "adjudicated_by": (str, "")},
        **{"text": (str, REQUIRED), "sentences": (list, REQUIRED)},
    },
    "annotation": {
        **{"article": (str, REQUIRED), "tag": (str, REQUIRED), "author": (str, REQUIRED)},
        # A final annotation is one an editor (its author) accepted in adjudication.
        "final": (bool, False),
        **{"start": (int, REQUIRED), "end": (int, REQUIRED), "quote": (str, "")},
        **{"note": (str, ""), "created_at": (str, REQUIRED), "updated_at": (str, "")},
    },
    "reply": {
        # {"article", "start", "end", "tag", "author", "final"} of the annotation it answers
        **{"annotation": (dict, REQUIRED), "author": (str, REQUIRED), "body": (str, REQUIRED)},
        **{"created_at": (str, REQUIRED), "edited_at": (str, "")},
    },
}
BLOCK_KINDS = frozenset(kind.value for kind in BlockKind)


class CorpusFileError(ValueError):
    """A file that is not a corpus this version can import, and where it goes wrong."""


# --- Writing ----------------------------------------------------------------------------------


def tag_record(row: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tag", **row}


def article_record(row: dict[str, Any]) -> dict[str, Any]:
    values = {
        **row,
        "created_by": row["created_by_name"] or "",
        "created_at": iso_utc(row["created_at"]),
        "updated_at": iso_utc(row["updated_at"]),
        "adjudicated_at": iso_utc(row["adjudicated_at"]) if row["adjudicated_at"] else "",
        "adjudicated_by": row["adjudicated_by_name"] or "",
    }
    return {"type": "article", **{key: values[key] for key in FIELDS["article"]}}


def annotation_record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "annotation",
        **row,
        "created_at": iso_utc(row["created_at"]),
        "updated_at": iso_utc(row["updated_at"]),
    }


def tag_records(source: ExportSource) -> Iterator[dict[str, Any]]:
    return map(tag_record, tag_rows())


def article_records(source: ExportSource) -> Iterator[dict[str, Any]]:
    return map(article_record, article_rows(source.articles))


def annotation_records(source: ExportSource) -> Iterator[dict[str, Any]]:
    rows = annotation_rows(source.annotations, columns=NATIVE_ANNOTATION_COLUMNS)
    return map(annotation_record, rows)


def reply_record(row: dict[str, Any]) -> dict[str, Any]:
    annotation = {key: row[key] for key in ("article", "start", "end", "tag", "final")}
    annotation["author"] = row["annotation_author"]
    return {
        "type": "reply",
        "annotation": {key: annotation[key] for key in ANNOTATION_KEY_FIELDS},
        "author": row["author"],
        "body": row["body"],
        "created_at": iso_utc(row["created_at"]),
        "edited_at": iso_utc(row["edited_at"]) if row["edited_at"] else "",
    }


def reply_records(source: ExportSource) -> Iterator[dict[str, Any]]:
    """The readable replies under the exported annotations, by annotation, oldest first."""
    replies = (
        source.readable_replies()
        .filter(annotation__in=source.annotations.order_by().values("pk"))
        .order_by("annotation_id", "id")
        .values_list(*NATIVE_REPLY_COLUMNS.values())
        .iterator(chunk_size=CHUNK_SIZE)
    )
    names = tuple(NATIVE_REPLY_COLUMNS)
    return (reply_record(dict(zip(names, row, strict=True))) for row in replies)


RECORDS = {
    "tags": tag_records,
    "articles": article_records,
    "annotations": annotation_records,
    "replies": reply_records,
}


def write_jsonl(*, source: ExportSource) -> Iterator[str]:
    """The header line, then one line per tag, article, annotation and reply, in that order."""
    yield json_text(HEADER) + "\n"
    for section in SECTIONS:
        for chunk in batched(RECORDS[section](source), _chunk_size(section)):
            yield "".join(json_text(record) + "\n" for record in chunk)


def write_json(*, source: ExportSource) -> Iterator[str]:
    """The same records as one document, {"format", "version", "tags", "articles",
    "annotations", "replies"}, each record on a line of its own."""
    yield json_text(HEADER)[:-1]
    for section in SECTIONS:
        yield f',\n"{section}": ['
        separator = "\n"
        for chunk in batched(RECORDS[section](source), _chunk_size(section)):
            yield separator + ",\n".join(map(json_text, chunk))
            separator = ",\n"
        yield "\n]"
    yield "}\n"


def _chunk_size(section: str) -> int:
    return ARTICLE_CHUNK_SIZE if section == "articles" else CHUNK_SIZE


# --- Reading ----------------------------------------------------------------------------------


def read_records(stream: TextIO, *, name: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, record) for the header and each record of a JSONL file or JSON document, told
    apart by the file's extension or else by whether its first line is a whole JSON object."""
    if name.endswith((".jsonl", ".ndjson")):
        return _jsonl_records(stream)
    if name.endswith(".json"):
        return _document_records(stream.read())
    first = stream.readline()
    try:
        opening = json.loads(first)
    except json.JSONDecodeError:
        opening = None
    if isinstance(opening, dict) and not set(SECTIONS) & opening.keys():
        return _jsonl_records(chain([first], stream))
    return _document_records(first + stream.read())


def _jsonl_records(lines: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusFileError(f"{where} is not JSON: {error.msg}.") from None
        yield where, _object(record, where)


def _document_records(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CorpusFileError(
            f"The file is not JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    document = _object(document, "the document")
    yield "the document", {key: document.get(key) for key in HEADER}
    for section in SECTIONS:
        records = document.get(section, [])
        if not isinstance(records, list):
            raise CorpusFileError(f"“{section}” must be a list.")
        for number, record in enumerate(records):
            where = f"{section}[{number}]"
            yield where, _object(record, where)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CorpusFileError(f"{where} is not a JSON object.")
    return value


def checked_header(record: dict[str, Any], *, where: str) -> None:
    if record.get("format") != FORMAT:
        raise CorpusFileError(f"{where} does not start a Claimscope corpus (no format “{FORMAT}”).")
    if record.get("version") != VERSION:
        raise CorpusFileError(
            f"{where}: version {record.get('version')!r} is not one this instance reads "
            f"({VERSION})."
        )


def checked_fields(record: dict[str, Any], *, where: str) -> tuple[str, dict[str, Any]]:
    """The record's type and its fields, each present (or defaulted) and of the right type."""
    kind = record.get("type")
    if kind not in FIELDS:
        raise CorpusFileError(f"{where}: unknown record type {kind!r}.")
    fields = {}
    for key, (expected, default) in FIELDS[kind].items():
        value = record.get(key, default)
        if value is REQUIRED:
            raise CorpusFileError(f"{where}: the {kind} has no “{key}”.")
        # bool is an int to Python, never to us.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise CorpusFileError(f"{where}: the {kind}'s “{key}” must be {expected.__name__}.")
        fields[key] = value
    return kind, fields


def article_problem(fields: dict[str, Any]) -> str | None:
    """Why an article record cannot be stored as it is, or None."""
    text = fields["text"]
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != fields["content_sha256"]:
        return "its content_sha256 is not the SHA-256 of its text"
    return sentences_problem(text, fields["sentences"])


def sentences_problem(text: str, sentences: list[Any]) -> str | None:
    """Why `sentences` ([index, start, end, kind, block] lists) do not fit `text`, or None:
    numbered from 0, in order, not overlapping, inside the text, blocks never going back."""
    previous_end, previous_block = 0, 0
    for position, sentence in enumerate(sentences):
        if not _sentence_shaped(sentence):
            return f"sentence {position} is not [index, start, end, kind, block]"
        index, start, end, kind, block = sentence
        if index != position:
            return f"sentence {position} is numbered {index}"
        if not previous_end <= start < end <= len(text):
            return (
                f"sentence {index} spans {start}–{end}, outside the text ({len(text)} "
                f"characters) or overlapping the sentence before it"
            )
        if kind not in BLOCK_KINDS:
            return f"sentence {index} has an unknown kind {kind!r}"
        if block < previous_block:
            return f"sentence {index} is in block {block}, before the previous one's"
        previous_end, previous_block = end, block
    return None


def _sentence_shaped(sentence: Any) -> bool:
    if not isinstance(sentence, list) or len(sentence) != 5:
        return False
    numbers = (sentence[0], sentence[1], sentence[2], sentence[4])
    return isinstance(sentence[3], str) and all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers
    )


def span_problem(fields: dict[str, Any], *, text: str) -> str | None:
    """Why an annotation's span does not fit its article's text, or None."""
    start, end = fields["start"], fields["end"]
    if not 0 <= start < end <= len(text):
        return f"its span {start}–{end} is not inside its article's text ({len(text)} characters)"
    if fields["quote"] and fields["quote"] != text[start:end]:
        return f"its quote is not the article's text at {start}–{end}"
    return None


def moment(value: str, *, where: str) -> datetime:
    """An ISO 8601 timestamp with its time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CorpusFileError(f"{where}: {value!r} is not an ISO 8601 timestamp.") from None
    if parsed.tzinfo is None:
        raise CorpusFileError(f"{where}: the timestamp {value!r} has no time zone.")
    return parsed
