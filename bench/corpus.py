"""Synthetic articles, sentences and annotations bulk-loaded by `bench/api.py` and
`bench/export.py`. Import it after `harness.django_setup()`."""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from itertools import product

from django.contrib.auth.models import Group, User
from django.db import connection

from claims.bulk_rows import rows_insert
from claims.models import EDITOR, REVIEWER, Annotation, Article, Sentence
from claims.services.annotations import CONTEXT_CHARS
from claims.similar.normalise import claim_text

SENTENCES_PER_PARAGRAPH = 5
SENTENCE_COLUMNS = ("article_id", "index", "block", "start", "end", "text", "kind", "claim_text")
ANNOTATION_COLUMNS = (
    *("article_id", "start", "end", "quote", "prefix", "suffix", "tag_id", "note"),
    *("author_id", "created_at", "updated_at"),
)

BlockSpan = tuple[int, int, int]  # a sentence's (block, start, end) in its article's text


@dataclass(frozen=True)
class LoadedArticle:
    pk: int
    text: str
    spans: list[tuple[int, int]]  # each sentence's (start, end)


def article_layout(sentences: list[str]) -> tuple[str, list[BlockSpan]]:
    """The text (paragraphs of five sentences) and each sentence's (block, start, end)."""
    text, spans = "", []
    for number, sentence in enumerate(sentences):
        block, place_in_block = divmod(number, SENTENCES_PER_PARAGRAPH)
        if number:
            text += " " if place_in_block else "\n\n"
        spans.append((block, len(text), len(text) + len(sentence)))
        text += sentence
    return text, spans


def plain_text_article(text: str, *, title: str, publisher: str) -> Article:
    """An unsaved article of pasted English text, as an upload of it would be stored."""
    return Article(
        title=title,
        publisher=publisher,
        media_type="text/plain",
        original_size=len(text),
        text=text,
        text_length=len(text),
        content_sha256=sha256(text.encode()).hexdigest(),
        language="en",
    )


def articles_insert(
    *, articles: list[Article], spans: list[list[BlockSpan]]
) -> list[LoadedArticle]:
    """The articles through the ORM, their sentences (`spans`, article by article) by COPY."""
    stored = Article.objects.bulk_create(articles, batch_size=500)
    rows = (
        (article.pk, index, block, start, end, text, "paragraph", claim_text(text))
        for article, article_spans in zip(stored, spans, strict=True)
        for index, (block, start, end) in enumerate(article_spans)
        for text in (article.text[start:end],)
    )
    rows_insert(model=Sentence, columns=SENTENCE_COLUMNS, rows=rows)
    return [
        LoadedArticle(a.pk, a.text, [(start, end) for _, start, end in article_spans])
        for a, article_spans in zip(stored, spans, strict=True)
    ]


def annotation_rows(
    articles: list[LoadedArticle],
    *,
    total: int,
    sentences: int,
    tag_ids: list[int],
    author_ids: list[int],
    created_at: Callable[[random.Random], datetime],
    note: Callable[[random.Random], str],
) -> Iterator[tuple]:
    """Rows for ANNOTATION_COLUMNS: `total / len(articles)` sentence-long spans per article,
    each (sentence, tag, author) at most once per article. `created_at` and `note` draw each
    row's moment and note from the same seeded generator, so the rows are the same every run."""
    rng = random.Random(2)
    combinations = list(product(range(sentences), tag_ids, author_ids))
    adapt = connection.ops.adapt_datetimefield_value
    for article in articles:
        text = article.text
        for sentence, tag_id, author_id in rng.sample(combinations, total // len(articles)):
            start, end = article.spans[sentence]
            created = adapt(created_at(rng))
            yield (
                *(article.pk, start, end, text[start:end]),
                *(text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]),
                *(tag_id, note(rng), author_id, created, created),
            )


def reviewers_create(*, count: int) -> list[User]:
    """Users reviewer0, reviewer1... in the reviewer group."""
    users = [User.objects.create_user(f"reviewer{n}") for n in range(count)]
    Group.objects.get(name=REVIEWER).user_set.add(*users)
    return users


def editor_create() -> User:
    """The user bench-editor, in the editor group."""
    editor = User.objects.create_user("bench-editor")
    editor.groups.add(Group.objects.get(name=EDITOR))
    return editor


def analyze() -> None:
    """Fresh planner statistics for the loaded tables. On PostgreSQL VACUUM too, as autovacuum
    soon would after a million inserts: it sets the visibility map that index-only scans rely
    on, and keeps it from starting in the middle of a timing."""
    tables = [m._meta.db_table for m in (Article, Sentence, Annotation)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
        else:
            cursor.execute("ANALYZE")
