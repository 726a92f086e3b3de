"""/api/v1/sentences/<article>/<index>/similar/: the sentences of other articles making the
same claim, ranked, with their tags as each role may see them."""

import pytest

from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

SOURCE = (
    "Is stem cell therapy right for you?\n"
    "Our stem cell treatment has no side effects and cures arthritis for good.\n"
    "Book a free consultation today.\n"
)
SAME_CLAIM = (
    "Why choose NovaCell Clinic?\n"
    "At NovaCell Clinic our stem cell treatment has no side effects and cures arthritis for good.\n"
    "Call us on weekdays.\n"
)
REWORDED = (
    "Patient stories\n"
    "Stem cell treatment cures arthritis for good, and patients report no side effects.\n"
    "Visit our Miami office.\n"
)
UNRELATED = (
    "Opening hours\n"
    "Our reception desk opens at nine in the morning on weekdays.\n"
    "Parking is free for patients.\n"
)
CLAIM = "has no side effects and cures arthritis for good."


@pytest.fixture
def corpus(make_article):
    def make(text: str, publisher: str):
        return make_article(text, publisher=publisher, allow_near_duplicate=True)

    return {
        "source": make(SOURCE, "RegenWell Institute"),
        "same": make(SAME_CLAIM, "NovaCell Clinic"),
        "reworded": make(REWORDED, "Sunrise Cells"),
        "unrelated": make(UNRELATED, "Quiet Clinic"),
    }


def similar(article_id: int, index: int, query: str = "") -> str:
    return f"/api/v1/sentences/{article_id}/{index}/similar/{query}"


def test_it_ranks_the_same_claim_in_other_articles_best_first(api_for, editor, corpus):
    response = api_for(editor).get(similar(corpus["source"].pk, 1, "?min_score=0.3"))
    assert response.status_code == 200
    body = response.json()
    assert body["sentence"]["article"] == corpus["source"].pk
    assert body["sentence"]["index"] == 1
    found = [(row["article"]["id"], row["index"]) for row in body["results"]]
    assert found[:2] == [(corpus["same"].pk, 1), (corpus["reworded"].pk, 1)]
    scores = [row["score"] for row in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0.3 <= score <= 1 for score in scores)
    first = body["results"][0]
    assert first["article"] == {
        "id": corpus["same"].pk,
        "title": corpus["same"].title,
        "publisher": "NovaCell Clinic",
    }
    assert first["text"].endswith(CLAIM)
    assert corpus["unrelated"].pk not in {row["article"]["id"] for row in body["results"]}


def test_it_leaves_out_the_sentences_own_article(api_for, editor, make_article, corpus):
    own = corpus["source"]
    response = api_for(editor).get(similar(own.pk, 1, "?min_score=0"))
    assert response.status_code == 200
    assert own.pk not in {row["article"]["id"] for row in response.json()["results"]}


def test_a_higher_min_score_keeps_only_the_closer_matches(api_for, editor, corpus):
    client = api_for(editor)
    loose = client.get(similar(corpus["source"].pk, 1, "?min_score=0.3")).json()["results"]
    strict = client.get(similar(corpus["source"].pk, 1, "?min_score=0.9")).json()["results"]
    assert len(strict) < len(loose)
    assert all(row["score"] >= 0.9 for row in strict)


@pytest.mark.parametrize("value", ["-0.1", "1.5", "abc", "nan"])
def test_it_refuses_a_min_score_outside_zero_to_one(api_for, editor, corpus, value):
    response = api_for(editor).get(similar(corpus["source"].pk, 1, f"?min_score={value}"))
    assert response.status_code == 400
    assert "min_score" in response.json()


@pytest.mark.parametrize("query", ["?page_size=0", "?page_size=101", "?offset=-1", "?offset=x"])
def test_it_refuses_a_page_it_cannot_give(api_for, editor, corpus, query):
    response = api_for(editor).get(similar(corpus["source"].pk, 1, query))
    assert response.status_code == 400


def test_it_pages_through_the_ranking(api_for, editor, corpus):
    client = api_for(editor)
    everything = client.get(similar(corpus["source"].pk, 1, "?min_score=0.3")).json()["results"]
    first = client.get(similar(corpus["source"].pk, 1, "?min_score=0.3&page_size=1")).json()
    assert first["previous"] is None
    assert [row["index"] for row in first["results"]] == [everything[0]["index"]]
    second = client.get(first["next"]).json()
    assert second["results"] == everything[1:2]
    assert second["previous"] is not None
    assert client.get(second["previous"]).json()["results"] == everything[:1]


def test_it_counts_the_tags_each_role_may_see(
    api_for, editor, reviewer, other_reviewer, reader, corpus
):
    same = corpus["same"]
    annotate_phrase(reviewer, same, "overstated", "no side effects")
    annotate_phrase(other_reviewer, same, "overstated", "cures arthritis")
    annotate_phrase(other_reviewer, same, "unsupported", "cures arthritis for good")
    query = similar(corpus["source"].pk, 1, "?min_score=0.3")

    def tags_seen_by(user) -> dict[str, int]:
        row = api_for(user).get(query).json()["results"][0]
        assert row["article"]["id"] == same.pk
        assert row["annotation_count"] == sum(tag["count"] for tag in row["tags"])
        return {tag["slug"]: tag["count"] for tag in row["tags"]}

    assert tags_seen_by(editor) == {"overstated": 2, "unsupported": 1}
    assert tags_seen_by(reader) == {"overstated": 2, "unsupported": 1}
    assert tags_seen_by(reviewer) == {"overstated": 1}


def test_it_answers_in_a_fixed_number_of_queries(
    api_for, editor, reviewer, make_article, corpus, django_assert_max_num_queries
):
    for number in range(6):
        article = make_article(
            SAME_CLAIM.replace("weekdays", f"weekday number {number}"),
            publisher=f"Clinic {number}",
            allow_near_duplicate=True,
        )
        annotate_phrase(reviewer, article, "overstated", "no side effects")
    client = api_for(editor)
    client.get(similar(corpus["source"].pk, 1))  # roles and token cached from here on
    with django_assert_max_num_queries(6):
        response = client.get(similar(corpus["source"].pk, 1, "?min_score=0.3"))
    assert len(response.json()["results"]) >= 7


def test_it_answers_404_for_an_unknown_article_or_sentence(api_for, editor, corpus):
    client = api_for(editor)
    assert client.get(similar(corpus["source"].pk + 100, 1)).status_code == 404
    missing = client.get(similar(corpus["source"].pk, 99))
    assert missing.status_code == 404
    assert "no sentence 99" in missing.json()["detail"]


def test_it_refuses_the_anonymous_and_users_without_a_role(api_for, outsider, corpus):
    assert api_for(None).get(similar(corpus["source"].pk, 1)).status_code == 401
    assert api_for(outsider).get(similar(corpus["source"].pk, 1)).status_code == 403


def test_it_refuses_writing(api_for, editor, corpus):
    assert api_for(editor).post(similar(corpus["source"].pk, 1), {}).status_code == 405
