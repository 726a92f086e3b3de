"""Small builders the test modules share."""

from claims import services
from claims.models import Annotation, Article


def annotate_phrase(author, article: Article, tag: str, phrase: str, note: str = "") -> Annotation:
    """Store `author`'s `tag` on the first occurrence of `phrase` in the article's text."""
    start = article.text.index(phrase)
    draft = services.AnnotationDraft(
        article_id=article.pk, tag=tag, start=start, end=start + len(phrase), note=note
    )
    return services.annotation_create(author=author, draft=draft)
