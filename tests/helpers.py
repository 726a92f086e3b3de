"""Small builders the test modules share."""

from claims.models import Annotation, Article, SuggesterVersion, Suggestion, Tag
from claims.review.selectors import adjudication_grid
from claims.services.annotations import AnnotationDraft, annotation_create
from claims.services.review import adjudication_finish, decision_make


def annotate_phrase(author, article: Article, tag: str, phrase: str, note: str = "") -> Annotation:
    """Store `author`'s `tag` on the first occurrence of `phrase` in the article's text."""
    start = article.text.index(phrase)
    draft = AnnotationDraft(
        article_id=article.pk, tag=tag, start=start, end=start + len(phrase), note=note
    )
    return annotation_create(author=author, draft=draft)


def annotate_sentences(
    author, article: Article, tag: str, first: int, last: int, note: str = ""
) -> Annotation:
    """Store `author`'s `tag` over sentences `first` to `last` (inclusive)."""
    draft = AnnotationDraft(article_id=article.pk, tag=tag, sentences=(first, last), note=note)
    return annotation_create(author=author, draft=draft)


def adjudicate(
    editor, article: Article, *, accept: set[tuple[int, str]], finish: bool = True
) -> None:
    """Decide every tag the reviewers proposed, accepting the (sentence index, tag slug) pairs
    in `accept` and rejecting the rest, then (with `finish`) close the adjudication."""
    for row in adjudication_grid(article=article).rows:
        for proposal in row.proposals:
            decision_make(
                article=article,
                sentence=row.index,
                tag=proposal.tag,
                accept=(row.index, proposal.tag) in accept,
                editor=editor,
            )
    if finish:
        adjudication_finish(article=article, editor=editor)


def suggested(article, sentence: int, tag: str, *, score=0.9, version=None) -> Suggestion:
    """A suggestion stored as the worker would store it, for the whole sentence."""
    row = article.sentences.get(index=sentence)
    return Suggestion.objects.create(
        article=article,
        model=version or SuggesterVersion.objects.get(active=True),
        sentence=sentence,
        start=row.start,
        end=row.end,
        tag=Tag.objects.get(slug=tag),
        score=score,
        reason="test",
        shown=score >= 0.5,
    )
