"""Downloads of one article's or the corpus's annotations in each export format, and of the
prices quoted in price claims."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from claims import selectors
from claims.exports.http import export_format_get, export_response
from claims.exports.prices import price_csv
from claims.exports.rows import ExportSource, Links, covered_articles
from claims.forms import ReportFilterForm
from claims.permissions import EVERY_ROLE, role_required

# What an article export may be narrowed to; one reviewer's is `reviewer=<username>`.
# "final" is everyone's until adjudication exists.
ARTICLE_SCOPES = ("everyone", "final")


@role_required(EVERY_ROLE)
@require_GET
def article_export(request: HttpRequest, article_id: int, fmt: str) -> HttpResponse:
    """One article's annotations (those the user may see), with the article itself."""
    export_format = export_format_get(fmt)
    article = selectors.article_get(pk=article_id)
    form = ReportFilterForm(request.GET)
    problem = _scope_problem(request.GET.get("scope") or "everyone", form)
    if problem:
        return _bad_request(problem)
    filters = form.filters(article_id=article.pk)
    annotations = selectors.report_annotations(user=request.user, filters=filters)
    source = ExportSource(
        annotations=annotations,
        articles=covered_articles(annotations=annotations, filters=filters, every_article=True),
        links=Links.on_site(request.build_absolute_uri),
        label=f"Annotations on “{article.title}”",
        iri=request.build_absolute_uri(),
    )
    filename = f"article-{article.pk}-annotations"
    return export_response(export_format=export_format, source=source, filename=filename)


@role_required(EVERY_ROLE)
@require_GET
def corpus_export(request: HttpRequest, fmt: str) -> HttpResponse:
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
        links=Links.on_site(request.build_absolute_uri),
        label="Claimscope annotations",
        iri=request.build_absolute_uri(),
    )
    return export_response(
        export_format=export_format, source=source, filename="claimscope-annotations"
    )


@role_required(EVERY_ROLE)
@require_GET
def price_export(request: HttpRequest) -> HttpResponse:
    """The prices quoted in the price claims a report with these filters covers, streamed:
    a reviewer gets those in their own annotations, editors and readers everyone's."""
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form.errors.as_text())
    annotations = selectors.report_annotations(user=request.user, filters=form.filters())
    response = StreamingHttpResponse(price_csv(annotations), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claimscope-prices.csv"'
    return response


def _scope_problem(scope: str, form: ReportFilterForm) -> str:
    """What is wrong with an article export's query string, or ""."""
    if scope not in ARTICLE_SCOPES:
        return f"scope: “{scope}” is not one of {', '.join(ARTICLE_SCOPES)}."
    if not form.is_valid():
        return form.errors.as_text()
    if scope == "final" and form.cleaned_data["reviewer"]:
        return "scope: choose one reviewer or the final annotations, not both."
    return ""


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
