"""Annotation counts over REST, computed in the database and grouped as asked (JSON or CSV)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api.filters import AnnotationFilter
from claims.api.params import FINAL_PARAMETER, wants_final
from claims.api.renderers import TagCountsCSVRenderer
from claims.api.serializers import TagCountsSerializer
from claims.permissions import EVERY_ROLE
from claims.services.errors import Malformed


class TagCountsView(GenericAPIView):
    """Annotation counts computed in the database, grouped as asked, over the annotations you
    may see and the same filters as the annotation list."""

    roles = {"GET": EVERY_ROLE}
    serializer_class = TagCountsSerializer
    filterset_class = AnnotationFilter
    pagination_class = None
    renderer_classes = [JSONRenderer, TagCountsCSVRenderer, BrowsableAPIRenderer]

    def get_queryset(self):
        return selectors.annotations_visible_to(self.request.user, final=wants_final(self.request))

    @extend_schema(
        operation_id="stats_tags",
        parameters=[
            OpenApiParameter(
                "group_by",
                {"type": "array", "items": {"type": "string", "enum": selectors.GROUP_BY_KEYS}},
                required=False,
                description="Any of: "
                + ", ".join(selectors.GROUP_BY_KEYS)
                + ", repeated (`group_by=tag&group_by=month`) or comma-separated. Default `tag`.",
            ),
            OpenApiParameter("format", str, enum=["json", "csv"], required=False),
            FINAL_PARAMETER,
        ],
        responses={
            (200, "application/json"): TagCountsSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def get(self, request: Request) -> Response:
        group_by = _group_by(request.query_params.getlist("group_by"))
        annotations = self.filter_queryset(self.get_queryset())
        rows = selectors.tag_counts(annotations=annotations, group_by=group_by)
        headers = {}
        if getattr(request.accepted_renderer, "format", "") == "csv":
            headers["Content-Disposition"] = 'attachment; filename="tag-counts.csv"'
        return Response({"group_by": group_by, "results": rows}, headers=headers)


def _group_by(values: list[str]) -> list[str]:
    asked = [key.strip() for value in values for key in value.split(",") if key.strip()]
    unknown = [key for key in asked if key not in selectors.GROUP_BY_KEYS]
    if unknown:
        raise Malformed(
            "group_by",
            f"Cannot group by {', '.join(unknown)}; "
            f"choose from {', '.join(selectors.GROUP_BY_KEYS)}.",
        )
    return [key for key in selectors.GROUP_BY_KEYS if key in asked] or ["tag"]
