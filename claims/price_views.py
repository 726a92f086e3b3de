"""The download of the prices quoted in price-claim annotations, as CSV."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_safe

from claims import selectors
from claims.exports.prices import price_csv
from claims.forms import ReportFilterForm

FILENAME = "claimscope-prices.csv"


@login_required
@require_safe
def price_export(request: HttpRequest) -> HttpResponse:
    """The prices quoted in the price claims a report with these filters covers, streamed:
    a reviewer gets those in their own annotations, editors and readers everyone's."""
    if not selectors.user_roles(request.user):
        # Without a role a user may see no annotation, so there is nothing to download.
        raise PermissionDenied("Price downloads are for reviewers, editors and readers.")
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            form.errors.as_text(), content_type="text/plain; charset=utf-8"
        )
    annotations = selectors.report_annotations(user=request.user, filters=form.filters())
    response = StreamingHttpResponse(price_csv(annotations), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response
