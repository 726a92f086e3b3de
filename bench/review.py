"""Time the multi-reviewer endpoints on the API benchmark's data: 2,000 articles of 20
sentences and 1,000,000 annotations by 10 reviewers (so every article has 10 coders).

Reuses bench/api.py's loader (COPY into a throwaway test database on the server named by
DATABASE_URL; SQLite with 20,000 annotations without it), then times agreement over the
whole corpus, one publisher and one article, the adjudication grid, a decision, an article's
history, and creating an annotation (which now also writes its history event).

The issue sets no targets for these; the figures show where they stand.

Usage: `make bench`, or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimscope python bench/review.py`.
"""

import itertools
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

# bench/api.py sets up Django on import and holds the loader and the timing helpers.
from api import SENTENCES, Case, expect, getter, publisher_name, run
from corpus import LoadedArticle
from rest_framework.test import APIClient

from claims.models import Tag

CORPUS_REPEATS = 5


def decider(client: APIClient, article: LoadedArticle) -> Callable[[], object]:
    """Accept, then reject, then accept... one tag after another on one article."""
    url = f"/api/v1/articles/{article.pk}/adjudication/decisions/"
    slugs = list(Tag.objects.values_list("slug", flat=True))
    steps: Iterator[tuple] = itertools.cycle(
        itertools.product(range(SENTENCES), slugs, (True, False))
    )

    def call():
        sentence, tag, accept = next(steps)
        body = {"sentence": sentence, "tag": tag, "accept": accept}
        return expect(client.post(url, body, format="json"), 200)

    return call


def creator(client: APIClient, articles: list[LoadedArticle]) -> Callable[[], object]:
    """New review annotations by the editor: each sentence and tag of every article."""
    slugs = list(Tag.objects.values_list("slug", flat=True))
    drafts = (
        {"article": a.pk, "tag": tag, "sentences": [s, s]}
        for tag, s, a in itertools.product(slugs, range(SENTENCES), articles)
    )
    return lambda: expect(client.post("/api/v1/annotations/", next(drafts), format="json"), 201)


def cases(client: APIClient, articles: list[LoadedArticle]) -> list[Case]:
    agreement = "/api/v1/stats/agreement/"
    one = articles[len(articles) // 2]
    publisher = urlencode({"publisher": publisher_name(0)})
    return [
        Case("agreement, whole corpus", None, getter(client, agreement), CORPUS_REPEATS, 1),
        Case("agreement, one publisher", None, getter(client, f"{agreement}?{publisher}")),
        Case("agreement, one article", None, getter(client, f"{agreement}?article={one.pk}")),
        Case(
            "adjudication grid, one article",
            None,
            getter(client, f"/api/v1/articles/{one.pk}/adjudication/"),
        ),
        Case("decision (accept/reject)", None, decider(client, one)),
        Case("article history page", None, getter(client, f"/api/v1/articles/{one.pk}/history/")),
        Case("create one (+ event)", None, creator(client, articles)),
    ]


if __name__ == "__main__":
    run(cases)
