"""Corpus search over REST: sentences of every article, and annotation notes, matching a query."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.params import ID_SCHEMA, article_id_param
from claims.api.similar import (
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    OFFSET_PAGING,
    PAGE_SIZE,
    SimilarSentenceSerializer,
    page_links,
    whole_param,
)
from claims.permissions import EVERY_ROLE
from claims.search import QUERY_MAX_CHARS, query_words, tsquery_of
from claims.selectors_search import SearchFilters, SearchPage, corpus_search
from claims.services.errors import Malformed


class SearchHitSerializer(SimilarSentenceSerializer):
    score = serializers.FloatField(help_text="Relevance of the sentence's text (0 if none).")
    in_text = serializers.BooleanField(
        help_text="The sentence's own text matches; false: a note on it does."
    )


class SearchPageSerializer(serializers.Serializer):
    q = serializers.CharField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)


def _query(request: Request) -> str:
    raw = request.query_params.get("q")
    if not raw:
        raise Malformed("q", "Give q, the words to search for.", "required")
    if len(raw) > QUERY_MAX_CHARS:
        raise Malformed("q", f"q is {len(raw)} characters long; the most is {QUERY_MAX_CHARS}.")
    return raw.strip()


class SearchView(GenericAPIView):
    """Sentences of every article whose text matches `q`, or that carry an annotation (one you
    may see) whose note matches it; most relevant first, with the tags on each."""

    roles = {"GET": EVERY_ROLE}
    serializer_class = SearchPageSerializer
    pagination_class = None

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": QUERY_MAX_CHARS},
                required=True,
                description='Words (all of them), "a phrase", a prefix*, -a word left out, '
                "`or` between two terms; a query of no words finds nothing.",
            ),
            OpenApiParameter("publisher", str, description="Only this publisher's articles."),
            OpenApiParameter("article", ID_SCHEMA, description="Only this article."),
            OpenApiParameter(
                "tag", str, description="Only sentences carrying this tag (a slug) for you."
            ),
            *OFFSET_PAGING,
        ],
        responses={200: SearchPageSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _query(request)
        filters = SearchFilters(
            publisher=request.query_params.get("publisher", "").strip(),
            article=article_id_param(request),
            tag=request.query_params.get("tag", "").strip(),
        )
        offset = whole_param(request, "offset", default=0, low=0, high=MAX_OFFSET)
        limit = whole_param(request, "page_size", default=PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
        if tsquery_of(query) and query_words(query):
            page = corpus_search(
                query=query, user=request.user, filters=filters, offset=offset, limit=limit
            )
        else:
            page = SearchPage(results=[], more=False)  # no word in it: nothing can match
        body = {
            "q": query,
            **page_links(request, offset=offset, limit=limit, more=page.more),
            "results": page.results,
        }
        return Response(SearchPageSerializer(body).data)
