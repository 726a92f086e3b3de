"""Import article files from the command line through the same service as uploads.

A file whose text is stored already is reported as a duplicate; one most of whose sentences
are stored in one article is reported as a near-duplicate and left out, unless
--allow-near-duplicates says to store such files anyway."""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.models import Article
from claims.services.articles import (
    DuplicateArticleError,
    NearDuplicateError,
    article_ingest,
    upload_read,
)
from claims.services.errors import Rejected


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

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user_named(options["user"])
        failures = 0
        for path in options["paths"]:
            outcome = _import_one(
                Path(path),
                user=user,
                publisher=options["publisher"],
                url=options["url"],
                allow_near_duplicate=options["allow_near_duplicates"],
            )
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


def _import_one(
    path: Path, *, user, publisher: str, url: str, allow_near_duplicate: bool
) -> dict[str, Any]:
    outcome: dict[str, Any] = {
        "file": str(path),
        "status": "error",
        "article_id": None,
        "title": None,
        "sentences": None,
        "error": None,
        "share": None,
    }
    try:
        with path.open("rb") as stream:
            upload = upload_read(stream=stream, filename=path.name, size=path.stat().st_size)
        article = article_ingest(
            upload=upload,
            user=user,
            publisher=publisher,
            source_url=url,
            allow_near_duplicate=allow_near_duplicate,
        )
    except NearDuplicateError as error:
        described = _described(error.article, status="near_duplicate", error=error.message)
        return outcome | described | {"share": round(error.share, 3)}
    except DuplicateArticleError as error:
        return outcome | _described(error.article, status="duplicate", error=error.message)
    except Rejected as error:
        return outcome | {"error": error.message}
    except OSError as error:
        return outcome | {"error": f"Cannot read the file: {error.strerror or error}."}
    return outcome | _described(article, status="created", error=None)


def _described(article: Article, *, status: str, error: str | None) -> dict[str, Any]:
    return {
        "status": status,
        "article_id": article.pk,
        "title": article.title,
        "sentences": article.sentences.count(),
        "error": error,
    }
