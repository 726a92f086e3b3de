"""The base of the IRIs Claimscope publishes (tags, annotations, articles, reviews):
CLAIMSCOPE_BASE_URL when it is set, else the address a request came to. Commands, which have
no request, fall back to the development server's address and say so."""

from collections.abc import Callable

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.http import HttpRequest
from django.urls import reverse

# What `make run` serves; only commands use it, and only after a warning.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"

# A path on this site ("/api/v1/annotations/") -> its absolute IRI.
Absolute = Callable[[str], str]


def absolute_for_request(request: HttpRequest) -> Absolute:
    """IRIs under CLAIMSCOPE_BASE_URL, or under the scheme and host the request came to."""
    base = settings.CLAIMSCOPE_BASE_URL
    if base:
        return lambda path: f"{base}{path}"
    return request.build_absolute_uri


def absolute_for_command(stderr: OutputWrapper) -> Absolute:
    """IRIs under CLAIMSCOPE_BASE_URL; unset, under DEVELOPMENT_BASE_URL, with a warning on
    `stderr`: such links are dead anywhere but on the machine that wrote them."""
    base = settings.CLAIMSCOPE_BASE_URL
    if not base:
        stderr.write(
            "Warning: CLAIMSCOPE_BASE_URL is not set, so the IRIs written start with "
            f"{DEVELOPMENT_BASE_URL}. Set it to this site's public address.\n"
        )
        base = DEVELOPMENT_BASE_URL
    return lambda path: f"{base}{path}"


def tag_iri_base(absolute: Absolute) -> str:
    """What a tag's slug is appended to for its IRI: CLAIMSCOPE_TAG_IRI_BASE, else the
    vocabulary pages on this site (the IRIs resolve to the tags' definitions)."""
    return settings.CLAIMSCOPE_TAG_IRI_BASE or absolute(reverse("claims:vocabulary"))


def tag_iri(slug: str, *, request: HttpRequest) -> str:
    """A tag's IRI, as a page or endpoint answering `request` publishes it."""
    return f"{tag_iri_base(absolute_for_request(request))}{slug}"
