"""Reads for claim clusters: the list (filtered by tag and publisher), one cluster with its
members and their tags, the rows of an export, and the rebuild jobs."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from claims.models import ClaimCluster, ClusterJob, ClusterMember, Tag
from claims.selectors import Viewer, annotations_visible_to, row_or_404


def clusters_list(*, tag: str = "", publisher: str = "") -> QuerySet[ClaimCluster]:
    """Clusters with their representative sentence, its article and the cluster's tags (two
    queries a page), most publishers first."""
    clusters = ClaimCluster.objects.select_related("representative__article").defer(
        "representative__article__text"
    )
    clusters = clusters.prefetch_related(Prefetch("tags", Tag.objects.order_by("order", "name")))
    if tag:
        clusters = clusters.filter(tags__slug=tag)
    if publisher:
        held = ClusterMember.objects.filter(
            cluster_id=OuterRef("pk"), sentence__article__publisher=publisher
        )
        clusters = clusters.filter(Exists(held))
    return clusters


def cluster_get(*, pk: Any) -> ClaimCluster:
    return row_or_404(clusters_list(), missing=f"There is no cluster {pk}.", pk=pk)


def cluster_members(*, cluster: ClaimCluster, user: Viewer) -> list[dict[str, Any]]:
    """The cluster's sentences with their article and the tags on each (the annotations the
    user may see, counted per tag), in article order: two queries."""
    rows = _member_rows(
        ClusterMember.objects.filter(cluster=cluster).order_by(
            "sentence__article__publisher", "sentence__article_id", "sentence__index"
        )
    )
    tags = _member_tags(Q(cluster=cluster), user)
    for row in rows:
        row["tags"] = tags.get(row["sentence_id"], [])
    return rows


def cluster_export_rows(*, clusters: QuerySet[ClaimCluster], user: Viewer) -> list[dict[str, Any]]:
    """Every listed cluster with its members, for the CSV and JSON exports."""
    listed = list(clusters)
    members_of: dict[int, list[dict[str, Any]]] = {c.pk: [] for c in listed}
    rows = _member_rows(
        ClusterMember.objects.filter(cluster__in=clusters).order_by(
            "cluster_id", "sentence__article_id", "sentence__index"
        )
    )
    tags = _member_tags(Q(cluster__in=clusters), user)
    for row in rows:
        row["tags"] = tags.get(row["sentence_id"], [])
        members_of[row["cluster_id"]].append(row)
    return [{"cluster": cluster, "members": members_of[cluster.pk]} for cluster in listed]


def _member_rows(members: QuerySet[ClusterMember]) -> list[dict[str, Any]]:
    rows = members.values(
        "cluster_id",
        "sentence_id",
        index=F("sentence__index"),
        text=F("sentence__text"),
        article_id=F("sentence__article_id"),
        article_title=F("sentence__article__title"),
        article_publisher=F("sentence__article__publisher"),
    )
    return [dict(row) for row in rows]


def _member_tags(members: Q, user: Viewer) -> dict[int, list[dict[str, Any]]]:
    """The visible annotations on each member sentence, counted per tag: one grouped query
    joining the annotations to the member sentences they overlap."""
    sentence = "article__sentences"
    on_members = ClusterMember.objects.filter(members).values("sentence_id")
    counted = (
        annotations_visible_to(user)
        .filter(
            **{
                f"{sentence}__in": on_members,
                "start__lt": F(f"{sentence}__end"),
                "end__gt": F(f"{sentence}__start"),
            }
        )
        .values(
            sentence_id=F(f"{sentence}__id"),
            slug=F("tag__slug"),
            name=F("tag__name"),
            colour=F("tag__colour"),
        )
        .annotate(count=Count("id"))
        .order_by("sentence_id", "slug")
    )
    tags: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in counted:
        found: dict[str, Any] = dict(row)
        tags[found.pop("sentence_id")].append(found)
    return tags


def cluster_jobs() -> QuerySet[ClusterJob]:
    return ClusterJob.objects.select_related("started_by")
