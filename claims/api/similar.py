"""Recurring claims over REST: the sentences of other articles that make one sentence's claim."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from claims.api.params import ID_SCHEMA
from claims.permissions import EVERY_ROLE
from claims.selectors_similar import sentence_get, similar_sentences
from claims.services.errors import Malformed
from claims.similar.quality import DEFAULT_MIN_SCORE

PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
MAX_OFFSET = 10_000  # deep pages of a ranking cost the rows before them
# The paging parameters of the ranked lists (similar sentences, corpus search).
OFFSET_PAGING = [
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        description="Results to skip (default 0).",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"Results per page (default {PAGE_SIZE}).",
    ),
]


class SimilarTagSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    colour = serializers.CharField()
    count = serializers.IntegerField(help_text="Annotations you may see with this tag on it.")


class SimilarArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article_id")
    title = serializers.CharField(source="article_title")
    publisher = serializers.CharField(source="article_publisher")


class SimilarSentenceSerializer(serializers.Serializer):
    article = SimilarArticleSerializer(source="*")
    index = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    score = serializers.FloatField(help_text="Similarity of the claim texts, 0 to 1.")
    tags = SimilarTagSerializer(many=True)
    annotation_count = serializers.IntegerField(
        help_text="Annotations you may see on the sentence, all tags together."
    )


class SimilarSourceSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    index = serializers.IntegerField()
    text = serializers.CharField()
    claim_text = serializers.CharField(help_text="The text compared: see docs/similar.md.")


class SimilarPageSerializer(serializers.Serializer):
    sentence = SimilarSourceSerializer()
    min_score = serializers.FloatField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SimilarSentenceSerializer(many=True)


def _number(request: Request, name: str, *, default: float, low: float, high: float) -> float:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise Malformed(name, f"“{raw}” is not a number from {low:g} to {high:g}.") from None
    if not low <= value <= high:
        raise Malformed(name, f"{name} ({raw}) must be from {low:g} to {high:g}.")
    return value


def whole_param(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise Malformed(name, f"Give {name} as a whole number from {low} to {high}.")
    return int(raw)


def page_links(request: Request, *, offset: int, limit: int, more: bool) -> dict:
    """`next` and `previous` addresses of an offset-paged ranking."""
    url = request.build_absolute_uri()
    previous = None
    if offset:
        before = max(offset - limit, 0)
        previous = replace_query_param(url, "offset", before) if before else None
        previous = previous or remove_query_param(url, "offset")
    return {
        "next": replace_query_param(url, "offset", offset + limit) if more else None,
        "previous": previous,
    }


class SimilarSentenceListView(GenericAPIView):
    """Sentences in other articles making the same claim as this one, most alike first, with
    their article and how they were tagged (the annotations you may see on each)."""

    roles = {"GET": EVERY_ROLE}
    serializer_class = SimilarPageSerializer
    pagination_class = None

    @extend_schema(
        operation_id="sentences_similar",
        parameters=[
            OpenApiParameter(
                "article_id", ID_SCHEMA, OpenApiParameter.PATH, description="Article id."
            ),
            OpenApiParameter(
                "index", ID_SCHEMA, OpenApiParameter.PATH, description="Sentence number."
            ),
            OpenApiParameter(
                "min_score",
                {"type": "number", "minimum": 0, "maximum": 1},
                description=f"Least similarity, 0 to 1 (default {DEFAULT_MIN_SCORE}).",
            ),
            *OFFSET_PAGING,
        ],
        responses={
            200: SimilarPageSerializer,
            404: OpenApiResponse(description="No such article, or no such sentence in it."),
        },
    )
    def get(self, request: Request, article_id: int, index: int) -> Response:
        min_score = _number(request, "min_score", default=DEFAULT_MIN_SCORE, low=0, high=1)
        offset = whole_param(request, "offset", default=0, low=0, high=MAX_OFFSET)
        limit = whole_param(request, "page_size", default=PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
        sentence = sentence_get(article_id=article_id, index=index)
        page = similar_sentences(
            sentence=sentence, user=request.user, min_score=min_score, offset=offset, limit=limit
        )
        body = {
            "sentence": page.sentence,
            "min_score": min_score,
            **page_links(request, offset=offset, limit=limit, more=page.more),
            "results": page.results,
        }
        return Response(SimilarPageSerializer(body).data)
