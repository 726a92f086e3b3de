"""A readable Markdown report: a section per article, each annotation with its quote and note."""

import re
from collections.abc import Iterator
from datetime import UTC
from itertools import batched, groupby
from operator import itemgetter
from typing import Any

from claims.exports.rows import ExportSource, annotation_rows

# Characters that mean something inline to Markdown, and line openings that start a heading,
# list, rule or table: user text is escaped so that a note cannot restructure the report.
_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
_BULLET_START = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_NUMBER_START = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
SECTIONS_PER_CHUNK = 500


def escaped(text: str) -> str:
    text = _INLINE.sub(r"\\\1", text)
    return _NUMBER_START.sub(r"\1\\\2", _BULLET_START.sub(r"\1\\\2", text))


def quoted(text: str) -> str:
    """A blockquote, every line of it marked."""
    return "\n".join(f"> {line}".rstrip() for line in escaped(text).splitlines() or [""])


def article_heading(row: dict[str, Any]) -> str:
    details = [escaped(row["publisher"]) if row["publisher"] else "Publisher unknown"]
    if row["article_url"]:
        details.append(f"<{row['article_url']}>")
    details.append(f"article {row['article_id']}")
    return f"## {escaped(row['article_title'])}\n\n{' · '.join(details)}\n\n"


def annotation_section(row: dict[str, Any], *, number: int) -> str:
    made = row["created_at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {number}. {escaped(row['tag_name'])}",
        quoted(row["quote"]),
        f"Reviewer {escaped(row['reviewer'])} · {made} · characters {row['start']}–{row['end']}",
    ]
    if row["note"]:
        lines.append(f"Note: {escaped(row['note'])}")
    return "\n\n".join(lines) + "\n\n"


def write(*, source: ExportSource) -> Iterator[str]:
    yield f"# {escaped(source.label)}\n\n"
    empty = True
    for _, rows in groupby(annotation_rows(source.annotations), key=itemgetter("article_id")):
        for chunk in batched(enumerate(rows, start=1), SECTIONS_PER_CHUNK):
            heading = article_heading(chunk[0][1]) if chunk[0][0] == 1 else ""
            yield heading + "".join(annotation_section(row, number=n) for n, row in chunk)
        empty = False
    if empty:
        yield "No annotations.\n"
