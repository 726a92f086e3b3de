"""Precision, recall and F1 of a suggestion model version on labelled pages."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.services.errors import Rejected
from claims.services.suggestions import suggester_model, suggester_version
from claims.suggest.baseline import keyword_tags
from claims.suggest.corpus import read_gold
from claims.suggest.evaluate import evaluate, format_report
from claims.suggest.report import model_report


class Command(BaseCommand):
    help = (
        "Score the active (or a named) model version on gold sentences: .page files, "
        "directories of them, or JSON Lines with one sentence per line "
        '({"page", "block", "kind", "text", "tags": [slugs]}).'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("gold", nargs="+", metavar="GOLD")
        parser.add_argument(
            "--model", default="", help="A model version; the active one if left out."
        )
        parser.add_argument(
            "--baseline", action="store_true", help="Also score the naive keyword list."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = suggester_version(options["model"])
            sentences = read_gold(options["gold"])
        except (Rejected, ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        if not sentences:
            raise CommandError("The gold files hold no sentences.")
        model = suggester_model(version)
        report = model_report(model, sentences)
        pages = len({s.page for s in sentences})
        title = f"model {version.version} on {len(sentences)} sentences of {pages} page(s)"
        self.stdout.write(format_report(report, title))
        if options["baseline"]:
            baseline = evaluate(
                [keyword_tags(s.text) for s in sentences],
                [s.tags for s in sentences],
                list(model.tags),
            )
            self.stdout.write(format_report(baseline, "keyword baseline"))
