"""Suggested tags over REST: an article's suggestions, accepting (one, or every one of a tag),
dismissing and undoing; model versions and corpus-wide runs for editors."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api.params import valid_input
from claims.api.serializers import (
    AnnotationSerializer,
    SuggesterVersionSerializer,
    SuggestionAcceptResultSerializer,
    SuggestionListSerializer,
    SuggestionReopenResultSerializer,
    SuggestionReopenSerializer,
    SuggestionRunCreateSerializer,
    SuggestionRunSerializer,
    SuggestionSerializer,
    SuggestionTagAcceptResultSerializer,
    SuggestionTagAcceptSerializer,
)
from claims.models import Suggestion
from claims.permissions import ANNOTATORS, EDITORS, EVERY_ROLE, acting_user
from claims.services.errors import Malformed
from claims.services.suggestions import (
    suggester_activate,
    suggester_active,
    suggestion_accept,
    suggestion_dismiss,
    suggestion_reopen,
    suggestion_run_start,
    suggestions_accept_tag,
    suggestions_hidden_for,
    suggestions_reopen,
)

_ERRORS = {
    400: OpenApiResponse(description="Names the problem."),
    403: OpenApiResponse(description="Suggestions are hidden for you here (a blind review)."),
    404: OpenApiResponse(description="No such article or suggestion."),
    409: OpenApiResponse(description="Already accepted or dismissed (or still open, to undo)."),
}


def _score_param(request: Request) -> float | None:
    raw = request.query_params.get("min_score", "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Malformed("min_score", f"“{raw}” is not a number between 0 and 1.") from None
    if not 0 <= value <= 1:
        raise Malformed("min_score", f"min_score ({raw}) must be between 0 and 1.")
    return value


def _flag_param(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false").strip().lower()
    if raw not in {"true", "1", "false", "0", ""}:
        raise Malformed(name, f"“{raw}” is not true or false.")
    return raw in {"true", "1"}


def _one(suggestion_id: int) -> Suggestion:
    """A suggestion as the list shows it, with the caller's answer."""
    return selectors.suggestion_get(pk=suggestion_id)


def _shown(suggestion: Suggestion, request: Request) -> dict:
    row = (
        selectors.suggestion_rows(
            article=suggestion.article,
            user=request.user,
            version=suggestion.model,
            include_hidden=True,
        )
        .filter(pk=suggestion.pk)
        .get()
    )
    row.model = suggestion.model
    return dict(SuggestionSerializer(row).data)


class SuggestionListView(GenericAPIView):
    """The active model's suggested tags for an article, with your answer to each."""

    roles = {"GET": EVERY_ROLE}
    serializer_class = SuggestionListSerializer

    @extend_schema(
        operation_id="suggestions_list",
        parameters=[
            OpenApiParameter("tag", str, description="Only this tag (a slug)."),
            OpenApiParameter("min_score", float, description="Only scores at or above it."),
            OpenApiParameter(
                "all",
                bool,
                description="Also those below the tag's threshold, which are never shown.",
            ),
        ],
        responses={200: SuggestionListSerializer, **_ERRORS},
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_detail(user=request.user, pk=article_id)
        version = suggester_active()
        blind = suggestions_hidden_for(article=article, user=acting_user(request))
        rows = selectors.suggestion_rows(
            article=article,
            user=request.user,
            version=version,
            tag=request.query_params.get("tag", "").strip(),
            min_score=_score_param(request),
            include_hidden=_flag_param(request, "all"),
        )
        results = [] if blind else list(rows)
        for row in results:
            row.model = version  # one version for the whole list: no join per row
        return Response(
            {
                "article": article.pk,
                "model": version.version,
                "blind": blind,
                "results": SuggestionSerializer(results, many=True).data,
            }
        )


class SuggestionTagAcceptView(GenericAPIView):
    """Accept every open suggestion of one tag on the article: each becomes your annotation."""

    roles = {"POST": ANNOTATORS}
    parser_classes = [JSONParser]
    serializer_class = SuggestionTagAcceptSerializer

    @extend_schema(
        operation_id="suggestions_accept_tag",
        request=SuggestionTagAcceptSerializer,
        responses={200: SuggestionTagAcceptResultSerializer, **_ERRORS},
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = selectors.article_detail(user=request.user, pk=article_id)
        data = valid_input(SuggestionTagAcceptSerializer, request)
        tag = selectors.tag_get(slug=data["tag"], user=request.user)
        accepted = suggestions_accept_tag(
            article=article, tag=tag, user=acting_user(request), min_score=data.get("min_score")
        )
        return Response(
            {
                "accepted": [
                    {"suggestion": s.pk, "annotation": AnnotationSerializer(a).data}
                    for s, a in accepted
                ]
            }
        )


class SuggestionBulkReopenView(GenericAPIView):
    """Undo your accepts or dismisses of several suggestions (the annotations accepts made are
    deleted)."""

    roles = {"POST": ANNOTATORS}
    parser_classes = [JSONParser]
    serializer_class = SuggestionReopenSerializer

    @extend_schema(
        operation_id="suggestions_reopen",
        request=SuggestionReopenSerializer,
        responses={200: SuggestionReopenResultSerializer, **_ERRORS},
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = selectors.article_detail(user=request.user, pk=article_id)
        data = valid_input(SuggestionReopenSerializer, request)
        reopened = suggestions_reopen(
            article=article, ids=data["suggestions"], user=acting_user(request)
        )
        return Response({"reopened": reopened})


class SuggestionAcceptView(GenericAPIView):
    """Accept a suggestion: it becomes your annotation of the sentence."""

    roles = {"POST": ANNOTATORS}
    serializer_class = SuggestionAcceptResultSerializer

    @extend_schema(
        operation_id="suggestion_accept",
        request=None,
        responses={201: SuggestionAcceptResultSerializer, **_ERRORS},
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        suggestion = _one(suggestion_id)
        annotation = suggestion_accept(suggestion=suggestion, user=acting_user(request))
        body = {"suggestion": suggestion.pk, "annotation": AnnotationSerializer(annotation).data}
        return Response(body, status=status.HTTP_201_CREATED)


class SuggestionDismissView(GenericAPIView):
    """Dismiss a suggestion: it stays dismissed for you (also under later model versions), and
    training takes it as a negative example."""

    roles = {"POST": ANNOTATORS}
    serializer_class = SuggestionSerializer

    @extend_schema(
        operation_id="suggestion_dismiss",
        request=None,
        responses={200: SuggestionSerializer, **_ERRORS},
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        suggestion = _one(suggestion_id)
        suggestion_dismiss(suggestion=suggestion, user=acting_user(request))
        return Response(_shown(suggestion, request))


class SuggestionReopenView(GenericAPIView):
    """Undo your accept or dismiss: the suggestion is open again for you."""

    roles = {"POST": ANNOTATORS}
    serializer_class = SuggestionSerializer

    @extend_schema(
        operation_id="suggestion_reopen",
        request=None,
        responses={200: SuggestionSerializer, **_ERRORS},
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        suggestion = _one(suggestion_id)
        suggestion_reopen(suggestion=suggestion, user=acting_user(request))
        return Response(_shown(suggestion, request))


# --- Model versions and runs (editors) --------------------------------------------------------


class SuggesterVersionListView(GenericAPIView):
    """Every suggestion model version with its figures; one is active."""

    roles = {"GET": EDITORS}
    serializer_class = SuggesterVersionSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.suggester_versions()

    @extend_schema(
        operation_id="suggester_versions_list",
        responses={200: SuggesterVersionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(SuggesterVersionSerializer(self.get_queryset(), many=True).data)


class SuggesterActivateView(GenericAPIView):
    """Make a version the one whose suggestions reviewers see, and start a background run for
    the articles it has not suggested for yet."""

    roles = {"POST": EDITORS}
    serializer_class = SuggestionRunSerializer

    @extend_schema(
        operation_id="suggester_version_activate",
        request=None,
        responses={200: SuggestionRunSerializer, 404: _ERRORS[404], 409: _ERRORS[409]},
    )
    def post(self, request: Request, version: str) -> Response:
        chosen = selectors.suggester_version_get(version=version)
        run = suggester_activate(version=chosen, user=acting_user(request))
        return Response(SuggestionRunSerializer(run).data)


class SuggestionRunListView(GenericAPIView):
    """Corpus-wide suggestion runs, newest first; POST starts one for every article the
    model (the active one by default) has no suggestions for yet."""

    roles = {"GET": EDITORS, "POST": EDITORS}
    parser_classes = [JSONParser]
    serializer_class = SuggestionRunSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.suggestion_runs()

    @extend_schema(
        operation_id="suggestion_runs_list", responses={200: SuggestionRunSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        return Response(SuggestionRunSerializer(self.get_queryset()[:50], many=True).data)

    @extend_schema(
        operation_id="suggestion_runs_create",
        request=SuggestionRunCreateSerializer,
        responses={201: SuggestionRunSerializer, 400: _ERRORS[400], 409: _ERRORS[409]},
    )
    def post(self, request: Request) -> Response:
        data = valid_input(SuggestionRunCreateSerializer, request)
        version = (
            selectors.suggester_version_get(version=data["model"]) if "model" in data else None
        )
        run = suggestion_run_start(user=acting_user(request), version=version)
        return Response(SuggestionRunSerializer(run).data, status=status.HTTP_201_CREATED)


class SuggestionRunDetailView(GenericAPIView):
    """One run's progress."""

    roles = {"GET": EDITORS}
    serializer_class = SuggestionRunSerializer

    @extend_schema(
        operation_id="suggestion_run_detail",
        parameters=[],
        responses={200: SuggestionRunSerializer, 404: _ERRORS[404]},
    )
    def get(self, request: Request, run_id: int) -> Response:
        run = selectors.row_or_404(
            selectors.suggestion_runs(), missing=f"There is no run {run_id}.", pk=run_id
        )
        return Response(SuggestionRunSerializer(run).data)
