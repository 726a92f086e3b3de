"""The REST API under /api/v1/: thin views that check input shape, then call services and
selectors. The browser UI uses exactly these endpoints."""

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponseNotModified
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import (
    APIException,
    ErrorDetail,
    PermissionDenied,
    ValidationError,
)
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from claims import selectors, services, w3c
from claims.filters import AnnotationFilter, ArticleFilter
from claims.ingest.errors import IngestError
from claims.models import Annotation, Sentence, Tag
from claims.pagination import OrderedCursorPagination
from claims.permissions import ANNOTATORS, EDITORS, EVERY_ROLE
from claims.renderers import TagCountsCSVRenderer, W3CAnnotationRenderer
from claims.serializers import (
    AnnotationBulkResultSerializer,
    AnnotationBulkSerializer,
    AnnotationCreateSerializer,
    AnnotationSerializer,
    AnnotationUpdateSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    ArticleUpdateSerializer,
    ArticleUploadSerializer,
    DuplicateArticleSerializer,
    SentenceSerializer,
    TagCountsSerializer,
    TagCreateSerializer,
    TagSerializer,
    TagUpdateSerializer,
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The annotation has changed since you read it (If-Match did not match)."
    default_code = "precondition_failed"


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus a JSON 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django
    would answer that with an HTML 400)."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        exc = PayloadTooLarge(f"The request body is larger than {limit:.0f} MB.")
    return exception_handler(exc, context)


def rejected(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ErrorDetail(message, code=code)]})


def valid_input(serializer_class, request: Request, *, partial: bool = False) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Articles ---------------------------------------------------------------------------------


class ArticlePagination(OrderedCursorPagination):
    orderings = ("-created_at", "created_at", "-id", "id")
    default_ordering = "-created_at"


class ArticleListView(GenericAPIView):
    """Articles, newest first; POST stores a new one through the ingestion pipeline."""

    roles = {"GET": EVERY_ROLE, "POST": ANNOTATORS}
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    pagination_class = ArticlePagination

    def get_queryset(self):
        return selectors.article_list(user=self.request.user)

    @extend_schema(operation_id="articles_list", responses=ArticleSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ArticleSerializer(page, many=True).data)

    @extend_schema(
        operation_id="articles_create",
        request={
            "multipart/form-data": ArticleUploadSerializer,
            "application/json": ArticleUploadSerializer,
        },
        responses={
            201: ArticleDetailSerializer,
            400: OpenApiResponse(description="Nothing readable, wrong type, corrupt file..."),
            409: DuplicateArticleSerializer,
            413: OpenApiResponse(description="Larger than MAX_UPLOAD_MB."),
        },
    )
    def post(self, request: Request) -> Response:
        data = valid_input(ArticleUploadSerializer, request)
        field = "file" if "file" in data else "text"
        try:
            article = services.article_ingest(
                upload=_upload_from(data),
                user=request.user,
                title=data.get("title", ""),
                publisher=data.get("publisher", ""),
                source_url=data.get("url", ""),
            )
        except services.DuplicateArticleError as duplicate:
            body = {
                "detail": duplicate.message,
                "code": "duplicate",
                "article": duplicate.article.pk,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except IngestError as error:
            if error.code == IngestError.TOO_LARGE:
                raise PayloadTooLarge(error.message) from None
            raise rejected(field, error.message, error.code) from None
        article = selectors.article_detail(user=request.user, pk=article.pk)
        location = reverse("api:article-detail", args=[article.pk])
        return Response(
            ArticleDetailSerializer(article).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )


def _upload_from(data: dict[str, Any]) -> services.Upload:
    uploaded = data.get("file")
    if uploaded is not None:
        return services.upload_read(stream=uploaded, filename=uploaded.name, size=uploaded.size)
    return services.Upload(data=data["text"].encode("utf-8"), filename="pasted.txt")


class ArticleDetailView(GenericAPIView):
    """One article with its full text; editors change its metadata and status or delete it.
    (Reviewers mark their own review done on their assignment; adjudication makes an article
    reviewed.)"""

    roles = {"GET": EVERY_ROLE, "PATCH": EDITORS, "DELETE": EDITORS}
    serializer_class = ArticleDetailSerializer

    @extend_schema(operation_id="articles_retrieve")
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_detail(user=request.user, pk=article_id)
        return Response(ArticleDetailSerializer(article).data)

    @extend_schema(
        operation_id="articles_partial_update",
        request=ArticleUpdateSerializer,
        responses=ArticleDetailSerializer,
    )
    def patch(self, request: Request, article_id: int) -> Response:
        article = selectors.article_detail(user=request.user, pk=article_id)
        changes = valid_input(ArticleUpdateSerializer, request, partial=True)
        if "url" in changes:
            changes["source_url"] = changes.pop("url")
        try:
            services.article_update(article=article, **changes)
        except services.ArticleRejected as error:
            raise rejected(error.field, error.message) from None
        # Metadata edits leave the counts the article was read with as they were.
        return Response(ArticleDetailSerializer(article).data)

    @extend_schema(operation_id="articles_destroy", responses={204: None})
    def delete(self, request: Request, article_id: int) -> Response:
        services.article_delete(article=selectors.article_get(pk=article_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SentenceListView(GenericAPIView):
    """Every sentence of an article in one response, in reading order."""

    roles = {"GET": EVERY_ROLE}
    serializer_class = SentenceSerializer
    queryset = Sentence.objects.none()  # for the schema only
    pagination_class = None

    @extend_schema(operation_id="articles_sentences", responses=SentenceSerializer(many=True))
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        return Response(selectors.sentence_rows(article=article))


# --- Vocabulary -------------------------------------------------------------------------------


class TagListView(GenericAPIView):
    """The controlled vocabulary with per-tag counts; editors add tags."""

    roles = {"GET": EVERY_ROLE, "POST": EDITORS}
    serializer_class = TagSerializer
    queryset = Tag.objects.none()  # for the schema only
    pagination_class = None

    @extend_schema(operation_id="tags_list", responses=TagSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(TagSerializer(selectors.tag_list(user=request.user), many=True).data)

    @extend_schema(
        operation_id="tags_create", request=TagCreateSerializer, responses={201: TagSerializer}
    )
    def post(self, request: Request) -> Response:
        data = valid_input(TagCreateSerializer, request)
        try:
            tag = services.tag_create(**data)
        except services.TagRejected as error:
            raise rejected(error.field, error.message) from None
        tag.annotation_count = 0  # a new tag has none
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED)


class TagDetailView(GenericAPIView):
    """One tag. DELETE removes an unused tag and archives one that annotations use."""

    roles = {"GET": EVERY_ROLE, "PATCH": EDITORS, "DELETE": EDITORS}
    serializer_class = TagSerializer

    @extend_schema(operation_id="tags_retrieve")
    def get(self, request: Request, slug: str) -> Response:
        return Response(TagSerializer(selectors.tag_get(slug=slug, user=request.user)).data)

    @extend_schema(
        operation_id="tags_partial_update", request=TagUpdateSerializer, responses=TagSerializer
    )
    def patch(self, request: Request, slug: str) -> Response:
        tag = selectors.tag_get(slug=slug, user=request.user)
        changes = valid_input(TagUpdateSerializer, request, partial=True)
        try:
            services.tag_update(tag=tag, **changes)
        except services.TagRejected as error:
            raise rejected(error.field, error.message) from None
        return Response(TagSerializer(tag).data)

    @extend_schema(
        operation_id="tags_destroy",
        responses={
            204: OpenApiResponse(description="Deleted: no annotation used it."),
            200: OpenApiResponse(TagSerializer, description="In use, so archived instead."),
        },
    )
    def delete(self, request: Request, slug: str) -> Response:
        tag = selectors.tag_get(slug=slug, user=request.user)
        if services.tag_retire(tag=tag):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TagSerializer(tag).data)


# --- Annotations ------------------------------------------------------------------------------

FINAL_PARAMETER = OpenApiParameter(
    "final",
    bool,
    required=False,
    description="`true`: the final annotations editors accepted in adjudication instead of the "
    "reviewers' annotations (the default). Reviewers see final ones once an article's "
    "adjudication is finished.",
)


def wants_final(request: Request) -> bool:
    """The `final` query parameter: which layer of annotations a list or count covers."""
    raw = request.query_params.get("final", "false").strip().lower()
    if raw not in {"true", "1", "false", "0", ""}:
        raise rejected("final", f"“{raw}” is not true or false.")
    return raw in {"true", "1"}


W3C_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "jsonld"],
    required=False,
    description="`jsonld` answers in the W3C Web Annotation model (as does the `Accept` header "
    f"`{w3c.MEDIA_TYPE}`).",
)


class _AnnotationViewMixin:
    renderer_classes = [JSONRenderer, W3CAnnotationRenderer, BrowsableAPIRenderer]

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

    def _w3c_page(self, request: Request, annotations, page: list[Annotation]) -> dict:
        paginator = self.paginator
        iri_for, article_iri_for = self.w3c_iris(request)
        has_cursor = paginator.cursor_query_param in request.query_params
        collection = request.build_absolute_uri(
            _without(
                request.get_full_path(),
                {paginator.cursor_query_param, paginator.page_size_query_param},
            )
        )
        return w3c.annotation_page(
            page,
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
        try:
            annotation = services.annotation_create(author=request.user, draft=_draft(data))
        except services.DuplicateAnnotationError as error:
            return _conflict(error)
        except services.AnnotationRejected as error:
            raise rejected(error.field, error.message, error.code) from None
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


def _conflict(error: services.DuplicateAnnotationError) -> Response:
    body = {"detail": error.message, "code": "duplicate", "annotation": error.existing_id}
    return Response(body, status=status.HTTP_409_CONFLICT)


def _draft(data: dict[str, Any]) -> services.AnnotationDraft:
    sentences = data.get("sentences")
    return services.AnnotationDraft(
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
        try:
            created = services.annotations_bulk_create(author=request.user, drafts=drafts)
        except services.AnnotationBatchRejected as rejected:
            errors = [{} for _ in drafts]
            for number, error in rejected.errors.items():
                errors[number] = {error.field: [ErrorDetail(error.message, code=error.code)]}
            raise ValidationError({"annotations": errors}) from None
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
        count = len(request.data["annotations"])
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
        annotation = self._own(request, annotation_id)
        changes = valid_input(AnnotationUpdateSerializer, request, partial=True)
        try:
            services.annotation_update(annotation=annotation, **changes)
        except Annotation.DoesNotExist:
            raise Http404(f"There is no annotation {annotation_id}.") from None
        except services.DuplicateAnnotationError as error:
            return _conflict(error)
        except services.AnnotationRejected as error:
            raise rejected(error.field, error.message, error.code) from None
        return Response(
            AnnotationSerializer(annotation).data,
            headers={"ETag": _etag(annotation, w3c_form=False)},
        )

    @extend_schema(
        operation_id="annotations_destroy",
        responses={204: None, 412: OpenApiResponse(description="If-Match did not match.")},
    )
    def delete(self, request: Request, annotation_id: int) -> Response:
        services.annotation_delete(annotation=self._own(request, annotation_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _own(self, request: Request, annotation_id: int) -> Annotation:
        annotation = selectors.annotation_get(user=request.user, pk=annotation_id)
        if annotation.final:
            raise PermissionDenied(
                "A final annotation changes only through adjudication: accept or reject the "
                "tag on the article's adjudication page."
            )
        if annotation.author_id != request.user.pk:
            raise PermissionDenied("Only its author may change or delete an annotation.")
        expected = _etags(request.headers.get("If-Match", ""))
        current = _etag(annotation, w3c_form=False)
        if expected and "*" not in expected and not {current, _w3c_tagged(current)} & expected:
            raise PreconditionFailed()
        return annotation


def _etag(annotation: Annotation, *, w3c_form: bool) -> str:
    version = f"{annotation.pk}-{int(annotation.updated_at.timestamp() * 1_000_000)}"
    return f'"{version}-ld"' if w3c_form else f'"{version}"'


def _w3c_tagged(etag: str) -> str:
    return etag[:-1] + '-ld"'


def _etags(header: str) -> set[str]:
    return {value.strip().removeprefix("W/") for value in header.split(",") if value.strip()}


# --- Counts -----------------------------------------------------------------------------------


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
                str,
                required=False,
                description="Comma-separated, any of: "
                + ", ".join(selectors.GROUP_BY_KEYS)
                + ". Default `tag`.",
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
        raise rejected(
            "group_by",
            f"Cannot group by {', '.join(unknown)}; "
            f"choose from {', '.join(selectors.GROUP_BY_KEYS)}.",
        )
    return [key for key in selectors.GROUP_BY_KEYS if key in asked] or ["tag"]
