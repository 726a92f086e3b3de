"""Input shared by several endpoints: a request body checked by its serializer, the `final`
layer switch, the `format` parameter of W3C-capable lists, an id given as a query parameter."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.serializers import Serializer

from claims.exports.w3c import MEDIA_TYPE as W3C_MEDIA_TYPE
from claims.services.errors import Malformed

FINAL_PARAMETER = OpenApiParameter(
    "final",
    bool,
    required=False,
    description="`true`: the final annotations editors accepted in adjudication instead of the "
    "reviewers' annotations (the default). Reviewers see final ones once an article's "
    "adjudication is finished.",
)

W3C_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "jsonld"],
    required=False,
    description="`jsonld` answers in the W3C Web Annotation model (as does the `Accept` header "
    f"`{W3C_MEDIA_TYPE}`).",
)


def valid_input(
    serializer_class: type[Serializer], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def wants_final(request: Request) -> bool:
    """The `final` query parameter: which layer of annotations a list or count covers."""
    raw = request.query_params.get("final", "false").strip().lower()
    if raw not in {"true", "1", "false", "0", ""}:
        raise Malformed("final", f"“{raw}” is not true or false.")
    return raw in {"true", "1"}


# An id in the query string, as the schema shows it (a PostgreSQL bigint).
ID_MAX = 2**63 - 1
ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": ID_MAX}


def article_id_param(request: Request) -> int | None:
    """The `article` query parameter as an id, if given. A filter that cannot apply is
    refused, not ignored: ignoring it would list everything."""
    article = request.query_params.get("article")
    if article is None:
        return None
    if not (article.isascii() and article.isdigit()) or int(article) > ID_MAX:
        raise Malformed("article", f"“{article}” is not an article id.")
    return int(article)


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's, except that `?format=` with no value is refused as an unknown format is (DRF
    would ignore it)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) == "":
            raise NotFound("Give a `format`, or leave the parameter out.")
        return super().select_renderer(request, renderers, format_suffix)
