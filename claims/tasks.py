"""Background work, run by `manage.py db_worker`: suggested tags for a new article (or a
bulk import's new articles), and corpus-wide suggestion runs whose progress editors watch."""

from django.tasks import task

from claims.models import Article, SuggestionRun
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
