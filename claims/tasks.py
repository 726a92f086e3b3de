"""Background work, run by `manage.py db_worker`: suggested tags for a new article (or a
bulk import's new articles), corpus-wide suggestion runs whose progress editors watch, and the
claim clusters (rebuilt by an editor's job, updated as sentences get tagged)."""

from django.tasks import task

from claims.models import Article, ClusterJob, SuggestionRun
from claims.services.clusters import cluster_job_execute, clusters_article_update
from claims.services.suggestions import suggestion_run_execute, suggestions_compute


@task
def suggest_article(article_id: int) -> int:
    """Suggestions of the active version for one article (queued after its upload)."""
    article = Article.objects.only("pk").filter(pk=article_id).first()
    if article is None:  # deleted before the worker got to it
        return 0
    return suggestions_compute(article=article)


@task
def suggest_articles(article_ids: list[int]) -> int:
    """Suggestions for several new articles, queued once for a bulk import instead of once per
    article."""
    return sum(suggest_article.call(article_id) for article_id in article_ids)


@task
def suggest_corpus(run_id: int) -> int:
    """Every article the run's version has no suggestions for yet."""
    run = SuggestionRun.objects.select_related("model").get(pk=run_id)
    return suggestion_run_execute(run=run).done


@task
def clusters_rebuild(job_id: int) -> int:
    """Every claim cluster made again from the tagged sentences (an editor's job)."""
    job = ClusterJob.objects.get(pk=job_id)
    return cluster_job_execute(job=job).clusters


@task
def clusters_update_articles(article_ids: list[int]) -> int:
    """The clusters brought up to date with newly tagged sentences of these articles (queued
    when annotations are made); the number of clusters touched."""
    return sum(len(clusters_article_update(article_id=pk)) for pk in article_ids)
