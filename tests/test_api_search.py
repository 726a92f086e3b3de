"""/api/v1/search/: full-text search over every article's sentences and the notes on them,
ranked, with phrases, prefixes and the annotation list's filters, as each role may see it."""

import pytest

from claims.search import tsquery_of
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

FIRST = (
    "Knee injections\n"
    "Our injections have no side effects for knees.\n"
    "Injectable cells regrow cartilage in weeks.\n"
)
SECOND = (
    "Hip treatment\nRare effects sit on the side of caution here.\nThe price is $4,500 per hip.\n"
)


@pytest.fixture
def corpus(make_article):
    return {
        "first": make_article(FIRST, publisher="RegenWell Institute"),
        "second": make_article(SECOND, publisher="NovaCell Clinic"),
    }


def search(query: str) -> str:
    return f"/api/v1/search/{query}"


def found(response) -> list[tuple[int, int]]:
    assert response.status_code == 200, response.json()
    return [(row["article"]["id"], row["index"]) for row in response.json()["results"]]


def test_it_builds_phrases_prefixes_exclusions_and_alternatives():
    assert tsquery_of('"no side effects" inject* -hip knee or cartilage') == (
        "(no <-> side <-> effects) & inject:* & !hip & knee | cartilage"
    )
    assert tsquery_of("'); DROP TABLE x; --") == "drop & table & x"


def test_it_finds_every_word_stemmed_most_relevant_first(api_for, editor, corpus):
    hits = found(api_for(editor).get(search("?q=side effects")))
    assert set(hits) == {(corpus["first"].pk, 1), (corpus["second"].pk, 1)}
    scores = [
        row["score"] for row in api_for(editor).get(search("?q=side effects")).json()["results"]
    ]
    assert scores == sorted(scores, reverse=True)


def test_a_phrase_finds_only_the_words_in_that_order(api_for, editor, corpus):
    assert found(api_for(editor).get(search('?q="side effects"'))) == [(corpus["first"].pk, 1)]


def test_a_prefix_finds_every_word_starting_so(api_for, editor, corpus):
    hits = found(api_for(editor).get(search("?q=inject*")))
    assert set(hits) == {(corpus["first"].pk, 0), (corpus["first"].pk, 1), (corpus["first"].pk, 2)}


def test_it_finds_a_sentence_by_a_note_on_it_that_the_caller_may_see(
    api_for, editor, reviewer, other_reviewer, corpus
):
    second = corpus["second"]
    annotate_phrase(other_reviewer, second, "price-claim", "$4,500", note="Quoted in dollars only.")
    by_editor = api_for(editor).get(search("?q=dollars")).json()["results"]
    assert [(row["article"]["id"], row["index"], row["in_text"]) for row in by_editor] == [
        (second.pk, 2, False)
    ]
    assert by_editor[0]["tags"] == [
        {
            "slug": "price-claim",
            "name": "Price claim",
            "colour": by_editor[0]["tags"][0]["colour"],
            "count": 1,
        }
    ]
    assert api_for(reviewer).get(search("?q=dollars")).json()["results"] == []


def test_it_takes_the_annotation_lists_filters(api_for, editor, reviewer, corpus):
    client = api_for(editor)
    first, second = corpus["first"], corpus["second"]
    assert found(client.get(search("?q=side effects&publisher=NovaCell Clinic"))) == [
        (second.pk, 1)
    ]
    assert found(client.get(search(f"?q=side effects&article={first.pk}"))) == [(first.pk, 1)]
    annotate_phrase(reviewer, second, "overstated", "Rare effects sit")
    assert found(client.get(search("?q=side effects&tag=overstated"))) == [(second.pk, 1)]


def test_it_pages_through_the_results(api_for, editor, corpus):
    client = api_for(editor)
    everything = client.get(search("?q=inject* or side")).json()["results"]
    assert len(everything) >= 3
    first = client.get(search("?q=inject* or side&page_size=2")).json()
    assert first["results"] == everything[:2]
    assert client.get(first["next"]).json()["results"] == everything[2:4]


def test_it_pages_from_the_text_matches_on_to_those_matched_by_a_note(
    api_for, editor, reviewer, corpus
):
    second = corpus["second"]
    annotate_phrase(reviewer, second, "price-claim", "$4,500", note="A knee costs the same.")
    client = api_for(editor)
    hits = found(client.get(search("?q=knee*")))
    assert hits == [(corpus["first"].pk, 0), (corpus["first"].pk, 1), (second.pk, 2)]
    paged = [found(client.get(search(f"?q=knee*&page_size=1&offset={n}")))[0] for n in (0, 1, 2)]
    assert paged == hits
    assert found(client.get(search("?q=knee*&page_size=2&offset=2"))) == [(second.pk, 2)]


@pytest.mark.parametrize(
    "query", ["", "?q=", "?q=" + "a" * 201, "?q=knee&article=x", "?page_size=0&q=a"]
)
def test_it_refuses_a_query_it_cannot_run(api_for, editor, corpus, query):
    response = api_for(editor).get(search(query))
    assert response.status_code == 400
    assert response.json()


def test_a_query_of_no_words_finds_nothing(api_for, editor, corpus):
    assert found(api_for(editor).get(search("?q=%22%22%20-%20*"))) == []


def test_it_answers_in_a_fixed_number_of_queries(
    api_for, editor, reviewer, corpus, django_assert_max_num_queries
):
    for phrase in ("no side effects", "Rare effects sit"):
        article = corpus["first"] if phrase.startswith("no") else corpus["second"]
        annotate_phrase(reviewer, article, "overstated", phrase, note="No source for side effects.")
    client = api_for(editor)
    client.get(search("?q=side"))
    # The text matches, the count of them, the note matches after them, the tags, the user.
    with django_assert_max_num_queries(5):
        response = client.get(search("?q=side"))
    assert len(response.json()["results"]) == 2


def test_it_refuses_the_anonymous_and_users_without_a_role(api_for, outsider, corpus):
    assert api_for(None).get(search("?q=knee")).status_code == 401
    assert api_for(outsider).get(search("?q=knee")).status_code == 403
