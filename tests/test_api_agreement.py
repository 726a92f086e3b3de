"""/api/v1/stats/agreement/: the endpoint, its filters and who may call it (the statistics
themselves are checked in tests/test_agreement.py)."""

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Sentence
from claims.services.annotations import AnnotationDraft, annotations_bulk_create
from claims.services.articles import article_update

pytestmark = pytest.mark.django_db

AGREEMENT = "/api/v1/stats/agreement/"


def numbered(make_article, count: int, label: str, **overrides) -> Article:
    lines = [f"Sentence {i + 1} of the {label} trial is here." for i in range(count)]
    article = make_article(text="\n".join(lines) + "\n", **overrides)
    assert Sentence.objects.filter(article=article).count() == count
    return article


def tag_sentences(author: User, article: Article, tag: str, *indexes: int) -> None:
    drafts = [AnnotationDraft(article_id=article.pk, tag=tag, sentences=(i, i)) for i in indexes]
    annotations_bulk_create(author=author, drafts=drafts)


@pytest.fixture
def trial(make_article, reviewer, other_reviewer) -> Article:
    """Ten sentences. Overstated: Rita says 0-3, Omar 0, 1 and 4. Unsupported: Rita alone, 5."""
    article = numbered(make_article, 10, "knee", publisher="Knee Clinic")
    tag_sentences(reviewer, article, "overstated", 0, 1, 2, 3)
    tag_sentences(other_reviewer, article, "overstated", 0, 1, 4)
    tag_sentences(reviewer, article, "unsupported", 5)
    return article


@pytest.fixture
def lone(make_article, reviewer) -> Article:
    """Four sentences only Rita tagged: one coder, so it never counts."""
    article = numbered(make_article, 4, "hip", publisher="Hip Clinic")
    tag_sentences(reviewer, article, "overstated", 0, 1)
    return article


def figures(client, **params) -> dict:
    response = client.get(AGREEMENT, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_it_reports_the_agreement_on_one_article(request, api_for, trial, persona):
    body = figures(api_for(request.getfixturevalue(persona)), article=trial.pk)

    assert (body["articles"], body["sentences"], body["coders"]) == (1, 10, ["omar", "rita"])
    unsupported, overstated = body["tags"]  # in vocabulary order
    assert {k: overstated[k] for k in ("tag", "tag_name", "units", "positive")} == {
        "tag": "overstated",
        "tag_name": "Overstated",
        "units": 10,
        "positive": 5,
    }
    # n11 = 2 (sentences 0, 1), n10 = 2 (2, 3), n01 = 1 (4), n00 = 5: po = 0.7;
    # pRita = 0.4, pOmar = 0.3, pe = 0.4·0.3 + 0.6·0.7 = 0.54; kappa = 0.16/0.46 = 0.3478.
    assert overstated["percent_agreement"] == pytest.approx(0.7)
    assert overstated["cohen_kappa"] == pytest.approx(0.16 / 0.46)
    # Coincidences: o11 = 2·2 = 4, o00 = 2·5 = 10, o01 = o10 = 3 (the split units);
    # n1 = 7, n0 = 13, n = 20; alpha = 1 - 19·3/(13·7) = 34/91 = 0.3736.
    assert overstated["krippendorff_alpha"] == pytest.approx(34 / 91)
    # Rita alone says yes once: po = 0.9 = pe, so kappa is 0, and so is alpha.
    assert unsupported["tag"] == "unsupported"
    assert (unsupported["units"], unsupported["positive"]) == (10, 1)
    assert unsupported["cohen_kappa"] == pytest.approx(0)
    assert unsupported["krippendorff_alpha"] == pytest.approx(0)
    assert body["overall"]["tag"] == ""
    assert body["overall"]["tag_name"] == "All tags"
    assert (body["overall"]["units"], body["overall"]["positive"]) == (20, 6)


def test_the_tag_filter_narrows_the_tags_and_the_pooled_row(api_for, editor, trial):
    body = figures(api_for(editor), article=trial.pk, tag="unsupported")

    assert [row["tag"] for row in body["tags"]] == ["unsupported"]
    assert (body["overall"]["units"], body["overall"]["positive"]) == (10, 1)
    both = figures(api_for(editor), article=trial.pk, tag=["unsupported", "overstated"])
    assert [row["tag"] for row in both["tags"]] == ["unsupported", "overstated"]


def test_it_counts_only_articles_with_two_or_more_reviewers(api_for, editor, trial, lone):
    body = figures(api_for(editor))

    assert (body["articles"], body["sentences"]) == (1, 10)
    assert figures(api_for(editor), article=lone.pk) == {
        "articles": 0,
        "sentences": 0,
        "coders": [],
        "tags": [],
        "overall": None,
    }


def test_it_narrows_the_corpus_by_publisher_and_status(
    api_for, editor, reviewer, other_reviewer, trial, make_article
):
    other = numbered(make_article, 4, "spine", publisher="Spine Clinic")
    tag_sentences(reviewer, other, "price-claim", 0)
    tag_sentences(other_reviewer, other, "price-claim", 0)
    article_update(article=other, status="reviewed")
    client = api_for(editor)

    assert figures(client)["articles"] == 2
    assert [row["tag"] for row in figures(client, publisher="Spine Clinic")["tags"]] == [
        "price-claim"
    ]
    assert figures(client, status="reviewed")["sentences"] == 4
    assert figures(client, status="in_review")["sentences"] == 10
    assert figures(client, publisher="Nobody")["articles"] == 0


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"article": "abc"}, "article", "“abc” is not an article id."),
        ({"article": "-1"}, "article", "“-1” is not an article id."),
        ({"status": "bogus"}, "status", "“bogus” is not a status (new, in_review, reviewed)."),
    ],
)
def test_it_refuses_a_bad_filter(api_for, editor, trial, params, field, message):
    response = api_for(editor).get(AGREEMENT, params)

    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_it_answers_404_for_an_unknown_article(api_for, editor, trial):
    response = api_for(editor).get(AGREEMENT, {"article": 987_654})

    assert response.status_code == 404
    assert response.json()["detail"] == "There is no article 987654."


@pytest.mark.parametrize(
    ("persona", "expected", "detail"),
    [
        ("reviewer", 403, "Only an editor or reader may GET here."),
        ("outsider", 403, "Your account has no Claimscope role (reviewer, editor or reader)."),
        ("anonymous", 401, "Authentication credentials were not provided."),
    ],
)
def test_only_editors_and_readers_see_agreement(request, api_for, trial, persona, expected, detail):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = api_for(user).get(AGREEMENT, {"article": trial.pk})

    assert response.status_code == expected
    assert response.json()["detail"] == detail


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_only_reads(api_for, editor, trial, method):
    assert getattr(api_for(editor), method)(AGREEMENT).status_code == 405


def test_it_reads_in_the_same_number_of_queries_for_one_or_many_articles(
    api_for, editor, reviewer, other_reviewer, trial, make_article, django_assert_num_queries
):
    client = api_for(editor)
    # Token, roles, then agreement's: coders, sentences, tagged units, tags.
    with django_assert_num_queries(7):
        figures(client)
    for n in range(5):
        article = numbered(make_article, 3, f"clinic {n}")
        tag_sentences(reviewer, article, "overstated", 0)
        tag_sentences(other_reviewer, article, "overstated", 0, 1)

    with django_assert_num_queries(7):
        assert figures(client)["articles"] == 6
