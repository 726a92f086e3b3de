"""Exports: the annotations a report covers, streamed as CSV, JSON, JSONL, Markdown or JSON-LD."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from claims.exports import claimreview, csv, jsonl, markdown, w3c
from claims.exports.rows import ExportSource


@dataclass(frozen=True)
class ExportFormat:
    name: str  # as in the URL (export.<name>) and the command's --format
    content_type: str
    suffix: str  # the downloaded file's name ends with it
    write: Callable[..., Iterator[str]]  # write(*, source: ExportSource) -> chunks of text


FORMATS = {
    export_format.name: export_format
    for export_format in (
        ExportFormat("csv", "text/csv; charset=utf-8", ".csv", csv.write),
        ExportFormat("json", "application/json", ".json", jsonl.write_json),
        ExportFormat("jsonl", "application/x-ndjson", ".jsonl", jsonl.write_jsonl),
        ExportFormat("md", "text/markdown; charset=utf-8", ".md", markdown.write),
        ExportFormat("w3c", w3c.MEDIA_TYPE, ".w3c.jsonld", w3c.write),
        ExportFormat(
            "claimreview", "application/ld+json", ".claimreview.jsonld", claimreview.write
        ),
    )
}

__all__ = ["FORMATS", "ExportFormat", "ExportSource"]
