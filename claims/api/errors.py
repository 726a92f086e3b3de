"""Every refusal turned into its JSON body and status in one place: the services' Rejected (by
kind: 400 for input the schema refuses, 422 for well-formed input a rule refuses, 409 for a
clash with a stored row, ...), DRF's own errors, a body over DATA_UPLOAD_MAX_MEMORY_SIZE
(which Django would answer with an HTML 400), and the server's own failures, which API
clients get as JSON too."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from claims.middleware import current_request_id
from claims.services.errors import (
    BatchRejected,
    Conflict,
    Forbidden,
    Malformed,
    Rejected,
    Stale,
    TooLarge,
)

# The refusals answered as {"detail": message}, by status.
_DETAIL_STATUS = (
    (Forbidden, status.HTTP_403_FORBIDDEN),
    (Stale, status.HTTP_412_PRECONDITION_FAILED),
    (TooLarge, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE),
)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        exc = TooLarge("non_field_errors", f"The request body is larger than {limit:.0f} MB.")
    if isinstance(exc, Rejected):
        set_rollback()  # as DRF does for its own errors, under ATOMIC_REQUESTS
        return rejected_response(exc)
    return exception_handler(exc, context)


def rejected_response(error: Rejected) -> Response:
    for kind, status_code in _DETAIL_STATUS:
        if isinstance(error, kind):
            return Response({"detail": error.message}, status=status_code)
    if isinstance(error, Malformed):
        return Response(field_errors(error), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, BatchRejected):
        items: list[dict[str, Any]] = [{} for _ in range(error.count)]
        for number, item in error.errors.items():
            items[number] = refusal_body(item)
        body = {**refusal_body(error), error.field: items}
        return Response(body, status=refusals_status(error.errors.values()))
    return Response(refusal_body(error), status=refusals_status([error]))


def refusal_body(error: Rejected) -> dict[str, Any]:
    """`{"detail", "code"}`, with the field refused (when it is one) and, for a conflict,
    the stored rows it clashes with."""
    body: dict[str, Any] = {"detail": error.message, "code": error.code}
    if error.field != "non_field_errors":
        body["field"] = error.field
    if isinstance(error, Conflict):
        body |= error.details
    return body


def refusals_status(refusals: Iterable[Rejected]) -> int:
    """409 when every refusal is a clash with stored rows; 422 when some well-formed input
    breaks another rule."""
    if all(isinstance(refusal, Conflict) for refusal in refusals):
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_ENTITY


def field_errors(error: Rejected) -> dict[str, list[ErrorDetail]]:
    """A refusal in DRF's validation-error shape: {field: [message]}, the message's code kept."""
    return {error.field: [ErrorDetail(error.message, code=error.code)]}


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's handler404, for addresses no route matches (`/api/v1/articles/abc/`): JSON
    under /api/, as the API's own 404s are; the HTML page elsewhere."""
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    body = {"detail": f"There is nothing at {request.path}.", "code": "not_found"}
    return JsonResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: JSON under /api/, naming the request id that the log lines of the
    failure carry; the HTML error page elsewhere."""
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    request_id = current_request_id()
    body = {
        "detail": f"The server failed to answer this request; quote {request_id} to report it.",
        "code": "server_error",
        "request_id": request_id,
    }
    return JsonResponse(body, status=500)
