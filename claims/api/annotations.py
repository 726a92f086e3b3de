"""Annotations over REST: lists (also as W3C Web Annotation pages), one annotation with its
ETag, single and bulk creation, changes and deletion by their author."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db.models import QuerySet
from django.http import Http404, HttpResponseNotModified
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api.filters import AnnotationFilter
from claims.api.pagination import OrderedCursorPagination
from claims.api.params import FINAL_PARAMETER, W3C_PARAMETER, valid_input, wants_final
from claims.api.renderers import W3CAnnotationRenderer
from claims.api.serializers import (
    AnnotationBulkResultSerializer,
    AnnotationBulkSerializer,
    AnnotationCreateSerializer,
    AnnotationSerializer,
    AnnotationUpdateSerializer,
)
from claims.exports import w3c
from claims.models import Annotation
from claims.permissions import ANNOTATORS, EVERY_ROLE, acting_user
from claims.services.annotations import (
    AnnotationDraft,
    annotation_create,
    annotation_delete,
    annotation_update,
    annotations_bulk_create,
)
from claims.services.errors import Stale


class _AnnotationViewMixin:
    renderer_classes: Sequence[type[BaseRenderer]] = [
        JSONRenderer,
        W3CAnnotationRenderer,
        BrowsableAPIRenderer,
    ]

    def wants_w3c(self, request: Request) -> bool:
        return getattr(request.accepted_renderer, "format", "") == "jsonld"

    def w3c_iris(self, request: Request):
        annotations = request.build_absolute_uri(reverse("api:annotation-list"))
        articles = request.build_absolute_uri(reverse("api:article-list"))
        return (lambda a: f"{annotations}{a.pk}/"), (lambda a: f"{articles}{a.article_id}/")


# What a list row needs: building 500 full user and tag rows per page costs more than the query.
ANNOTATION_LIST_FIELDS = (
    *(f.attname for f in Annotation._meta.concrete_fields),
    "tag__slug",
    "author__username",
)


class AnnotationListView(_AnnotationViewMixin, GenericAPIView):
    """Annotations you may see (a reviewer: their own; editors and readers: everyone's)."""

    roles = {"GET": EVERY_ROLE, "POST": ANNOTATORS}
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    pagination_class = OrderedCursorPagination

    def get_queryset(self):
        final = wants_final(self.request)
        return (
            selectors.annotations_visible_to(self.request.user, final=final)
            .select_related("tag", "author")
            .only(*ANNOTATION_LIST_FIELDS)
        )

    @extend_schema(
        operation_id="annotations_list",
        parameters=[W3C_PARAMETER, FINAL_PARAMETER],
        responses={
            (200, "application/json"): AnnotationSerializer(many=True),
            (200, w3c.MEDIA_TYPE): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request) -> Response:
        annotations = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(annotations)
        if not self.wants_w3c(request):
            return self.get_paginated_response(AnnotationSerializer(page, many=True).data)
        return Response(self._w3c_page(request, annotations, page), content_type=w3c.MEDIA_TYPE)

    def _w3c_page(
        self, request: Request, annotations: QuerySet[Annotation], page: list[Annotation] | None
    ) -> dict[str, Any]:
        paginator = self.paginator
        if not isinstance(paginator, OrderedCursorPagination):
            raise TypeError("The annotation list pages by cursor.")
        iri_for, article_iri_for = self.w3c_iris(request)
        has_cursor = paginator.cursor_query_param in request.query_params
        collection = request.build_absolute_uri(
            _without(
                request.get_full_path(),
                {paginator.cursor_query_param, paginator.page_size_query_param},
            )
        )
        return w3c.annotation_page(
            page or [],
            page_iri=request.build_absolute_uri(),
            collection_iri=collection,
            total=annotations.count(),
            start_index=paginator.start_index(annotations) if has_cursor else 0,
            next_iri=paginator.get_next_link(),
            prev_iri=paginator.get_previous_link(),
            iri_for=iri_for,
            article_iri_for=article_iri_for,
        )

    @extend_schema(
        operation_id="annotations_create",
        request=AnnotationCreateSerializer,
        responses={
            201: AnnotationSerializer,
            400: OpenApiResponse(description="Names the problem."),
            409: OpenApiResponse(description="You already gave this span this tag."),
        },
    )
    def post(self, request: Request) -> Response:
        data = valid_input(AnnotationCreateSerializer, request)
        annotation = annotation_create(author=acting_user(request), draft=_draft(data))
        location = request.build_absolute_uri(
            reverse("api:annotation-detail", args=[annotation.pk])
        )
        response = Response(
            AnnotationSerializer(annotation).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )
        response["ETag"] = _etag(annotation, w3c_form=False)
        return response


def _draft(data: dict[str, Any]) -> AnnotationDraft:
    sentences = data.get("sentences")
    return AnnotationDraft(
        article_id=data["article"],
        tag=data["tag"],
        start=data.get("start"),
        end=data.get("end"),
        sentences=tuple(sentences) if sentences else None,
        note=data.get("note", ""),
    )


def _without(path: str, parameters: set[str]) -> str:
    """The path without the paging `parameters`, its query sorted as DRF sorts it in
    `next`/`prev` links, so every page of a listing names the same collection."""
    parts = urlsplit(path)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in parameters
    )
    return urlunsplit(parts._replace(query=urlencode(query)))


class AnnotationBulkView(GenericAPIView):
    """Many annotations in one request, stored all together or not at all."""

    roles = {"POST": ANNOTATORS}
    serializer_class = AnnotationBulkSerializer

    @extend_schema(
        operation_id="annotations_bulk_create",
        request=AnnotationBulkSerializer,
        responses={
            201: AnnotationBulkResultSerializer,
            400: OpenApiResponse(
                description="`annotations` lists an error object per item (empty for good "
                "ones); nothing was stored."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        drafts = [_draft(item) for item in _bulk_items(request)]
        created = annotations_bulk_create(author=acting_user(request), drafts=drafts)
        body = {"created": len(created), "ids": [a.pk for a in created]}
        return Response(body, status=status.HTTP_201_CREATED)


def _bulk_items(request: Request) -> list[dict[str, Any]]:
    """The checked items of a bulk request. DRF reports malformed items as {number: errors};
    they are answered in the documented shape instead, one error object per item (empty for
    good ones), the shape the service's refusals take."""
    serializer = AnnotationBulkSerializer(data=request.data)
    if serializer.is_valid():
        return serializer.validated_data["annotations"]
    errors = dict(serializer.errors)
    per_item = errors.get("annotations")
    if isinstance(per_item, dict) and all(isinstance(number, int) for number in per_item):
        # Numbered item errors mean `annotations` was a list.
        count = len(request.data["annotations"])  # type: ignore[call-overload]
        errors["annotations"] = [per_item.get(number, {}) for number in range(count)]
    raise ValidationError(errors)


class AnnotationDetailView(_AnnotationViewMixin, GenericAPIView):
    """One annotation. Only its author changes or deletes it; `If-Match` guards against
    overwriting a change made elsewhere."""

    roles = {"GET": EVERY_ROLE, "PATCH": ANNOTATORS, "DELETE": ANNOTATORS}
    serializer_class = AnnotationSerializer

    @extend_schema(
        operation_id="annotations_retrieve",
        parameters=[W3C_PARAMETER],
        responses={
            (200, "application/json"): AnnotationSerializer,
            (200, w3c.MEDIA_TYPE): OpenApiTypes.OBJECT,
            304: OpenApiResponse(description="Unchanged since the ETag in If-None-Match."),
        },
    )
    def get(self, request: Request, annotation_id: int) -> Any:
        annotation = selectors.annotation_get(user=request.user, pk=annotation_id)
        w3c_form = self.wants_w3c(request)
        etag = _etag(annotation, w3c_form=w3c_form)
        if etag in _etags(request.headers.get("If-None-Match", "")):
            return HttpResponseNotModified(headers={"ETag": etag})
        if w3c_form:
            iri_for, article_iri_for = self.w3c_iris(request)
            data = w3c.annotation_to_w3c(
                annotation, iri=iri_for(annotation), article_iri=article_iri_for(annotation)
            )
        else:
            data = AnnotationSerializer(annotation).data
        content_type = w3c.MEDIA_TYPE if w3c_form else None
        return Response(data, headers={"ETag": etag}, content_type=content_type)

    @extend_schema(
        operation_id="annotations_partial_update",
        request=AnnotationUpdateSerializer,
        responses={
            200: AnnotationSerializer,
            409: OpenApiResponse(description="That tag is already on this span."),
            412: OpenApiResponse(description="If-Match did not match."),
        },
    )
    def patch(self, request: Request, annotation_id: int) -> Response:
        annotation = self._unchanged_since_read(request, annotation_id)
        changes = valid_input(AnnotationUpdateSerializer, request, partial=True)
        try:
            annotation_update(annotation=annotation, user=acting_user(request), **changes)
        except Annotation.DoesNotExist:
            raise Http404(f"There is no annotation {annotation_id}.") from None
        return Response(
            AnnotationSerializer(annotation).data,
            headers={"ETag": _etag(annotation, w3c_form=False)},
        )

    @extend_schema(
        operation_id="annotations_destroy",
        responses={204: None, 412: OpenApiResponse(description="If-Match did not match.")},
    )
    def delete(self, request: Request, annotation_id: int) -> Response:
        annotation = self._unchanged_since_read(request, annotation_id)
        annotation_delete(annotation=annotation, user=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _unchanged_since_read(self, request: Request, annotation_id: int) -> Annotation:
        """The annotation, if the client's `If-Match` (when it sends one) names its current
        version, in either form."""
        annotation = selectors.annotation_get(user=request.user, pk=annotation_id)
        expected = _etags(request.headers.get("If-Match", ""))
        current = _etag(annotation, w3c_form=False)
        if expected and "*" not in expected and not {current, _w3c_tagged(current)} & expected:
            raise Stale("The annotation has changed since you read it (If-Match did not match).")
        return annotation


def _etag(annotation: Annotation, *, w3c_form: bool) -> str:
    version = f"{annotation.pk}-{int(annotation.updated_at.timestamp() * 1_000_000)}"
    return f'"{version}-ld"' if w3c_form else f'"{version}"'


def _w3c_tagged(etag: str) -> str:
    return etag[:-1] + '-ld"'


def _etags(header: str) -> set[str]:
    return {value.strip().removeprefix("W/") for value in header.split(",") if value.strip()}
