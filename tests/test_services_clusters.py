"""claims.services.clusters: rebuilding every cluster, bringing them up to date as an
article's sentences get tagged, the stored counts and tags, and the rebuild job."""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from claims.models import ClaimCluster, ClusterMember, Sentence
from claims.services.clusters import (
    cluster_job_execute,
    cluster_job_start,
    clusters_article_update,
    clusters_rebuild,
)
from claims.services.errors import Conflict
from tests.helpers import annotate_sentences

pytestmark = pytest.mark.django_db

CLAIM = "Our stem cell treatment has no side effects and cures arthritis for good."
REWORDED = "Stem cell treatment cures arthritis for good, and there are no side effects."
PRICE = "A full course of injections costs $4,500 at our clinic."


def page(*sentences: str) -> str:
    return "".join(f"{sentence}\n" for sentence in sentences)


@pytest.fixture
def articles(make_article):
    def make(publisher: str, *sentences: str):
        return make_article(page(*sentences), publisher=publisher, allow_near_duplicate=True)

    return {
        "regen": make("RegenWell Institute", "Welcome to our clinic.", CLAIM, PRICE),
        "nova": make("NovaCell Clinic", "Opening hours are nine to five.", CLAIM),
        "sun": make("Sunrise Cells", REWORDED, "Parking is free for patients."),
        "regen2": make("RegenWell Institute", "Book a visit.", PRICE.replace("4,500", "6,000")),
        "helix": make("Helix Clinic", "Meet our doctors.", CLAIM),
    }


def members(cluster: ClaimCluster) -> set[tuple[int, int]]:
    rows = Sentence.objects.filter(cluster_membership__cluster=cluster)
    return set(rows.values_list("article_id", "index"))


def test_a_rebuild_clusters_tagged_sentences_across_articles(articles, reviewer):
    annotate_sentences(reviewer, articles["regen"], "unsupported", 1, 1)
    annotate_sentences(reviewer, articles["nova"], "overstated", 1, 1)
    annotate_sentences(reviewer, articles["regen"], "price-claim", 2, 2)
    annotate_sentences(reviewer, articles["regen2"], "price-claim", 1, 1)
    assert clusters_rebuild() == 2
    claim = ClaimCluster.objects.get(
        representative__text=CLAIM, representative__article=articles["regen"]
    )
    assert members(claim) == {(articles["regen"].pk, 1), (articles["nova"].pk, 1)}
    assert (claim.member_count, claim.article_count, claim.publisher_count) == (2, 2, 2)
    assert set(claim.tags.values_list("slug", flat=True)) == {"unsupported", "overstated"}
    assert claim.first_seen == articles["regen"].created_at
    assert claim.last_seen == articles["nova"].created_at
    price = ClaimCluster.objects.exclude(pk=claim.pk).get()
    # Two articles of one publisher: two articles, one publisher.
    assert (price.article_count, price.publisher_count) == (2, 1)


def test_a_rebuild_leaves_untagged_sentences_out(articles, reviewer):
    annotate_sentences(reviewer, articles["regen"], "unsupported", 1, 1)
    assert clusters_rebuild() == 0  # the same claim at NovaCell is not tagged
    assert not ClaimCluster.objects.exists()


def test_a_rebuild_replaces_the_clusters_it_found_before(articles, reviewer):
    annotate_sentences(reviewer, articles["regen"], "unsupported", 1, 1)
    annotate_sentences(reviewer, articles["nova"], "unsupported", 1, 1)
    clusters_rebuild()
    first = ClaimCluster.objects.get()
    assert clusters_rebuild() == 1
    assert not ClaimCluster.objects.filter(pk=first.pk).exists()
    assert ClusterMember.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reworded claims need pg_trgm")
def test_a_rebuild_joins_reworded_claims(articles, reviewer):
    for name in ("regen", "nova"):
        annotate_sentences(reviewer, articles[name], "unsupported", 1, 1)
    annotate_sentences(reviewer, articles["sun"], "unsupported", 0, 0)
    clusters_rebuild()
    cluster = ClaimCluster.objects.get()
    assert (articles["sun"].pk, 0) in members(cluster)
    assert (cluster.article_count, cluster.publisher_count) == (3, 3)


def tag(reviewer, article, index: int, slug: str = "unsupported") -> None:
    annotate_sentences(reviewer, article, slug, index, index)


def test_a_newly_tagged_sentence_joins_the_cluster_of_its_claim(articles, reviewer, editor):
    tag(reviewer, articles["regen"], 1)
    tag(reviewer, articles["nova"], 1)
    clusters_rebuild()
    cluster = ClaimCluster.objects.get()
    tag(editor, articles["helix"], 1, "overstated")
    assert clusters_article_update(article_id=articles["helix"].pk) == [cluster.pk]
    cluster.refresh_from_db()
    assert (articles["helix"].pk, 1) in members(cluster)
    assert (cluster.member_count, cluster.article_count, cluster.publisher_count) == (3, 3, 3)
    assert cluster.last_seen == articles["helix"].created_at
    assert set(cluster.tags.values_list("slug", flat=True)) == {"unsupported", "overstated"}


def test_a_newly_tagged_sentence_forms_a_cluster_with_unclustered_ones(articles, reviewer):
    tag(reviewer, articles["regen"], 2, "price-claim")
    clusters_rebuild()
    assert not ClaimCluster.objects.exists()  # one article alone makes no cluster
    tag(reviewer, articles["regen2"], 1, "price-claim")
    [made] = clusters_article_update(article_id=articles["regen2"].pk)
    cluster = ClaimCluster.objects.get(pk=made)
    assert members(cluster) == {(articles["regen"].pk, 2), (articles["regen2"].pk, 1)}
    assert cluster.representative.article_id == articles["regen2"].pk
    assert (cluster.member_count, cluster.article_count, cluster.publisher_count) == (2, 2, 1)


def test_a_tagged_sentence_alike_to_nothing_stays_out(articles, reviewer):
    tag(reviewer, articles["regen"], 1)
    tag(reviewer, articles["nova"], 0)  # opening hours: no other article says it
    assert clusters_article_update(article_id=articles["nova"].pk) == []
    assert not ClusterMember.objects.exists()


def test_an_update_recounts_the_clusters_the_article_is_in(articles, reviewer, editor):
    tag(reviewer, articles["regen"], 1)
    tag(reviewer, articles["nova"], 1)
    clusters_rebuild()
    tag(editor, articles["nova"], 1, "overstated")  # a second tag on a clustered sentence
    [touched] = clusters_article_update(article_id=articles["nova"].pk)
    cluster = ClaimCluster.objects.get(pk=touched)
    assert set(cluster.tags.values_list("slug", flat=True)) == {"unsupported", "overstated"}
    assert cluster.member_count == 2


def test_an_update_drops_a_cluster_left_with_one_article(articles, reviewer):
    tag(reviewer, articles["regen"], 1)
    tag(reviewer, articles["nova"], 1)
    clusters_rebuild()
    articles["nova"].delete()
    clusters_article_update(article_id=articles["regen"].pk)
    assert not ClaimCluster.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reworded claims need pg_trgm")
def test_an_update_finds_reworded_claims(articles, reviewer):
    tag(reviewer, articles["regen"], 1)
    tag(reviewer, articles["nova"], 1)
    clusters_rebuild()
    tag(reviewer, articles["sun"], 0)
    [touched] = clusters_article_update(article_id=articles["sun"].pk)
    assert (articles["sun"].pk, 0) in members(ClaimCluster.objects.get(pk=touched))


def test_tagging_queues_a_cluster_update_for_the_article(
    articles, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tag(reviewer, articles["nova"], 1)
    queued = DBTaskResult.objects.filter(task_path="claims.tasks.clusters_update_articles")
    assert [row.args_kwargs["args"] for row in queued] == [[[articles["nova"].pk]]]


def test_a_rebuild_job_runs_to_the_end_with_its_steps(articles, reviewer, editor):
    tag(reviewer, articles["regen"], 1)
    tag(reviewer, articles["nova"], 1)
    job = cluster_job_start(user=editor)
    assert (job.state, job.done, job.total) == ("queued", 0, 4)
    with pytest.raises(Conflict):
        cluster_job_start(user=editor)
    job = cluster_job_execute(job=job)
    assert (job.state, job.done, job.total, job.clusters) == ("finished", 4, 4, 1)
    assert job.started_at is not None and job.finished_at is not None
    cluster_job_start(user=editor)  # a finished job no longer blocks another
