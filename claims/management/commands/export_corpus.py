"""Export the corpus, or the part the filters select, to standard output or a file."""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.urls import reverse

from claims import selectors
from claims.exports import FORMATS
from claims.exports.rows import (
    ExportSource,
    Links,
    covered_articles,
    export_label,
    filters_narrow_annotations,
)
from claims.forms import FINAL_SCOPE, REVIEW_SCOPE, ReportFilterForm
from claims.iris import Absolute, absolute_for_command
from claims.models import Annotation, Article
from claims.selectors import ReportFilters

# The formats that mark each annotation final or not, and so can carry both kinds.
NATIVE_FORMATS = ("jsonl", "json")


class CommandLineOperator(AnonymousUser):
    """Whoever runs manage.py can read the database anyway: they see what an editor sees."""

    # AnonymousUser declares both False as literals; this operator is the one exception.
    is_superuser = True  # type: ignore[assignment]

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


class Command(BaseCommand):
    help = (
        "Stream annotations (and, in the native jsonl and json formats, their articles and the "
        "tag vocabulary) to standard output. Without filters it exports everything, articles "
        "without annotations too; a filter on tags, reviewer or dates keeps only the articles "
        "with an annotation that passes it. The native formats carry the reviewers' and the "
        'final (adjudicated) annotations, each marked "final": true or false, so that '
        "import_corpus rebuilds both; the other formats carry the reviewers'. With --final "
        "every format carries the final annotations only (and only the articles that have "
        "some). Adjudication decisions, the event history and assignments are not exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=list(FORMATS), default="jsonl")
        parser.add_argument("--output", "-o", help="Write to this file instead (UTF-8).")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--tag", action="append", default=[], help="A tag slug; repeatable.")
        parser.add_argument("--reviewer", default="", help="One reviewer's username.")
        parser.add_argument("--status", default="", help="The articles' status.")
        parser.add_argument("--created-after", default="", help="YYYY-MM-DD, inclusive.")
        parser.add_argument("--created-before", default="", help="YYYY-MM-DD, inclusive.")
        parser.add_argument("--article", type=int, help="One article's id.")
        parser.add_argument(
            "--final",
            action="store_true",
            help="Only the final (adjudicated) annotations, authored by the editors who "
            "accepted them. Not with --reviewer.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        filters = _filters_from(options)
        annotations = _annotations(filters, native=options["format"] in NATIVE_FORMATS)
        every_article = not filters_narrow_annotations(filters)
        absolute = absolute_for_command(self.stderr)
        source = ExportSource(
            annotations=annotations,
            articles=covered_articles(
                annotations=annotations, filters=filters, every_article=every_article
            ),
            links=Links.on_site(absolute),
            label=export_label(filters),
            iri=_collection_iri(options["format"], filters, absolute=absolute),
        )
        chunks = FORMATS[options["format"]].write(source=source)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as file:
                file.writelines(chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")


def _annotations(filters: ReportFilters, *, native: bool) -> QuerySet[Annotation]:
    """The annotations the filters select. The native formats, which tell final annotations
    apart, take both kinds unless the filters ask for the final ones: a corpus moved to
    another instance keeps its adjudication."""
    operator = CommandLineOperator()
    annotations = selectors.report_annotations(user=operator, filters=filters)
    if not native or filters.final:
        return annotations
    return annotations | selectors.report_annotations(
        user=operator, filters=replace(filters, final=True)
    )


def _filters_from(options: dict[str, Any]) -> ReportFilters:
    """The filters, checked by the same form as the report pages' query strings."""
    keys = ("publisher", "tag", "reviewer", "status", "created_after", "created_before")
    scope = FINAL_SCOPE if options["final"] else REVIEW_SCOPE
    form = ReportFilterForm({**{key: options[key] for key in keys}, "scope": scope})
    if not form.is_valid():
        raise CommandError(form.errors.as_text())
    article_id = options["article"]
    if article_id is not None and not Article.objects.filter(pk=article_id).exists():
        raise CommandError(f"There is no article {article_id}.")
    return form.filters(article_id=article_id)


def _collection_iri(fmt: str, filters: ReportFilters, *, absolute: Absolute) -> str:
    """What the same export's URL on the site would be."""
    query = {
        "publisher": filters.publisher,
        "tag": list(filters.tags),
        "reviewer": filters.reviewer,
        "status": filters.status,
        "created_after": filters.created_after or "",
        "created_before": filters.created_before or "",
        "scope": FINAL_SCOPE if filters.final else "",
    }
    query = {key: value for key, value in query.items() if value}
    if filters.article_id is not None:
        path = reverse("claims:article_export", args=[filters.article_id, fmt])
    else:
        path = reverse("claims:corpus_export", args=[fmt])
    return absolute(path) + (f"?{urlencode(query, doseq=True)}" if query else "")
