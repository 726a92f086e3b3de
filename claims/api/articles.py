"""Articles over REST: list and upload, one article with its text, its sentences."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api.filters import ArticleFilter
from claims.api.pagination import OrderedCursorPagination
from claims.api.params import valid_input
from claims.api.serializers import (
    ArticleDetailSerializer,
    ArticleFileUploadSerializer,
    ArticleSerializer,
    ArticleTextUploadSerializer,
    ArticleUpdateSerializer,
    ArticleUploadSerializer,
    DuplicateArticleSerializer,
    SentenceSerializer,
)
from claims.models import Sentence
from claims.permissions import ANNOTATORS, EDITORS, EVERY_ROLE, acting_user
from claims.services.articles import (
    Upload,
    article_delete,
    article_ingest,
    article_update,
    upload_read,
)
from claims.services.suggestions import article_suggestions_blind


class ArticlePagination(OrderedCursorPagination):
    orderings = ("-created_at", "created_at", "-id", "id")
    default_ordering = "-created_at"


class ArticleListView(GenericAPIView):
    """Articles, newest first; POST stores a new one through the ingestion pipeline."""

    roles = {"GET": EVERY_ROLE, "POST": ANNOTATORS}
    # Pasted text comes as JSON; a file as multipart.
    parser_classes = [JSONParser, MultiPartParser]
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
        # `format` is DRF's, taken by every endpoint. Declared here, it also keeps the module
        # openapi-python-client 0.29 generates for two required bodies importable (it needs
        # one optional parameter to import `Unset`).
        parameters=[
            OpenApiParameter("format", str, enum=["json"], required=False, description="JSON.")
        ],
        request={
            "application/json": ArticleTextUploadSerializer,
            "multipart/form-data": ArticleFileUploadSerializer,
        },
        responses={
            201: ArticleDetailSerializer,
            400: OpenApiResponse(description="Nothing readable, wrong type, corrupt file..."),
            409: OpenApiResponse(
                DuplicateArticleSerializer,
                description="The same text is stored (`duplicate`), or most of its sentences "
                "are, in one article (`near_duplicate`, unless `allow_near_duplicate`).",
            ),
            413: OpenApiResponse(description="Larger than MAX_UPLOAD_MB."),
        },
    )
    def post(self, request: Request) -> Response:
        data = valid_input(ArticleUploadSerializer, request)
        article = article_ingest(
            upload=_upload_from(data),
            user=acting_user(request),
            title=data.get("title", ""),
            publisher=data.get("publisher", ""),
            source_url=data.get("url", ""),
            allow_near_duplicate=data["allow_near_duplicate"],
        )
        article = selectors.article_detail(user=request.user, pk=article.pk)
        location = reverse("api:article-detail", args=[article.pk])
        return Response(
            ArticleDetailSerializer(article).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )


def _upload_from(data: dict[str, Any]) -> Upload:
    uploaded = data.get("file")
    if uploaded is not None:
        return upload_read(stream=uploaded, filename=uploaded.name, size=uploaded.size)
    return Upload.pasted(data["text"])


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
        blind = changes.pop("suggestions_blind", None)
        with transaction.atomic():
            if changes:
                article_update(article=article, **changes)
            if blind is not None:
                article_suggestions_blind(article=article, blind=blind)
        # Metadata edits leave the counts the article was read with as they were.
        return Response(ArticleDetailSerializer(article).data)

    @extend_schema(operation_id="articles_destroy", responses={204: None})
    def delete(self, request: Request, article_id: int) -> Response:
        article_delete(article=selectors.article_get(pk=article_id))
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
