"""Reads that are more than a filter, computed in the database."""

from django.db.models import Count, Q, QuerySet

from claims.models import Article, Sentence


def article_list(*, search: str = "") -> QuerySet[Article]:
    """Articles with their sentence counts, newest first, without loading their text."""
    articles = Article.objects.defer("text").select_related("created_by")
    if search:
        articles = articles.filter(Q(title__icontains=search) | Q(publisher__icontains=search))
    # Meta.ordering does not apply to GROUP BY queries, so the order is spelled out.
    return articles.annotate(sentence_count=Count("sentences", distinct=True)).order_by(
        "-created_at", "-id"
    )


def article_sentences(*, article: Article) -> QuerySet[Sentence]:
    return Sentence.objects.filter(article=article).order_by("index")
