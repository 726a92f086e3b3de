"""read_through_mark: a reviewer's read-through of an article moves on, never back, and only
to a sentence the article has."""

import pytest

from claims.models import ReadThrough
from claims.review.selectors import read_through_state
from claims.services.errors import Rejected
from claims.services.read_through import read_through_mark

pytestmark = pytest.mark.django_db

FOUR_SENTENCES = (
    "Our serum regrows hair in a week. Doctors are amazed by it. "
    "Each bottle costs $90. Order today.\n"
)


@pytest.fixture
def article(make_article):
    article = make_article(FOUR_SENTENCES, title="Hair serum")
    assert article.sentences.count() == 4
    return article


def stored() -> list[tuple]:
    return list(
        ReadThrough.objects.order_by("id").values_list(
            "article__title", "reviewer__username", "read_up_to"
        )
    )


def test_it_stores_one_row_per_reviewer_and_article(article, reviewer, other_reviewer):
    read_through_mark(article=article, reviewer=reviewer, read_up_to=1)
    read_through_mark(article=article, reviewer=reviewer, read_up_to=2)
    read_through_mark(article=article, reviewer=other_reviewer, read_up_to=0)
    assert stored() == [("Hair serum", "rita", 2), ("Hair serum", "omar", 0)]


def test_it_keeps_the_further_mark_when_an_earlier_sentence_comes_late(article, reviewer):
    read_through_mark(article=article, reviewer=reviewer, read_up_to=3)
    row = read_through_mark(article=article, reviewer=reviewer, read_up_to=1)
    assert row.read_up_to == 3
    assert stored() == [("Hair serum", "rita", 3)]


@pytest.mark.parametrize("index", [-1, 4, 10_000])
def test_it_rejects_a_sentence_the_article_does_not_have(article, reviewer, index):
    with pytest.raises(Rejected) as refused:
        read_through_mark(article=article, reviewer=reviewer, read_up_to=index)
    assert refused.value.field == "read_up_to"
    assert refused.value.code == "out_of_range"
    assert refused.value.message == (
        f"Article {article.pk} has no sentence {index}: its 4 sentences are numbered 0 to 3."
    )
    assert stored() == []


def test_the_state_counts_read_and_unread_sentences(article, reviewer, other_reviewer):
    read_through_mark(article=article, reviewer=reviewer, read_up_to=2)
    mine = read_through_state(article=article, reviewer=reviewer)
    theirs = read_through_state(article=article, reviewer=other_reviewer)
    assert (mine.read_up_to, mine.read, mine.unread, mine.total) == (2, 3, 1, 4)
    assert (theirs.read_up_to, theirs.read, theirs.unread, theirs.total) == (None, 0, 4, 4)
