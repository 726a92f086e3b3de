"""Import a corpus written by export_corpus (native JSONL or JSON), all of it or nothing."""

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.exports.jsonl import read_records
from claims.services.corpus_import import corpus_import
from claims.services.errors import Rejected


class Command(BaseCommand):
    help = (
        "Import tags, articles (text and sentences) and annotations from a file written by "
        "export_corpus --format jsonl or json (FILE, or - for standard input). Tags are matched "
        "by slug and updated, articles by their text's SHA-256 (one already here is kept as it "
        "is), reviewers by username (a missing one is created as a reviewer who cannot sign in "
        "until given a password). Final (adjudicated) annotations stay final, and an article "
        "keeps when and by whom its adjudication was finished; the adjudication decisions, the "
        "history of events and the assignments are not part of the file. One transaction: a "
        "faulty file imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            with _opened(name) as stream:
                counts = corpus_import(records=read_records(stream, name=name))
        except Rejected as error:
            raise CommandError(f"Nothing imported: {error.message}") from None
        except UnicodeDecodeError:
            raise CommandError("Nothing imported: the file is not UTF-8 text.") from None
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error.strerror or error}.") from None
        self.stdout.write(_summary(counts))


@contextmanager
def _opened(name: str) -> Iterator[TextIO]:
    if name == "-":
        yield sys.stdin
        return
    with open(name, encoding="utf-8") as stream:
        yield stream


def _summary(counts: Counter) -> str:
    replies = ""
    if counts["replies created"] or counts["replies present"]:
        replies = (
            f", {counts['replies created']} replies ({counts['replies present']} already here)"
        )
    return (
        f"Imported {counts['tags created']} new and {counts['tags updated']} updated tags, "
        f"{counts['articles created']} articles ({counts['articles present']} already here), "
        f"{counts['annotations created']} annotations ({counts['annotations present']} already "
        f"here){replies} and {counts['users created']} new reviewers."
    )
