"""The tag vocabulary over REST: everyone reads it with per-tag counts; editors change it."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api.params import valid_input
from claims.api.serializers import TagCreateSerializer, TagSerializer, TagUpdateSerializer
from claims.models import Tag
from claims.permissions import EDITORS, EVERY_ROLE
from claims.services.vocabulary import tag_create, tag_retire, tag_update


class TagListView(GenericAPIView):
    """The controlled vocabulary with per-tag counts; editors add tags."""

    roles = {"GET": EVERY_ROLE, "POST": EDITORS}
    serializer_class = TagSerializer
    queryset = Tag.objects.none()  # for the schema only
    pagination_class = None

    @extend_schema(operation_id="tags_list", responses=TagSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            TagSerializer(
                selectors.tag_list(user=request.user), many=True, context={"request": request}
            ).data
        )

    @extend_schema(
        operation_id="tags_create", request=TagCreateSerializer, responses={201: TagSerializer}
    )
    def post(self, request: Request) -> Response:
        tag = tag_create(**valid_input(TagCreateSerializer, request))
        # Read back as the list reads it: with its (zero) count.
        tag = selectors.tag_get(slug=tag.slug, user=request.user)
        return Response(
            TagSerializer(tag, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class TagDetailView(GenericAPIView):
    """One tag. DELETE removes an unused tag and archives one that annotations or adjudication
    decisions use."""

    roles = {"GET": EVERY_ROLE, "PATCH": EDITORS, "DELETE": EDITORS}
    serializer_class = TagSerializer

    @extend_schema(operation_id="tags_retrieve")
    def get(self, request: Request, slug: str) -> Response:
        return Response(
            TagSerializer(
                selectors.tag_get(slug=slug, user=request.user), context={"request": request}
            ).data
        )

    @extend_schema(
        operation_id="tags_partial_update", request=TagUpdateSerializer, responses=TagSerializer
    )
    def patch(self, request: Request, slug: str) -> Response:
        tag = selectors.tag_get(slug=slug, user=request.user)
        tag_update(tag=tag, **valid_input(TagUpdateSerializer, request, partial=True))
        return Response(TagSerializer(tag, context={"request": request}).data)

    @extend_schema(
        operation_id="tags_destroy",
        responses={
            204: OpenApiResponse(description="Deleted: no annotation used it."),
            200: OpenApiResponse(TagSerializer, description="In use, so archived instead."),
        },
    )
    def delete(self, request: Request, slug: str) -> Response:
        tag = selectors.tag_get(slug=slug, user=request.user)
        if tag_retire(tag=tag):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TagSerializer(tag, context={"request": request}).data)
