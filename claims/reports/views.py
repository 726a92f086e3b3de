"""Report pages for one article and for the corpus, with their PDF and XLSX downloads."""

from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from claims import selectors
from claims.exports.pdf import pdf_response
from claims.exports.xlsx import article_workbook, corpus_workbook
from claims.forms import ArticleReportForm, CorpusReportForm, filter_summary
from claims.models import Annotation
from claims.permissions import EVERY_ROLE, role_required
from claims.reports import charts, contents
from claims.selectors_clusters import clusters_list

ARTICLE_PAGE = "claims/report_article.html"
CORPUS_PAGE = "claims/report_corpus.html"
# The bar chart draws this many publishers (those with most flags) so that it fits on a PDF
# page; the table beside it lists them all.
CHART_PUBLISHERS = 10
# The claims quoted by the most publishers, listed in the corpus report.
TOP_CLUSTERS = 10
# WeasyPrint lays a PDF out whole, at several milliseconds per flagged sentence: an article's
# PDF lists this many annotations at most (and says so) to finish well inside a request.
PDF_FLAGGED_LIMIT = 1_000


# --- Article report ---------------------------------------------------------------------------


@role_required(EVERY_ROLE)
@require_safe
def article_report(request: HttpRequest, article_id: int) -> HttpResponse:
    context = _article_context(request, article_id)
    return render(request, ARTICLE_PAGE, context, status=400 if context["form"].errors else 200)


@role_required(EVERY_ROLE)
@require_safe
def article_report_pdf(request: HttpRequest, article_id: int) -> HttpResponse:
    context = _article_context(request, article_id, limit=PDF_FLAGGED_LIMIT)
    if context["form"].errors:
        return render(request, ARTICLE_PAGE, context, status=400)
    filename = f"claimscope-article-{article_id}-report.pdf"
    return pdf_response(
        request, template="claims/report_pdf_article.html", context=context, filename=filename
    )


@role_required(EVERY_ROLE)
@require_safe
def article_report_xlsx(request: HttpRequest, article_id: int) -> HttpResponseBase:
    """The article report as a workbook, with the filters of the page."""
    article = selectors.article_get(pk=article_id)
    form = ArticleReportForm(request.GET, user=request.user, article=article)
    if not form.is_valid():
        return render(request, ARTICLE_PAGE, {"article": article, "form": form}, status=400)
    filters = form.filters(article_id=article.pk)
    annotations = selectors.report_annotations(user=request.user, filters=filters)
    # The workbook has every annotation on a sheet of its own: no flagged list to read.
    report = contents.article_report(annotations=annotations, limit=0)
    agreement = contents.report_agreement(user=request.user, filters=filters)
    workbook = article_workbook(
        article=article, report=report, annotations=annotations, agreement=agreement
    )
    return _xlsx_response(workbook, filename=f"claimscope-article-{article.pk}-report.xlsx")


def _xlsx_response(workbook: IO[bytes], *, filename: str) -> FileResponse:
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _article_context(
    request: HttpRequest, article_id: int, *, limit: int = contents.FLAGGED_LIMIT
) -> dict[str, Any]:
    """The article, the filter form and, when the filters are valid, the report listing at
    most `limit` annotations, with the reviewers' agreement for editors and readers."""
    article = selectors.article_get(pk=article_id)
    form = ArticleReportForm(request.GET, user=request.user, article=article)
    context: dict[str, Any] = {"article": article, "form": form}
    if not form.is_valid():
        return context
    filters = form.filters(article_id=article.pk)
    annotations = selectors.report_annotations(user=request.user, filters=filters)
    query = request.GET.urlencode()
    return {
        **context,
        "report": contents.article_report(annotations=annotations, limit=limit),
        "agreement": contents.agreement_section(user=request.user, filters=filters),
        "final": filters.final,
        "own_only": not selectors.user_sees_all_annotations(request.user),
        # The corpus's claims quoted by the most clinics belong to the corpus report only.
        "top_clusters": None,
        "filters": filter_summary(form),
        "sentences": article.sentences.count(),
        "article_url": reverse("claims:article_detail", args=[article.pk]),
        "query": query,
        "downloads": _article_downloads(article.pk, query),
        "generated": timezone.now(),
    }


@dataclass(frozen=True)
class Download:
    label: str
    url: str


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _article_downloads(article_id: int, query: str) -> list[Download]:
    exports = [
        ("Markdown", "md"),
        ("CSV", "csv"),
        ("JSON", "json"),
        ("W3C Web Annotation (JSON-LD)", "w3c"),
        ("ClaimReview (JSON-LD)", "claimreview"),
    ]
    pdf = reverse("claims:article_report_pdf", args=[article_id])
    xlsx = reverse("claims:article_report_xlsx", args=[article_id])
    files = [
        Download("PDF", _with_query(pdf, query)),
        Download("Excel (XLSX)", _with_query(xlsx, query)),
    ]
    return files + [
        Download(
            label, _with_query(reverse("claims:article_export", args=[article_id, fmt]), query)
        )
        for label, fmt in exports
    ]


# --- Corpus report ----------------------------------------------------------------------------


@role_required(EVERY_ROLE)
@require_safe
def corpus_report(request: HttpRequest) -> HttpResponse:
    form, annotations = _corpus_filters(request)
    if annotations is None:
        return render(request, CORPUS_PAGE, {"form": form}, status=400)
    return render(request, CORPUS_PAGE, _corpus_context(request, form, annotations))


@role_required(EVERY_ROLE)
@require_safe
def corpus_report_pdf(request: HttpRequest) -> HttpResponse:
    form, annotations = _corpus_filters(request)
    if annotations is None:
        return render(request, CORPUS_PAGE, {"form": form}, status=400)
    context = _corpus_context(request, form, annotations)
    return pdf_response(
        request,
        template="claims/report_pdf_corpus.html",
        context=context,
        filename="claimscope-report.pdf",
    )


@role_required(EVERY_ROLE)
@require_safe
def corpus_report_xlsx(request: HttpRequest) -> HttpResponseBase:
    form, annotations = _corpus_filters(request)
    if annotations is None:
        return render(request, CORPUS_PAGE, {"form": form}, status=400)
    report = contents.corpus_report(annotations=annotations)
    agreement = contents.report_agreement(user=request.user, filters=form.filters())
    workbook = corpus_workbook(report=report, annotations=annotations, agreement=agreement)
    return _xlsx_response(workbook, filename="claimscope-report.xlsx")


def _corpus_filters(
    request: HttpRequest,
) -> tuple[CorpusReportForm, QuerySet[Annotation] | None]:
    """The filter form and, when it is valid, the annotations the report covers."""
    form = CorpusReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    return form, selectors.report_annotations(user=request.user, filters=form.filters())


def _corpus_context(
    request: HttpRequest, form: CorpusReportForm, annotations: QuerySet[Annotation]
) -> dict[str, Any]:
    report = contents.corpus_report(annotations=annotations)
    filters = form.filters()
    query = request.GET.urlencode()
    return {
        "form": form,
        "report": report,
        "agreement": contents.agreement_section(user=request.user, filters=filters),
        "final": filters.final,
        "publisher_chart": _publisher_chart(report.by_publisher),
        "month_chart": _month_chart(report.by_month),
        "chart_publishers": CHART_PUBLISHERS,
        "own_only": not selectors.user_sees_all_annotations(request.user),
        # Made of every reviewer's tags: only for the roles that see them all.
        "top_clusters": (
            list(clusters_list()[:TOP_CLUSTERS])
            if selectors.user_sees_all_annotations(request.user)
            else None
        ),
        "filters": filter_summary(form),
        "query": query,
        "downloads": _corpus_downloads(query),
        "generated": timezone.now(),
    }


def _publisher_chart(table: contents.CountTable) -> SafeString:
    busiest = sorted(table.rows, key=lambda row: -row.annotations)[:CHART_PUBLISHERS]
    groups = [
        charts.BarGroup(
            label=row.label or "No publisher",
            bars=tuple(
                charts.Bar(label=tag.name, value=count, colour=tag.colour)
                for tag, count in zip(table.tags, row.counts, strict=True)
            ),
        )
        for row in busiest
    ]
    return charts.bar_chart(title="Flags per tag and publisher", groups=groups, unit="flags")


def _month_chart(table: contents.CountTable) -> SafeString:
    points = [charts.Point(label=row.label, value=row.annotations) for row in table.rows]
    return charts.line_chart(title="Flags per month", points=points, unit="flags")


def _corpus_downloads(query: str) -> list[Download]:
    exports = [
        ("CSV", "csv"),
        ("JSON", "json"),
        ("JSON Lines", "jsonl"),
        ("Markdown", "md"),
        ("W3C Web Annotation (JSON-LD)", "w3c"),
        ("ClaimReview (JSON-LD)", "claimreview"),
    ]
    files = [
        ("PDF", reverse("claims:corpus_report_pdf")),
        ("Excel (XLSX)", reverse("claims:corpus_report_xlsx")),
        ("Prices (CSV)", reverse("claims:price_export")),
    ]
    return [Download(label, _with_query(url, query)) for label, url in files] + [
        Download(label, _with_query(reverse("claims:corpus_export", args=[fmt]), query))
        for label, fmt in exports
    ]
