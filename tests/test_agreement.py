"""Inter-reviewer agreement per tag, checked against values worked out by hand."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import REVIEWER, Annotation, Article, Assignment, Sentence, Tag
from claims.review.agreement import Agreement, corpus_agreement
from claims.review.selectors import article_coders
from claims.selectors import ReportFilters

pytestmark = pytest.mark.django_db


def article_agreement(*, article: Article) -> Agreement:
    """Agreement on one article: the corpus figures with the article as the only filter."""
    return corpus_agreement(filters=ReportFilters(article_id=article.pk))


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", binary data, two observers.
TEXTBOOK_A = (0, 1, 0, 0, 0, 0, 0, 0, 1, 0)
TEXTBOOK_B = (1, 1, 1, 0, 0, 1, 0, 0, 0, 0)


@pytest.fixture
def make_numbered(make_article):
    """An article of `count` sentences, one per line; `label` keeps the texts distinct."""

    def make(count: int, label: str = "", **overrides) -> Article:
        lines = [f"Sentence {i + 1} of the {label}trial is here." for i in range(count)]
        article = make_article(text="\n".join(lines) + "\n", **overrides)
        assert Sentence.objects.filter(article=article).count() == count
        return article

    return make


@pytest.fixture
def third_reviewer(db) -> User:
    user = User.objects.create_user(username="tess", password="correct horse battery")
    user.groups.add(Group.objects.get(name=REVIEWER))
    return user


def span(article: Article, author: User, slug: str, start: int, end: int, **fields) -> None:
    Annotation.objects.create(
        article=article,
        start=start,
        end=end,
        quote=article.text[start:end],
        tag=Tag.objects.get(slug=slug),
        author=author,
        **fields,
    )


def tag_sentences(article: Article, author: User, slug: str, *indexes: int, **fields) -> None:
    """One whole-sentence annotation per sentence index."""
    for sentence in Sentence.objects.filter(article=article, index__in=indexes):
        span(article, author, slug, sentence.start, sentence.end, **fields)


def tag_where(article: Article, author: User, slug: str, decisions: tuple[int, ...]) -> None:
    """Tag the sentences whose decision is 1."""
    tag_sentences(article, author, slug, *(i for i, said in enumerate(decisions) if said))


def mark_done(article: Article, reviewer: User, editor: User) -> None:
    Assignment.objects.create(
        article=article, reviewer=reviewer, assigned_by=editor, done_at=datetime.now(UTC)
    )


def only_tag(agreement):
    assert len(agreement.tags) == 1
    return agreement.tags[0]


def test_it_reproduces_krippendorffs_binary_two_observer_example(
    make_numbered, reviewer, other_reviewer
):
    article = make_numbered(10)
    tag_where(article, reviewer, "overstated", TEXTBOOK_A)
    tag_where(article, other_reviewer, "overstated", TEXTBOOK_B)

    row = only_tag(article_agreement(article=article))

    # Coincidences: o00 = 2·5 = 10, o01 = o10 = 4 (four split units), o11 = 2·1 = 2;
    # n0 = 14, n1 = 6, n = 20; alpha = 1 - (n-1)·o01 / (n0·n1) = 1 - 19·4/84 = 0.0952.
    assert row.krippendorff_alpha == pytest.approx(1 - 19 * 4 / 84)
    assert row.krippendorff_alpha == pytest.approx(0.0952, abs=1e-4)
    # n11 = 1, n10 = 1 (A yes, B no), n01 = 3, n00 = 5: po = 0.6,
    # pe = 0.2·0.4 + 0.8·0.6 = 0.56, kappa = 0.04 / 0.44 = 0.0909.
    assert row.cohen_kappa == pytest.approx(0.04 / 0.44)
    assert row.percent_agreement == pytest.approx(0.6)
    assert (row.tag, row.tag_name, row.units, row.positive) == ("overstated", "Overstated", 10, 5)


def test_it_reproduces_a_textbook_cohens_kappa(make_numbered, reviewer, other_reviewer):
    article = make_numbered(50)
    # yes/yes 20 (sentences 0-19), yes/no 5 (20-24), no/yes 10 (25-34), no/no 15 (35-49).
    tag_sentences(article, reviewer, "unsupported", *range(25))
    tag_sentences(article, other_reviewer, "unsupported", *range(20), *range(25, 35))

    row = only_tag(article_agreement(article=article))

    # po = (20 + 15)/50 = 0.70; pA = 25/50, pB = 30/50; pe = 0.5·0.6 + 0.5·0.4 = 0.50;
    # kappa = (0.70 - 0.50)/(1 - 0.50) = 0.40.
    assert row.percent_agreement == pytest.approx(0.70)
    assert row.cohen_kappa == pytest.approx(0.40)
    # o11 = 40, o00 = 30, o01 = 15; n1 = 55, n0 = 45, n = 100;
    # alpha = 1 - 99·15/(45·55) = 1 - 1485/2475 = 0.40.
    assert row.krippendorff_alpha == pytest.approx(0.40)
    assert (row.units, row.positive) == (50, 35)


def test_it_computes_alpha_for_three_coders_and_no_kappa(
    make_numbered, reviewer, other_reviewer, third_reviewer
):
    article = make_numbered(5)
    # Sentence 0: three yes; 1: two yes, one no; 2: one yes, two no; 3 and 4: all no.
    tag_sentences(article, reviewer, "overstated", 0, 1, 2)
    tag_sentences(article, other_reviewer, "overstated", 0, 1)
    tag_sentences(article, third_reviewer, "overstated", 0)

    agreement = article_agreement(article=article)
    row = only_tag(agreement)

    # Each pair of values in a unit of three counts 1/(3-1) = 1/2 in the coincidence matrix:
    # s0 (0 no, 3 yes): o11 += 3·2/2 = 3; s1 (1, 2): o11 += 1, o01 += 1; s2 (2, 1): o00 += 1,
    # o01 += 1; s3, s4 (3, 0): o00 += 3 each. o00 = 7, o11 = 4, o01 = o10 = 2;
    # n0 = 9, n1 = 6, n = 15; alpha = 1 - 14·2/(9·6) = 26/54 = 0.4815.
    assert row.krippendorff_alpha == pytest.approx(26 / 54)
    assert row.cohen_kappa is None
    assert row.percent_agreement == pytest.approx(3 / 5)
    assert agreement.coders == ["omar", "rita", "tess"]


def test_it_gives_one_for_perfect_agreement(make_numbered, reviewer, other_reviewer):
    article = make_numbered(10)
    tag_sentences(article, reviewer, "overstated", 1, 3)
    tag_sentences(article, other_reviewer, "overstated", 1, 3)

    row = only_tag(article_agreement(article=article))

    assert (row.percent_agreement, row.cohen_kappa, row.krippendorff_alpha) == (1, 1, 1)


def test_it_leaves_out_tags_nobody_used_and_alpha_undefined_for_all_yes(
    make_numbered, reviewer, other_reviewer
):
    article = make_numbered(3)
    tag_sentences(article, reviewer, "unsupported", 0, 1, 2)
    tag_sentences(article, other_reviewer, "unsupported", 0, 1, 2)

    agreement = article_agreement(article=article)
    row = only_tag(agreement)

    assert row.tag == "unsupported"
    assert row.krippendorff_alpha is None  # every value is a yes: alpha is 0/0, not NaN
    assert row.cohen_kappa is None  # pA = pB = 1, so pe = 1
    assert row.percent_agreement == 1


def test_it_counts_every_sentence_an_annotation_overlaps_once_per_coder(
    make_numbered, reviewer, other_reviewer
):
    article = make_numbered(10)
    second, third = Sentence.objects.filter(article=article, index__in=(2, 3)).order_by("index")
    # Rita: a few words of sentence 2 and, overlapping them, the whole sentence.
    span(article, reviewer, "overstated", second.start + 3, second.start + 8)
    span(article, reviewer, "overstated", second.start, second.end)
    # Omar: one annotation over sentences 2 and 3.
    span(article, other_reviewer, "overstated", second.start, third.end)

    row = only_tag(article_agreement(article=article))

    # n11 = 1 (sentence 2), n10 = 0, n01 = 1 (sentence 3), n00 = 8: po = 0.9,
    # pe = 0.1·0.2 + 0.9·0.8 = 0.74, kappa = 0.16/0.26. Rita counted twice on sentence 2
    # would make its unit [0, 3] and change every figure.
    assert (row.units, row.positive) == (10, 2)
    assert row.percent_agreement == pytest.approx(0.9)
    assert row.cohen_kappa == pytest.approx(0.16 / 0.26)
    # o11 = 2, o01 = 1, o00 = 16; n0 = 17, n1 = 3; alpha = 1 - 19·1/(17·3) = 32/51.
    assert row.krippendorff_alpha == pytest.approx(32 / 51)


def test_it_ignores_final_annotations(make_numbered, reviewer, other_reviewer, editor):
    article = make_numbered(10)
    tag_sentences(article, reviewer, "overstated", 1, 3)
    tag_sentences(article, other_reviewer, "overstated", 1, 3)
    tag_sentences(article, editor, "overstated", 5, final=True)
    tag_sentences(article, editor, "unsupported", 0, final=True)

    agreement = article_agreement(article=article)

    assert agreement.coders == ["omar", "rita"]
    assert [row.tag for row in agreement.tags] == ["overstated"]
    assert agreement.tags[0].krippendorff_alpha == 1
    assert article_coders(article=article) == ["omar", "rita"]


def test_it_ignores_articles_with_a_single_coder(make_numbered, reviewer, other_reviewer):
    alone = make_numbered(4, label="lonely ")
    tag_sentences(alone, reviewer, "overstated", 0)
    Assignment.objects.create(article=alone, reviewer=other_reviewer)  # not done: no coder

    agreement = article_agreement(article=alone)

    assert (agreement.articles, agreement.sentences, agreement.tags) == (0, 0, [])
    assert agreement.overall is None
    assert corpus_agreement(filters=ReportFilters()).articles == 0


def test_it_counts_a_done_reviewer_who_tagged_nothing_as_saying_no(
    make_numbered, reviewer, other_reviewer, editor
):
    article = make_numbered(10)
    tag_sentences(article, reviewer, "overstated", 1)
    mark_done(article, other_reviewer, editor)

    agreement = article_agreement(article=article)
    row = only_tag(agreement)

    assert agreement.coders == ["omar", "rita"]
    assert article_coders(article=article) == ["omar", "rita"]
    # n10 = 1, n00 = 9: po = 0.9, pA = 0.1, pB = 0, pe = 0.9·1 = 0.9, kappa = 0/0.1 = 0.
    # o01 = 1, o00 = 18; n0 = 19, n1 = 1; alpha = 1 - 19·1/(19·1) = 0.
    assert (row.units, row.positive) == (10, 1)
    assert row.percent_agreement == pytest.approx(0.9)
    assert row.cohen_kappa == pytest.approx(0)
    assert row.krippendorff_alpha == pytest.approx(0)


def pooled_pair(make_numbered, reviewer, other_reviewer) -> tuple[Article, Article]:
    """The textbook article, and a four-sentence one from another publisher where Rita tags
    sentence 0 and Omar sentences 0 and 1."""
    textbook = make_numbered(10, label="textbook ")
    tag_where(textbook, reviewer, "overstated", TEXTBOOK_A)
    tag_where(textbook, other_reviewer, "overstated", TEXTBOOK_B)
    small = make_numbered(4, label="small ", publisher="Ozone Clinic")
    tag_sentences(small, reviewer, "overstated", 0)
    tag_sentences(small, other_reviewer, "overstated", 0, 1)
    return textbook, small


def test_it_pools_the_articles_of_a_corpus(make_numbered, reviewer, other_reviewer):
    pooled_pair(make_numbered, reviewer, other_reviewer)

    agreement = corpus_agreement(filters=ReportFilters())
    row = only_tag(agreement)

    assert (agreement.articles, agreement.sentences) == (2, 14)
    # n11 = 1 + 1, n10 = 1 + 0, n01 = 3 + 1, n00 = 5 + 2 over 14 units: po = 9/14;
    # pA = 3/14, pB = 6/14, pe = (3·6 + 11·8)/196 = 106/196; kappa = (126 - 106)/(196 - 106).
    assert row.percent_agreement == pytest.approx(9 / 14)
    assert row.cohen_kappa == pytest.approx(20 / 90)
    # o11 = 4, o01 = 5, o00 = 14; n1 = 9, n0 = 19, n = 28; alpha = 1 - 27·5/(19·9) = 36/171.
    assert row.krippendorff_alpha == pytest.approx(36 / 171)
    assert (row.units, row.positive) == (14, 7)


def test_it_narrows_the_corpus_by_publisher_status_and_article(
    make_numbered, reviewer, other_reviewer
):
    textbook, small = pooled_pair(make_numbered, reviewer, other_reviewer)
    Article.objects.filter(pk=small.pk).update(status=Article.Status.REVIEWED)

    by_publisher = corpus_agreement(filters=ReportFilters(publisher=textbook.publisher))
    by_status = corpus_agreement(filters=ReportFilters(status=Article.Status.REVIEWED))
    by_article = corpus_agreement(filters=ReportFilters(article_id=textbook.pk))

    assert only_tag(by_publisher).cohen_kappa == pytest.approx(0.04 / 0.44)
    assert only_tag(by_article).cohen_kappa == pytest.approx(0.04 / 0.44)
    assert (by_status.articles, by_status.sentences) == (1, 4)
    # Small alone: n11 = 1, n01 = 1, n00 = 2: po = 0.75.
    assert only_tag(by_status).percent_agreement == pytest.approx(0.75)


def test_it_reports_only_the_tags_asked_for(make_numbered, reviewer, other_reviewer):
    textbook, _ = pooled_pair(make_numbered, reviewer, other_reviewer)
    tag_sentences(textbook, reviewer, "unsupported", 9)

    everything = corpus_agreement(filters=ReportFilters())
    narrowed = corpus_agreement(filters=ReportFilters(tags=("overstated",)))

    assert [row.tag for row in everything.tags] == ["unsupported", "overstated"]
    assert [row.tag for row in narrowed.tags] == ["overstated"]
    assert narrowed.overall.units == 14


def test_its_query_count_does_not_grow_with_the_articles(make_numbered, reviewer, other_reviewer):
    def queries_for(count: int) -> int:
        for number in range(count):
            article = make_numbered(3, label=f"batch {count} number {number} ")
            tag_sentences(article, reviewer, "overstated", 0)
            tag_sentences(article, other_reviewer, "unsupported", 1)
        with CaptureQueriesContext(connection) as queries:
            corpus_agreement(filters=ReportFilters())
        return len(queries)

    one = queries_for(1)
    assert queries_for(3) == one
    assert corpus_agreement(filters=ReportFilters()).articles == 4


def test_the_overall_row_pools_the_tags(make_numbered, reviewer, other_reviewer):
    article = make_numbered(4)
    tag_sentences(article, reviewer, "overstated", 0)
    tag_sentences(article, other_reviewer, "overstated", 0)
    tag_sentences(article, reviewer, "unsupported", 1)
    tag_sentences(article, other_reviewer, "unsupported", 2)

    overall = article_agreement(article=article).overall

    # Units are the 8 (sentence, tag) pairs: n11 = 1, n10 = 1, n01 = 1, n00 = 5.
    # po = 6/8; pA = pB = 2/8, pe = 1/16 + 9/16 = 10/16; kappa = (12/16 - 10/16)/(6/16) = 1/3.
    assert (overall.tag, overall.tag_name, overall.units, overall.positive) == (
        "",
        "All tags",
        8,
        3,
    )
    assert overall.percent_agreement == pytest.approx(0.75)
    assert overall.cohen_kappa == pytest.approx(1 / 3)
    # o11 = 2, o01 = 2, o00 = 10; n1 = 4, n0 = 12, n = 16; alpha = 1 - 15·2/(12·4) = 0.375.
    assert overall.krippendorff_alpha == pytest.approx(0.375)
