"""The project's routes plus two that fail, for the tests of what a server error looks like."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from annotator.urls import handler500
from annotator.urls import urlpatterns as project_urlpatterns

__all__ = ["handler500", "urlpatterns"]


@api_view(["GET"])
@permission_classes([AllowAny])
def failing_endpoint(request: Request) -> HttpResponse:
    raise RuntimeError("the database went away")


def failing_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the template engine went away")


urlpatterns = [
    path("api/v1/failing/", failing_endpoint),
    path("failing/", failing_page),
    *project_urlpatterns,
]
