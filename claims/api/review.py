"""The review workflow over REST: assignments, adjudication, history and agreement."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api.pagination import OrderedCursorPagination
from claims.api.params import ID_SCHEMA, article_id_param, valid_input
from claims.api.serializers import (
    AgreementSerializer,
    AssignmentCreateResultSerializer,
    AssignmentCreateSerializer,
    AssignmentMarkedSerializer,
    AssignmentSerializer,
    AssignmentUpdateSerializer,
    DecisionCreateSerializer,
    DecisionSerializer,
    EventSerializer,
    GridSerializer,
    ReadThroughSerializer,
    ReadThroughUpdateSerializer,
    UnanimousResultSerializer,
)
from claims.models import EDITOR, READER, REVIEWER, Article, Assignment, Event, ReadThrough
from claims.permissions import ANNOTATORS, EDITORS, EVERY_ROLE, acting_user
from claims.review import selectors as review_selectors
from claims.review.agreement import corpus_agreement
from claims.services.errors import Malformed, Rejected
from claims.services.read_through import read_through_mark
from claims.services.review import (
    adjudication_finish,
    assignment_delete,
    assignment_mark,
    assignments_create,
    decision_make,
    decisions_accept_unanimous,
)
from claims.services.suggestions import assignment_blind

EDITORS_AND_READERS = frozenset({EDITOR, READER})

# --- Assignments ------------------------------------------------------------------------------


class AssignmentPagination(OrderedCursorPagination):
    orderings = ("-assigned_at", "assigned_at", "-id", "id")
    default_ordering = "-assigned_at"


class AssignmentListView(GenericAPIView):
    """Who is asked to review what. Reviewers see their own; editors assign articles to
    reviewers, many of each at once."""

    roles = {"GET": EVERY_ROLE, "POST": EDITORS}
    serializer_class = AssignmentSerializer
    pagination_class = AssignmentPagination

    def get_queryset(self):
        rows = review_selectors.assignments_visible_to(self.request.user)
        params = self.request.query_params
        # A filter that cannot apply is refused, not ignored: ignoring it would list everything.
        article, done = article_id_param(self.request), params.get("done", "")
        if done and done not in {"true", "false"}:
            raise Malformed("done", f"“{done}” is not true or false.")
        if article is not None:
            rows = rows.filter(article_id=article)
        if params.get("reviewer"):
            rows = rows.filter(reviewer__username=params["reviewer"])
        if done:
            rows = rows.filter(done_at__isnull=done == "false")
        return rows

    @extend_schema(
        operation_id="assignments_list",
        parameters=[
            OpenApiParameter("article", ID_SCHEMA, required=False),
            OpenApiParameter("reviewer", str, required=False, description="A username."),
            OpenApiParameter("done", bool, required=False),
        ],
        responses=AssignmentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AssignmentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="assignments_create",
        request=AssignmentCreateSerializer,
        responses={201: AssignmentCreateResultSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid_input(AssignmentCreateSerializer, request)
        articles = _articles_named(data["articles"])
        reviewers = _reviewers_named(data["reviewers"])
        created = assignments_create(
            articles=articles,
            reviewers=reviewers,
            editor=acting_user(request),
            blind=data["blind"],
        )
        rows = review_selectors.assignments_visible_to(request.user).filter(
            article__in=articles, reviewer__in=reviewers
        )
        body = {
            "created": len(created),
            "assignments": AssignmentSerializer(rows.order_by("article_id", "id"), many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


def _articles_named(ids: list[int]) -> list[Article]:
    found = list(Article.objects.filter(pk__in=ids).only("pk", "title"))
    missing = sorted(set(ids) - {a.pk for a in found})
    if missing:
        raise Rejected(
            "articles", f"There is no article {', '.join(map(str, missing))}.", "does_not_exist"
        )
    return found


def _reviewers_named(usernames: list[str]) -> list:
    users = get_user_model().objects.filter(username__in=usernames)
    found = list(users.filter(Q(groups__name=REVIEWER)).distinct())
    unknown = sorted(set(usernames) - {u.get_username() for u in found})
    if unknown:
        raise Rejected(
            "reviewers", f"No reviewer is called {', '.join(unknown)}.", "does_not_exist"
        )
    return found


class AssignmentDetailView(GenericAPIView):
    """One assignment. Its reviewer marks it done (or not); editors remove it."""

    roles = {"GET": EVERY_ROLE, "PATCH": EVERY_ROLE, "DELETE": EDITORS}
    serializer_class = AssignmentSerializer
    # JSON only: in a form body a missing boolean reads as false, so any unrelated field
    # would reopen a finished review.
    parser_classes = [JSONParser]

    @extend_schema(operation_id="assignments_retrieve")
    def get(self, request: Request, assignment_id: int) -> Response:
        assignment = review_selectors.assignment_get(user=request.user, pk=assignment_id)
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(
        operation_id="assignments_partial_update",
        request=AssignmentUpdateSerializer,
        responses=AssignmentMarkedSerializer,
        description="Its reviewer marks it done (`done`), or an editor makes it blind. Marking "
        "done with sentences not read yet is allowed: `sentences_unread` says how many.",
    )
    def patch(self, request: Request, assignment_id: int) -> Response:
        assignment = review_selectors.assignment_get(user=request.user, pk=assignment_id)
        data = valid_input(AssignmentUpdateSerializer, request)
        user = acting_user(request)
        try:
            with transaction.atomic():
                if "blind" in data:
                    assignment_blind(assignment=assignment, blind=data["blind"], user=user)
                if "done" in data:
                    assignment_mark(assignment=assignment, done=data["done"], user=user)
        except Assignment.DoesNotExist:
            raise Http404(f"There is no assignment {assignment_id}.") from None
        state = review_selectors.read_through_state(
            article=assignment.article, reviewer=assignment.reviewer
        )
        body = AssignmentSerializer(assignment).data
        body.update(sentences_read=state.read, sentences_unread=state.unread)
        return Response(body)

    @extend_schema(operation_id="assignments_destroy", responses={204: None})
    def delete(self, request: Request, assignment_id: int) -> Response:
        assignment = review_selectors.assignment_get(user=request.user, pk=assignment_id)
        assignment_delete(assignment=assignment, editor=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Read-through -----------------------------------------------------------------------------


class ReadThroughView(GenericAPIView):
    """How far the requesting user has read the article (editors and readers: any reviewer's,
    with `?reviewer=`). A PUT moves the mark on, never back."""

    roles = {"GET": EVERY_ROLE, "PUT": ANNOTATORS}
    serializer_class = ReadThroughSerializer
    parser_classes = [JSONParser]
    queryset = ReadThrough.objects.none()  # for the schema only

    def get_object(self) -> Article:
        # What OPTIONS looks up to describe the PUT: the article.
        return selectors.article_get(pk=self.kwargs["article_id"])

    @extend_schema(
        operation_id="articles_read_through_retrieve",
        parameters=[
            OpenApiParameter(
                "reviewer",
                str,
                required=False,
                description="A username; editors and readers only. Without it: your own.",
            )
        ],
        responses=ReadThroughSerializer,
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        reviewer = _read_through_reviewer(request)
        return Response(_read_through_body(article, reviewer))

    @extend_schema(
        operation_id="articles_read_through_update",
        request=ReadThroughUpdateSerializer,
        responses=ReadThroughSerializer,
    )
    def put(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        data = valid_input(ReadThroughUpdateSerializer, request)
        reviewer = acting_user(request)
        read_through_mark(article=article, reviewer=reviewer, read_up_to=data["read_up_to"])
        return Response(_read_through_body(article, reviewer))


def _read_through_reviewer(request: Request):
    """The user whose read-through is asked for: the caller's own, or (for those who see every
    reviewer's annotations) the one `?reviewer=` names. Anyone else's is not there for a
    reviewer (404), as their annotations are not."""
    username = request.query_params.get("reviewer", "")
    me = acting_user(request)
    if not username or username == me.get_username():
        return me
    if not selectors.user_sees_all_annotations(me):
        raise Http404(f"There is no read-through of {username}'s for you to see.")
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise Rejected("reviewer", f"Nobody is called {username}.", "does_not_exist")
    return found


def _read_through_body(article: Article, reviewer) -> dict:
    state = review_selectors.read_through_state(article=article, reviewer=reviewer)
    return ReadThroughSerializer(
        {
            "article": state.article,
            "reviewer": state.reviewer,
            "read_up_to": state.read_up_to,
            "read": state.read,
            "unread": state.unread,
            "total": state.total,
            "updated_at": state.updated_at,
        }
    ).data


# --- Adjudication -----------------------------------------------------------------------------


def _grid_body(article: Article) -> dict:
    grid = review_selectors.adjudication_grid(article=article)
    return GridSerializer(
        {
            "article": article.pk,
            "status": article.status,
            "adjudicated_at": article.adjudicated_at,
            "coders": grid.coders,
            "pending": grid.pending,
            "decided": grid.decided,
            "unanimous_pending": grid.unanimous_pending,
            "disagreements": grid.disagreements,
            "rows": grid.rows,
        }
    ).data


class AdjudicationView(GenericAPIView):
    """The sentence × reviewer grid of an article's tags, with the editor's decisions."""

    roles = {"GET": EDITORS_AND_READERS}
    serializer_class = GridSerializer

    @extend_schema(operation_id="adjudication_retrieve")
    def get(self, request: Request, article_id: int) -> Response:
        return Response(_grid_body(selectors.article_get(pk=article_id)))


class DecisionView(GenericAPIView):
    """Accept or reject one tag for one sentence, with an optional comment. Accepting stores
    a final annotation."""

    roles = {"POST": EDITORS}
    serializer_class = DecisionCreateSerializer

    @extend_schema(
        operation_id="adjudication_decide",
        request=DecisionCreateSerializer,
        responses={200: DecisionSerializer, 400: OpenApiResponse(description="Names the problem.")},
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        data = valid_input(DecisionCreateSerializer, request)
        decision = decision_make(
            article=article,
            sentence=data["sentence"],
            tag=data["tag"],
            accept=data["accept"],
            editor=acting_user(request),
            comment=data.get("comment"),
        )
        return Response(DecisionSerializer(decision).data)


class UnanimousView(GenericAPIView):
    """Accept every undecided tag that all the article's reviewers gave, in one step."""

    roles = {"POST": EDITORS}
    serializer_class = UnanimousResultSerializer

    @extend_schema(operation_id="adjudication_accept_unanimous", request=None)
    def post(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        accepted = decisions_accept_unanimous(article=article, editor=acting_user(request))
        return Response({"accepted": len(accepted)})


class FinishView(GenericAPIView):
    """Close the adjudication: the article becomes reviewed and its reviewers see the final
    tags. Refused (409) while a proposed tag has no decision."""

    roles = {"POST": EDITORS}
    serializer_class = GridSerializer

    @extend_schema(
        operation_id="adjudication_finish",
        request=None,
        responses={
            200: GridSerializer,
            409: OpenApiResponse(description="Some proposed tags have no decision yet."),
        },
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        adjudication_finish(article=article, editor=acting_user(request))
        return Response(_grid_body(article))


# --- History ----------------------------------------------------------------------------------


class EventPagination(OrderedCursorPagination):
    orderings = ("id", "-id")
    default_ordering = "id"


class ArticleHistoryView(GenericAPIView):
    """Every step on an article, oldest first: annotations made, changed and deleted,
    decisions, assignments."""

    roles = {"GET": EDITORS}
    serializer_class = EventSerializer
    pagination_class = EventPagination
    queryset = Event.objects.none()  # for the schema only

    @extend_schema(operation_id="articles_history", responses=EventSerializer(many=True))
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(pk=article_id)
        page = self.paginate_queryset(review_selectors.article_events(article=article))
        return self.get_paginated_response(EventSerializer(page, many=True).data)


class AnnotationHistoryView(GenericAPIView):
    """Every step of one annotation, oldest first, also once it is deleted."""

    roles = {"GET": EDITORS}
    serializer_class = EventSerializer
    pagination_class = None
    queryset = Event.objects.none()  # for the schema only

    @extend_schema(operation_id="annotations_history", responses=EventSerializer(many=True))
    def get(self, request: Request, annotation_id: int) -> Response:
        events = list(review_selectors.annotation_events(annotation_id=annotation_id))
        if not events:
            raise Http404(f"There is no history for annotation {annotation_id}.")
        return Response(EventSerializer(events, many=True).data)


# --- Agreement --------------------------------------------------------------------------------


class AgreementView(GenericAPIView):
    """How far reviewers agree on each tag, sentence by sentence: percent agreement, Cohen's
    kappa (two reviewers) and Krippendorff's alpha (any number), for one article or every
    article the filters select."""

    roles = {"GET": EDITORS_AND_READERS}
    serializer_class = AgreementSerializer

    @extend_schema(
        operation_id="stats_agreement",
        parameters=[
            OpenApiParameter("article", ID_SCHEMA, required=False),
            OpenApiParameter("publisher", str, required=False, description="Exact publisher."),
            OpenApiParameter("status", str, required=False, enum=Article.Status.values),
            OpenApiParameter(
                "tag", str, required=False, description="A tag slug; repeat for several."
            ),
            OpenApiParameter(
                "from_suggestion",
                bool,
                required=False,
                description="false: count only hand-made annotations; true: only accepted "
                "suggestions.",
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        filters = _agreement_filters(request)
        figures = corpus_agreement(filters=filters)
        return Response(AgreementSerializer(figures).data)


def _agreement_filters(request: Request) -> selectors.ReportFilters:
    params = request.query_params
    article = article_id_param(request)
    if article is not None:
        selectors.article_get(pk=article)
    article_status = params.get("status", "")
    if article_status and article_status not in Article.Status.values:
        choices = ", ".join(Article.Status.values)
        raise Malformed("status", f"“{article_status}” is not a status ({choices}).")
    return selectors.ReportFilters(
        article_id=article,
        publisher=params.get("publisher", ""),
        status=article_status,
        tags=tuple(params.getlist("tag")),
        from_suggestion=_optional_flag(params.get("from_suggestion", "")),
    )


def _optional_flag(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value in {"", "unknown"}:
        return None
    if value not in {"true", "1", "false", "0"}:
        raise Malformed("from_suggestion", f"“{raw}” is not true or false.")
    return value in {"true", "1"}
