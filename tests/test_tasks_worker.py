"""The background work through a real worker: `manage.py db_worker` started as its own
process on the test database runs the tasks that an upload, a corpus run and tagging queue."""

import subprocess

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from claims.models import Article, ClaimCluster, Suggestion, SuggestionRun
from claims.services.annotations import AnnotationDraft, annotation_create
from claims.services.articles import Upload, article_ingest
from claims.services.suggestions import suggestion_run_start
from tests.servers import server_environment, worker_run

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process: it needs the test database on a server",
    ),
]


def run_worker() -> subprocess.CompletedProcess:
    """One worker over the test database until the queue is empty (bounded in time)."""
    return worker_run(server_environment())


def upload(text: str) -> Article:
    return article_ingest(upload=Upload(data=text.encode(), filename="page.txt"), user=None)


def test_the_worker_suggests_tags_for_a_new_upload():
    article = upload("Our stem cells cure arthritis completely.\nTreatment costs $4,500.\n")
    assert DBTaskResult.objects.filter(task_path="claims.tasks.suggest_article").count() == 1
    assert not Suggestion.objects.filter(article=article).exists()  # not in the request
    finished = run_worker()
    assert finished.returncode == 0, finished.stderr
    result = DBTaskResult.objects.get(task_path="claims.tasks.suggest_article")
    assert result.status == "SUCCESSFUL", finished.stderr
    price = Suggestion.objects.get(article=article, tag__slug="price-claim", shown=True)
    assert price.sentence == 1


def test_the_worker_runs_a_corpus_run_to_the_end_with_its_progress():
    articles = [upload(f"Clinic {n}: our cells fully restore cartilage.\n") for n in range(3)]
    Suggestion.objects.all().delete()  # as if they predated suggestions
    DBTaskResult.objects.all().delete()
    run = suggestion_run_start(user=None)
    assert (run.state, run.total) == ("queued", 3)
    finished = run_worker()
    assert finished.returncode == 0, finished.stderr
    run.refresh_from_db()
    assert (run.state, run.done, run.error) == ("finished", 3, "")
    assert run.finished_at is not None
    for article in articles:
        assert Suggestion.objects.filter(article=article, model=run.model).exists()
    assert not SuggestionRun.objects.filter(state__in=["queued", "running"]).exists()


def test_the_worker_clusters_a_claim_once_a_second_article_tagging_it_commits(reviewer):
    claim = "Our stem cells cure arthritis completely."
    first, second = (upload(f"Clinic {n} welcomes you.\n{claim}\n") for n in range(2))
    for article in (first, second):
        annotation_create(
            author=reviewer,
            draft=AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(1, 1)),
        )
    queued = DBTaskResult.objects.filter(task_path="claims.tasks.clusters_update_articles")
    assert queued.count() == 2
    finished = run_worker()
    assert finished.returncode == 0, finished.stderr
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}
    cluster = ClaimCluster.objects.get()
    assert (cluster.article_count, cluster.member_count) == (2, 2)
    assert list(cluster.tags.values_list("slug", flat=True)) == ["overstated"]
