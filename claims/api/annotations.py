"""Annotations over REST: lists (also as W3C Web Annotation pages), one annotation with its
ETag, single and bulk creation, changes and deletion by their author."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db.models import QuerySet
from django.http import Http404, HttpResponseNotModified
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import Cursor
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from claims import selectors
from claims.api import w3c as w3c_protocol
from claims.api.filters import AnnotationFilter
from claims.api.pagination import OrderedCursorPagination
from claims.api.params import FINAL_PARAMETER, W3C_PARAMETER, valid_input, wants_final
from claims.api.renderers import W3CAnnotationRenderer
from claims.api.schema import (
    W3C_ANNOTATION_REQUEST_SCHEMA,
    W3C_ANNOTATION_SCHEMA,
    W3C_LIST_SCHEMA,
)
from claims.api.serializers import (
    ANNOTATION_CREATE_SCHEMA,
    AnnotationBulkResultSerializer,
    AnnotationBulkSchemaSerializer,
    AnnotationBulkSerializer,
    AnnotationCreateSerializer,
    AnnotationSerializer,
    AnnotationUpdateSerializer,
)
from claims.exports import w3c
from claims.exports.rows import Links
from claims.iris import absolute_for_request
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


class W3CAnnotationParser(JSONParser):
    """A POSTed W3C annotation: `Content-Type: application/ld+json` (with or without the
    anno.jsonld profile)."""

    media_type = "application/ld+json"


# The W3C form's media type as the schema names it: without the profile parameter. Tools look
# a response's schema up by its bare media type, and with the profile in the schema's key
# they would take `application/json`'s instead (`+json` matches it).
W3C_SCHEMA_MEDIA_TYPE = W3CAnnotationParser.media_type


class W3CCursorPagination(OrderedCursorPagination):
    """The W3C form's pages: the same cursors, under `page`, so that a page's IRI always
    differs from its collection's (the first page is `page=`)."""

    cursor_query_param = "page"


# The query parameters that pick a page (or its size) rather than the collection.
PAGING_PARAMETERS = {"page", "cursor", "page_size", "iris"}


class _AnnotationViewMixin:
    renderer_classes: Sequence[type[BaseRenderer]] = [
        JSONRenderer,
        W3CAnnotationRenderer,
        BrowsableAPIRenderer,
    ]

    def wants_w3c(self, request: Request) -> bool:
        return getattr(request.accepted_renderer, "format", "") == "jsonld"


# What a list row needs: building 500 full user and tag rows per page costs more than the query.
ANNOTATION_LIST_FIELDS = (
    *(f.attname for f in Annotation._meta.concrete_fields),
    "tag__slug",
    "author__username",
)


class AnnotationListView(_AnnotationViewMixin, GenericAPIView):
    """Annotations you may see (a reviewer: their own; editors and readers: everyone's). In
    the W3C form this is a Web Annotation Protocol container, paged under `page`."""

    roles = {"GET": EVERY_ROLE, "POST": ANNOTATORS}
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    pagination_class = OrderedCursorPagination
    parser_classes = [JSONParser, W3CAnnotationParser]

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
            (200, W3C_SCHEMA_MEDIA_TYPE): W3C_LIST_SCHEMA,
        },
    )
    def get(self, request: Request) -> Any:
        annotations = self.filter_queryset(self.get_queryset())
        if self.wants_w3c(request):
            return self._w3c_get(request, annotations)
        page = self.paginate_queryset(annotations)
        response = self.get_paginated_response(AnnotationSerializer(page, many=True).data)
        response["Vary"] = "Accept"
        return response

    def _w3c_get(self, request: Request, annotations: QuerySet[Annotation]) -> Any:
        """The container (no `page`), as the client's Prefer asks, or one of its pages."""
        is_page = "page" in request.query_params
        preference = w3c_protocol.container_preference(
            "" if is_page else request.headers.get("Prefer", "")
        )
        iris_only = request.query_params.get("iris") == "1" or preference.iris
        paginator = W3CCursorPagination()
        page = paginator.paginate_queryset(annotations, request, view=self) or []
        links = Links.on_site(absolute_for_request(request))
        iris = self._page_iris(request, paginator, iris_only=iris_only)
        total = annotations.count()
        items = w3c_protocol.page_items(page, links=links, iris=iris_only)
        if is_page:
            start_index = paginator.start_index(annotations) if request.query_params["page"] else 0
            data = w3c_protocol.annotation_page(
                items, iris=iris, total=total, start_index=start_index
            )
        else:
            first = None
            if not preference.minimal:
                first = w3c_protocol.annotation_page(
                    items, iris=iris, total=total, start_index=0, embedded=True
                )
            data = w3c_protocol.annotation_container(iris=iris, total=total, first_page=first)
        headers = {"ETag": w3c_protocol.representation_etag(data), "Vary": "Accept, Prefer"}
        if not is_page:
            headers |= {
                "Link": w3c_protocol.CONTAINER_LINK,
                "Accept-Post": w3c_protocol.ACCEPT_POST,
            }
            if preference.applied:
                headers["Preference-Applied"] = "return=representation"
        if headers["ETag"].removeprefix("W/") in _etags(request.headers.get("If-None-Match", "")):
            return HttpResponseNotModified(headers=headers)
        return Response(data, headers=headers, content_type=w3c.MEDIA_TYPE)

    def _page_iris(
        self, request: Request, paginator: W3CCursorPagination, *, iris_only: bool
    ) -> w3c_protocol.PageIris:
        """The collection's IRI is the request's without paging parameters (sorted, as DRF
        sorts them in links), so every page and page size names the same collection; the IRIs
        form is a collection of its own (`iris=1`)."""
        absolute = absolute_for_request(request)
        collection = absolute(_without(request.get_full_path(), PAGING_PARAMETERS))
        if iris_only:
            collection = replace_query_param(collection, "iris", "1")
        base = collection
        page_size = request.query_params.get(paginator.page_size_query_param)
        if page_size is not None:
            base = replace_query_param(base, paginator.page_size_query_param, page_size)
        paginator.base_url = base
        first = replace_query_param(base, paginator.cursor_query_param, "")
        current = request.query_params.get(paginator.cursor_query_param, "")
        return w3c_protocol.PageIris(
            collection=collection,
            first=first,
            last=paginator.encode_cursor(Cursor(offset=0, reverse=True, position=None)),
            page=replace_query_param(base, paginator.cursor_query_param, current),
            next=paginator.get_next_link(),
            prev=paginator.get_previous_link(),
        )

    def options(self, request, *args: Any, **kwargs: Any) -> Response:
        response = super().options(request, *args, **kwargs)
        response["Link"] = w3c_protocol.CONTAINER_LINK
        response["Accept-Post"] = w3c_protocol.ACCEPT_POST
        return response

    @extend_schema(
        operation_id="annotations_create",
        request={
            "application/json": ANNOTATION_CREATE_SCHEMA,
            "application/ld+json": W3C_ANNOTATION_REQUEST_SCHEMA,
        },
        responses={
            (201, "application/json"): AnnotationSerializer,
            (201, W3C_SCHEMA_MEDIA_TYPE): W3C_ANNOTATION_SCHEMA,
            409: OpenApiResponse(description="You already gave this span this tag."),
            422: OpenApiResponse(
                description="Names the problem: no such article or tag, a span outside the "
                "text, or a W3C annotation that names nothing here (`code`, e.g. "
                "`quote_mismatch`, `unknown_tag_iri`)."
            ),
        },
        description="JSON (`article`, `tag`, a span, `note`) or, with `Content-Type: "
        "application/ld+json`, a W3C Web Annotation: a tagging body whose `source` is a tag "
        "IRI, a target whose `source` is an article's API IRI with a TextPositionSelector "
        "(and a TextQuoteSelector whose `exact` must be the text at that span). A W3C "
        "annotation is answered in the W3C form.",
    )
    def post(self, request: Request) -> Response:
        if request.content_type.startswith(W3CAnnotationParser.media_type):
            return self._w3c_post(request)
        data = valid_input(AnnotationCreateSerializer, request)
        annotation = annotation_create(author=acting_user(request), draft=_draft(data))
        response = Response(
            AnnotationSerializer(annotation).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": _location(request, annotation)},
        )
        response["ETag"] = _etag(annotation, w3c_form=False)
        return response

    def _w3c_post(self, request: Request) -> Response:
        """A W3C annotation, stored through the same service as the JSON form, answered
        201 with its W3C form; refused as the JSON form is."""
        links = Links.on_site(absolute_for_request(request))
        asked = w3c_protocol.annotation_from_w3c(request.data, links=links)
        draft = AnnotationDraft(
            article_id=asked.article_id,
            tag=asked.tag,
            start=asked.start,
            end=asked.end,
            note=asked.note,
            quote=asked.exact,
        )
        annotation = annotation_create(author=acting_user(request), draft=draft)
        return Response(
            w3c.annotation_linked(annotation, links=links),
            status=status.HTTP_201_CREATED,
            headers={
                "Location": _location(request, annotation),
                "ETag": _etag(annotation, w3c_form=True),
                "Link": w3c_protocol.ANNOTATION_LINK,
                "Vary": "Accept",
            },
            content_type=w3c.MEDIA_TYPE,
        )


def _location(request: Request, annotation: Annotation) -> str:
    return absolute_for_request(request)(reverse("api:annotation-detail", args=[annotation.pk]))


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
        request=AnnotationBulkSchemaSerializer,
        responses={
            201: AnnotationBulkResultSerializer,
            400: OpenApiResponse(
                description="Some item is malformed: `annotations` lists an error object "
                "per item (empty for good ones); nothing was stored."
            ),
            409: OpenApiResponse(
                description="Every refused item repeats an annotation: `annotations` lists "
                '`{"detail", "code", "annotation"}` per refused item; nothing was stored.'
            ),
            422: OpenApiResponse(
                description="Some item names no stored article or tag, or a span outside the "
                'text: `annotations` lists `{"detail", "code", "field"}` per refused item '
                "(empty for good ones); nothing was stored."
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
            (200, W3C_SCHEMA_MEDIA_TYPE): W3C_ANNOTATION_SCHEMA,
            304: OpenApiResponse(description="Unchanged since the ETag in If-None-Match."),
        },
    )
    def get(self, request: Request, annotation_id: int) -> Any:
        annotation = selectors.annotation_get(user=request.user, pk=annotation_id)
        w3c_form = self.wants_w3c(request)
        etag = _etag(annotation, w3c_form=w3c_form)
        if etag in _etags(request.headers.get("If-None-Match", "")):
            return HttpResponseNotModified(headers={"ETag": etag})
        headers = {"ETag": etag, "Link": w3c_protocol.ANNOTATION_LINK, "Vary": "Accept"}
        if w3c_form:
            links = Links.on_site(absolute_for_request(request))
            data = w3c.annotation_linked(annotation, links=links)
        else:
            data = AnnotationSerializer(annotation).data
        content_type = w3c.MEDIA_TYPE if w3c_form else None
        return Response(data, headers=headers, content_type=content_type)

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
