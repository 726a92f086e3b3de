"""Downloads of one article's or the corpus's annotations in each export format, and of the
prices quoted in price claims."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from claims import selectors, selectors_threads
from claims.exports.http import export_format_get, export_response
from claims.exports.price_csv import price_csv
from claims.exports.rows import ExportSource, Links, covered_articles, export_label
from claims.forms import ReportFilterForm
from claims.iris import absolute_for_request
from claims.permissions import EVERY_ROLE, role_required
from claims.selectors import ReportFilters


@role_required(EVERY_ROLE)
@require_GET
def article_export(request: HttpRequest, article_id: int, fmt: str) -> HttpResponseBase:
    """One article's annotations (those the user may see), with the article itself: the
    reviewers' (optionally one reviewer's) or, with `scope=final`, the final ones."""
    export_format = export_format_get(fmt)
    article = selectors.article_get(pk=article_id)
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form.errors.as_text())
    filters = form.filters(article_id=article.pk)
    annotations = selectors.report_annotations(user=request.user, filters=filters)
    source = ExportSource(
        annotations=annotations,
        articles=covered_articles(annotations=annotations, filters=filters, every_article=True),
        links=Links.on_site(absolute_for_request(request)),
        label=export_label(filters, article_title=article.title),
        iri=absolute_for_request(request)(request.get_full_path()),
        replies=selectors_threads.replies_visible_to(request.user),
        decisions=selectors_threads.decisions_visible_to(request.user),
    )
    filename = f"article-{article.pk}-{_layer_name(filters)}"
    return export_response(export_format=export_format, source=source, filename=filename)


@role_required(EVERY_ROLE)
@require_GET
def corpus_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The annotations the user may see across articles, filtered. The native formats carry
    the articles with at least one of them, not the whole library."""
    export_format = export_format_get(fmt)
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form.errors.as_text())
    filters = form.filters()
    annotations = selectors.report_annotations(user=request.user, filters=filters)
    source = ExportSource(
        annotations=annotations,
        articles=covered_articles(annotations=annotations, filters=filters, every_article=False),
        links=Links.on_site(absolute_for_request(request)),
        label=export_label(filters),
        iri=absolute_for_request(request)(request.get_full_path()),
        replies=selectors_threads.replies_visible_to(request.user),
        decisions=selectors_threads.decisions_visible_to(request.user),
    )
    return export_response(
        export_format=export_format, source=source, filename=f"claimscope-{_layer_name(filters)}"
    )


@role_required(EVERY_ROLE)
@require_GET
def price_export(request: HttpRequest) -> HttpResponseBase:
    """The prices quoted in the price claims a report with these filters covers, streamed:
    a reviewer gets those in their own annotations, editors and readers everyone's; with
    `scope=final`, those in the final annotations."""
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form.errors.as_text())
    filters = form.filters()
    annotations = selectors.report_annotations(user=request.user, filters=filters)
    response = StreamingHttpResponse(price_csv(annotations), content_type="text/csv; charset=utf-8")
    name = "claimscope-final-prices" if filters.final else "claimscope-prices"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _layer_name(filters: ReportFilters) -> str:
    """How a download's file name says which annotations it holds."""
    return "final-annotations" if filters.final else "annotations"


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
