"""Import article files from the command line through the same service as bulk uploads.

A file whose text is stored already (or is that of an earlier file) is reported as a
duplicate; one most of whose sentences are stored in one article is reported as a
near-duplicate and left out, unless --allow-near-duplicates says to store such files anyway.
The files are stored a batch at a time, each batch's rows written together."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from claims.models import Sentence
from claims.services.articles import upload_read
from claims.services.bulk_articles import ArticleDraft, BulkOutcome, articles_bulk_ingest
from claims.services.errors import Conflict, Rejected

# The bytes a batch may hold (each file is at most MAX_UPLOAD_MB), whatever --batch-size says.
BATCH_BYTES = 64 * 1024 * 1024


class Command(BaseCommand):
    help = "Import HTML, PDF, DOCX, Markdown or text files as articles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--publisher", default="", help="Publisher (clinic or site) of all files."
        )
        parser.add_argument("--url", default="", help="Source URL of all files.")
        parser.add_argument("--user", default="", help="Username recorded as the uploader.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object per file.")
        parser.add_argument(
            "--allow-near-duplicates",
            action="store_true",
            help="Store files even when most of their sentences are in a stored article.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Files stored together, their rows written at once (default 500).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user_named(options["user"])
        failures = 0
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        paths = [Path(path) for path in options["paths"]]
        for batch in _batches(paths, files=options["batch_size"]):
            for outcome in _import_batch(
                batch,
                user=user,
                publisher=options["publisher"],
                url=options["url"],
                allow_near_duplicate=options["allow_near_duplicates"],
            ):
                failures += outcome["status"] == "error"
                self._report(outcome, as_json=options["json"])
        if failures:
            raise CommandError(f"{failures} of {len(options['paths'])} files failed.", returncode=1)

    def _report(self, outcome: dict[str, Any], *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False))
        elif outcome["status"] == "created":
            self.stdout.write(
                f"created  {outcome['file']}: article {outcome['article_id']} "
                f"“{outcome['title']}”, {outcome['sentences']} sentences"
            )
        elif outcome["status"] == "duplicate":
            self.stdout.write(f"duplicate {outcome['file']}: {outcome['error']}")
        elif outcome["status"] == "near_duplicate":
            self.stdout.write(
                f"near-duplicate {outcome['file']}: {outcome['error']} Not stored; "
                "--allow-near-duplicates stores it."
            )
        else:
            self.stderr.write(f"error    {outcome['file']}: {outcome['error']}")


def _user_named(username: str):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username!r}.")
    return user


def _batches(paths: list[Path], *, files: int) -> Iterator[list[tuple[Path, ArticleDraft | str]]]:
    """The files read, a batch at a time: each path with its draft, or why it cannot be read."""
    batch: list[tuple[Path, ArticleDraft | str]] = []
    size = 0
    for path in paths:
        read = _read(path)
        batch.append((path, read))
        size += len(read.upload.data) if isinstance(read, ArticleDraft) else 0
        if len(batch) >= files or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _read(path: Path) -> ArticleDraft | str:
    try:
        with path.open("rb") as stream:
            upload = upload_read(stream=stream, filename=path.name, size=path.stat().st_size)
    except Rejected as error:
        return error.message
    except OSError as error:
        return f"Cannot read the file: {error.strerror or error}."
    return ArticleDraft(upload=upload)


def _import_batch(
    batch: list[tuple[Path, ArticleDraft | str]],
    *,
    user,
    publisher: str,
    url: str,
    allow_near_duplicate: bool,
) -> list[dict[str, Any]]:
    drafts = [
        ArticleDraft(upload=read.upload, publisher=publisher, source_url=url)
        for _, read in batch
        if isinstance(read, ArticleDraft)
    ]
    outcomes = iter(
        articles_bulk_ingest(drafts=drafts, user=user, allow_near_duplicate=allow_near_duplicate)
    )
    described = [
        (path, next(outcomes) if isinstance(read, ArticleDraft) else read) for path, read in batch
    ]
    counts = _sentence_counts(o for _, o in described if isinstance(o, BulkOutcome))
    return [_described(path, outcome, counts) for path, outcome in described]


def _sentence_counts(outcomes: Iterator[BulkOutcome]) -> dict[int, int]:
    """The sentences of the stored articles that the files duplicate, in one query."""
    ids = {o.article.pk for o in outcomes if o.article is not None and not o.stored}
    rows = Sentence.objects.filter(article__in=ids).values("article").annotate(n=Count("id"))
    return {row["article"]: row["n"] for row in rows}


def _described(path: Path, outcome: BulkOutcome | str, counts: dict[int, int]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "file": str(path),
        "status": "error",
        "article_id": None,
        "title": None,
        "sentences": None,
        "error": outcome if isinstance(outcome, str) else None,
        "share": None,
    }
    if isinstance(outcome, str):
        return described
    article, refusal = outcome.article, outcome.refusal
    described["status"] = outcome.status
    described["error"] = refusal.message if refusal is not None else None
    if article is not None:
        sentences = outcome.sentences if outcome.stored else counts.get(article.pk, 0)
        described |= {"article_id": article.pk, "title": article.title, "sentences": sentences}
    if isinstance(refusal, Conflict) and "share" in refusal.details:
        described["share"] = refusal.details["share"]
    return described
