"""Claim clusters over REST: the list (by tag and publisher, most publishers first), one
cluster with its member sentences, an export of them (CSV or JSON), and the rebuild jobs.

Clusters are made from every reviewer's tags, so they are read by the roles that see every
annotation (editors and readers, API tokens among them); a reviewer, who sees only their own
annotations elsewhere, gets 403. Only editors start a rebuild."""

import csv
import io

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.filters import StrictFilterSet
from claims.api.pagination import OrderedCursorPagination
from claims.api.params import ID_SCHEMA
from claims.api.similar import SimilarArticleSerializer
from claims.exports.cells import spreadsheet_row
from claims.models import ClaimCluster, ClusterJob
from claims.permissions import CORPUS_READERS, EDITORS, acting_user
from claims.selectors import row_or_404
from claims.selectors_clusters import (
    cluster_export_rows,
    cluster_get,
    cluster_jobs,
    cluster_members,
    clusters_list,
)
from claims.services.clusters import cluster_job_start

EXPORT_LIMIT = 5_000  # clusters in one export


class ClusterTagSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    colour = serializers.CharField()


class ClusterArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    publisher = serializers.CharField()


class ClusterSentenceSerializer(serializers.Serializer):
    article = ClusterArticleSerializer()
    index = serializers.IntegerField()
    text = serializers.CharField()


class ClusterSerializer(serializers.ModelSerializer):
    representative = ClusterSentenceSerializer(help_text="The sentence the cluster is led by.")
    tags = ClusterTagSerializer(many=True, help_text="Every tag given to one of its sentences.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimCluster
        fields = [
            "id",
            "url",
            "representative",
            "publisher_count",
            "article_count",
            "member_count",
            "first_seen",
            "last_seen",
            "tags",
        ]

    def get_url(self, cluster: ClaimCluster) -> str:
        return reverse("api:cluster-detail", args=[cluster.pk])


class ClusterMemberTagSerializer(ClusterTagSerializer):
    count = serializers.IntegerField(help_text="Annotations you may see with this tag on it.")


class ClusterMemberSerializer(serializers.Serializer):
    article = SimilarArticleSerializer(source="*")
    index = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The sentence in its article's page.")
    tags = ClusterMemberTagSerializer(many=True)

    def get_url(self, row: dict) -> str:
        return f"{reverse('claims:article_detail', args=[row['article_id']])}#s{row['index']}"


class ClusterDetailSerializer(ClusterSerializer):
    members = ClusterMemberSerializer(many=True, source="members_listed")

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "members"]


class ClusterJobSerializer(serializers.ModelSerializer):
    started_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ClusterJob
        fields = [
            "id",
            "state",
            "step",
            "done",
            "total",
            "clusters",
            "error",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ClusterFilter(StrictFilterSet):
    tag = filters.CharFilter(field_name="tags__slug", help_text="Clusters given this tag (slug).")
    publisher = filters.CharFilter(
        method="filter_publisher", help_text="Clusters with a sentence of this exact publisher."
    )

    class Meta:
        model = ClaimCluster
        fields = ["tag", "publisher"]

    def filter_publisher(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset & clusters_list(publisher=value)


class ClusterPagination(OrderedCursorPagination):
    orderings = ("-publisher_count", "publisher_count", "-article_count", "-last_seen", "id")
    default_ordering = "-publisher_count"


class ClusterListView(GenericAPIView):
    """Claim clusters, the claims quoted by the most publishers first."""

    roles = {"GET": CORPUS_READERS}
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilter
    pagination_class = ClusterPagination

    def get_queryset(self):
        return clusters_list()

    @extend_schema(operation_id="clusters_list", responses=ClusterSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ClusterSerializer(page, many=True).data)


class ClusterDetailView(GenericAPIView):
    """One cluster with every sentence in it: its article, publisher and tags."""

    roles = {"GET": CORPUS_READERS}
    serializer_class = ClusterDetailSerializer

    @extend_schema(
        operation_id="cluster_detail",
        parameters=[
            OpenApiParameter(
                "cluster_id", ID_SCHEMA, OpenApiParameter.PATH, description="Cluster id."
            )
        ],
        responses={
            200: ClusterDetailSerializer,
            404: OpenApiResponse(description="No such cluster."),
        },
    )
    def get(self, request: Request, cluster_id: int) -> Response:
        cluster = cluster_get(pk=cluster_id)
        members = cluster_members(cluster=cluster, user=request.user)
        setattr(cluster, "members_listed", members)  # noqa: B010  # not a field of the model
        return Response(ClusterDetailSerializer(cluster).data)


EXPORT_COLUMNS = (
    "cluster",
    "representative",
    "publishers",
    "articles",
    "first_seen",
    "last_seen",
    "cluster_tags",
    "publisher",
    "article",
    "article_title",
    "sentence",
    "text",
    "tags",
)


class ClusterCSVRenderer(BaseRenderer):
    """`?format=csv`: one row per member sentence, after its cluster's figures; text a
    spreadsheet would run as a formula starts with a '."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if not isinstance(data, list):  # an error body
            writer.writerow(["detail"])
            writer.writerow(spreadsheet_row([str(data.get("detail", data))]))
            return out.getvalue().encode()
        writer.writerow(EXPORT_COLUMNS)
        for cluster in data:
            head = [
                cluster["id"],
                cluster["representative"]["text"],
                cluster["publisher_count"],
                cluster["article_count"],
                cluster["first_seen"],
                cluster["last_seen"],
                " ".join(tag["slug"] for tag in cluster["tags"]),
            ]
            for member in cluster["members"]:
                tags = " ".join(tag["slug"] for tag in member["tags"])
                article = member["article"]
                where = [article["publisher"], article["id"], article["title"]]
                writer.writerow(
                    spreadsheet_row([*head, *where, member["index"], member["text"], tags])
                )
        return out.getvalue().encode()


class ClusterExportView(GenericAPIView):
    """Every cluster the filters keep (up to 5,000, most publishers first), each with its
    member sentences: JSON, or CSV with one row per sentence."""

    roles = {"GET": CORPUS_READERS}
    serializer_class = ClusterDetailSerializer
    filterset_class = ClusterFilter
    pagination_class = None
    renderer_classes = [JSONRenderer, ClusterCSVRenderer, BrowsableAPIRenderer]

    def get_queryset(self):
        return clusters_list()

    @extend_schema(
        operation_id="clusters_export",
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"], required=False)],
        responses={
            (200, "application/json"): ClusterDetailSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def get(self, request: Request) -> Response:
        clusters = self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT]
        rows = cluster_export_rows(clusters=clusters, user=request.user)
        for row in rows:
            setattr(row["cluster"], "members_listed", row["members"])  # noqa: B010
        data = ClusterDetailSerializer([row["cluster"] for row in rows], many=True).data
        fmt = getattr(request.accepted_renderer, "format", "json")
        headers = {"Content-Disposition": f'attachment; filename="claim-clusters.{fmt}"'}
        return Response(data, headers=headers if fmt in ("csv", "json") else {})


class ClusterJobListView(GenericAPIView):
    """Cluster rebuilds, newest first; POST queues one (409 while one is queued or running)."""

    roles = {"GET": CORPUS_READERS, "POST": EDITORS}
    serializer_class = ClusterJobSerializer
    pagination_class = None

    def get_queryset(self):
        return cluster_jobs()

    @extend_schema(
        operation_id="cluster_jobs_list", responses={200: ClusterJobSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        return Response(ClusterJobSerializer(self.get_queryset()[:20], many=True).data)

    @extend_schema(
        operation_id="cluster_jobs_create",
        request=None,
        responses={
            202: ClusterJobSerializer,
            409: OpenApiResponse(description="A rebuild is already queued or running."),
        },
    )
    def post(self, request: Request) -> Response:
        job = cluster_job_start(user=acting_user(request))
        return Response(ClusterJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ClusterJobDetailView(GenericAPIView):
    """One rebuild's progress: the step it is at, of how many."""

    roles = {"GET": CORPUS_READERS}
    serializer_class = ClusterJobSerializer

    @extend_schema(
        operation_id="cluster_job_detail",
        parameters=[
            OpenApiParameter("job_id", ID_SCHEMA, OpenApiParameter.PATH, description="Job id.")
        ],
        responses={200: ClusterJobSerializer, 404: OpenApiResponse(description="No such job.")},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = row_or_404(cluster_jobs(), missing=f"There is no cluster job {job_id}.", pk=job_id)
        return Response(ClusterJobSerializer(job).data)
