"""Print an article's suggested tags, computing them with the active model when it has none."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.models import Article, Suggestion
from claims.services.errors import Rejected
from claims.services.suggestions import suggester_version, suggestions_compute


class Command(BaseCommand):
    help = "Print the suggested tags of an article (those shown to reviewers, unless --all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--article", type=int, required=True, metavar="ID")
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")
        parser.add_argument(
            "--all", action="store_true", help="Also those below their tag's threshold."
        )
        parser.add_argument(
            "--model", default="", help="A model version; the active one if left out."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        article = Article.objects.only("pk").filter(pk=options["article"]).first()
        if article is None:
            raise CommandError(f"There is no article {options['article']}.")
        try:
            version = suggester_version(options["model"])
        except Rejected as error:
            raise CommandError(error.message) from None
        suggestions_compute(article=article, version=version)
        rows = Suggestion.objects.filter(article=article, model=version).select_related("tag")
        if not options["all"]:
            rows = rows.filter(shown=True)
        for row in rows.order_by("sentence", "tag__order", "tag__slug"):
            self.stdout.write(self._line(row, version=version.version, as_json=options["json"]))

    def _line(self, row: Suggestion, *, version: str, as_json: bool) -> str:
        if as_json:
            fields = {
                "article": row.article_id,
                "sentence": row.sentence,
                "start": row.start,
                "end": row.end,
                "tag": row.tag.slug,
                "score": row.score,
                "reason": row.reason,
                "model": version,
            }
            return json.dumps(fields, ensure_ascii=False)
        hidden = "" if row.shown else " (hidden)"
        return f"{row.sentence:>5} {row.tag.slug:<18} {row.score:.3f}{hidden}  {row.reason}"
