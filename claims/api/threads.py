"""Threads over REST: the replies under an annotation, one reply (edited or deleted by its
author), and the number of replies on each annotation of an article."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors, selectors_threads
from claims.api.params import valid_input
from claims.api.serializers import ChangesSerializer, InputSerializer
from claims.models import REPLY_MAX_CHARS, Annotation, Reply
from claims.permissions import ANNOTATORS, EVERY_ROLE, acting_user
from claims.services.threads import reply_create, reply_delete, reply_edit


class ReplySerializer(serializers.ModelSerializer):
    author: "serializers.SlugRelatedField" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    edited_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When its author last changed it; null if never."
    )

    class Meta:
        model = Reply
        fields = ["id", "annotation", "author", "body", "created_at", "edited_at"]
        read_only_fields = fields


class _ReplyBody(serializers.CharField):
    """A reply's text as sent: the service trims it and says why it is refused."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            max_length=REPLY_MAX_CHARS + 1_000,  # blank space around it is trimmed first
            trim_whitespace=False,
            allow_blank=True,
            help_text=f"Plain text, at most {REPLY_MAX_CHARS:,} characters once trimmed.",
            **kwargs,
        )


class ReplyCreateSerializer(InputSerializer):
    body = _ReplyBody()


class ReplyUpdateSerializer(ChangesSerializer):
    body = _ReplyBody(required=False)


class ReplyCountSerializer(serializers.Serializer):
    annotation = serializers.IntegerField()
    replies = serializers.IntegerField(min_value=1)


class ReplyCountsSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    counts = ReplyCountSerializer(
        many=True, help_text="Annotations with replies you may read; the others have none."
    )


class AnnotationReplyListView(GenericAPIView):
    """The thread under an annotation, oldest reply first. A reviewer reads and writes the
    threads of their own annotations; editors every thread; readers read them."""

    roles = {"GET": EVERY_ROLE, "POST": ANNOTATORS}
    serializer_class = ReplySerializer
    parser_classes = [JSONParser]
    pagination_class = None
    queryset = Reply.objects.none()  # for the schema only

    @extend_schema(operation_id="annotations_replies_list", responses=ReplySerializer(many=True))
    def get(self, request: Request, annotation_id: int) -> Response:
        annotation = selectors_threads.thread_annotation_get(user=request.user, pk=annotation_id)
        replies = selectors_threads.annotation_replies(annotation=annotation)
        return Response(ReplySerializer(replies, many=True).data)

    @extend_schema(
        operation_id="annotations_replies_create",
        request=ReplyCreateSerializer,
        responses={201: ReplySerializer},
    )
    def post(self, request: Request, annotation_id: int) -> Response:
        annotation = selectors_threads.thread_annotation_get(user=request.user, pk=annotation_id)
        data = valid_input(ReplyCreateSerializer, request)
        try:
            reply = reply_create(
                annotation=annotation, author=acting_user(request), body=data["body"]
            )
        except Annotation.DoesNotExist:
            raise Http404(f"There is no annotation {annotation_id}.") from None
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class ReplyDetailView(GenericAPIView):
    """One reply. Only its author edits or deletes it."""

    roles = {"GET": EVERY_ROLE, "PATCH": ANNOTATORS, "DELETE": ANNOTATORS}
    serializer_class = ReplySerializer
    parser_classes = [JSONParser]
    queryset = Reply.objects.none()  # for the schema only

    @extend_schema(operation_id="replies_retrieve")
    def get(self, request: Request, reply_id: int) -> Response:
        reply = selectors_threads.reply_get(user=request.user, pk=reply_id)
        return Response(ReplySerializer(reply).data)

    @extend_schema(
        operation_id="replies_partial_update",
        request=ReplyUpdateSerializer,
        responses={200: ReplySerializer},
    )
    def patch(self, request: Request, reply_id: int) -> Response:
        reply = selectors_threads.reply_get(user=request.user, pk=reply_id)
        changes = valid_input(ReplyUpdateSerializer, request, partial=True)
        if "body" in changes:
            try:
                reply_edit(reply=reply, user=acting_user(request), body=changes["body"])
            except Reply.DoesNotExist:
                raise Http404(f"There is no reply {reply_id}.") from None
        return Response(ReplySerializer(reply).data)

    @extend_schema(operation_id="replies_destroy", responses={204: None})
    def delete(self, request: Request, reply_id: int) -> Response:
        reply = selectors_threads.reply_get(user=request.user, pk=reply_id)
        reply_delete(reply=reply, user=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ArticleReplyCountsView(GenericAPIView):
    """How many replies each annotation of an article has, among the threads you may read:
    the annotation page's badges, in one query."""

    roles = {"GET": EVERY_ROLE}
    serializer_class = ReplyCountsSerializer

    @extend_schema(
        operation_id="articles_reply_counts",
        responses={
            200: ReplyCountsSerializer,
            404: OpenApiResponse(description="There is no such article."),
        },
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        counts = selectors_threads.article_reply_counts(user=request.user, article=article)
        rows = [{"annotation": pk, "replies": n} for pk, n in sorted(counts.items())]
        return Response(ReplyCountsSerializer({"article": article.pk, "counts": rows}).data)
