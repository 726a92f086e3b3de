"""Reports as PDF: a report page's HTML laid out by WeasyPrint."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def pdf_response(
    request: HttpRequest, *, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    # Imported here: WeasyPrint loads Pango and its fonts, which only PDF requests need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context, request=request)
    # Styles are inline and charts are inline SVG, so the PDF needs nothing from outside:
    # fetching nothing also means no link in an article can make the server call out.
    document = HTML(
        string=html,
        base_url=request.build_absolute_uri("/"),
        url_fetcher=URLFetcher(allowed_protocols=frozenset()),
    )
    return HttpResponse(
        document.write_pdf(),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
