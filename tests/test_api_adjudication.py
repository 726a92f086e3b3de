"""/api/v1/articles/<id>/adjudication/: the grid, decisions, accepting the unanimous tags and
finishing, for each role."""

import pytest

from claims.models import Annotation, Article, Decision, Event
from tests.helpers import annotate_phrase, annotate_sentences

pytestmark = pytest.mark.django_db

NO_ROLE = "Your account has no Claimscope role (reviewer, editor or reader)."
EDITORS_ONLY = "Only an editor may POST here."


def grid_url(article_id: int, step: str = "") -> str:
    return f"/api/v1/articles/{article_id}/adjudication/" + (f"{step}/" if step else "")


@pytest.fixture
def shared(make_article, reviewer, other_reviewer) -> Article:
    """Rita and Omar agree on sentence 1 (overstated) and sentence 3 (price claim), each once
    with a span inside the sentence; only Rita calls sentences 1-2 unsupported, with one
    annotation over both (conftest's CLINIC_TEXT: sentence 1 is [28, 62), 2 is [63, 102),
    3 is [104, 151))."""
    article = make_article()
    annotate_phrase(reviewer, article, "overstated", "no side effects", note="absolute safety")
    annotate_sentences(reviewer, article, "unsupported", 1, 2, note="no study cited")
    annotate_sentences(reviewer, article, "price-claim", 3, 3)
    annotate_sentences(other_reviewer, article, "overstated", 1, 1, note="no risk is untrue")
    annotate_phrase(other_reviewer, article, "price-claim", "$1,500 (2 injections) to $10,000")
    return article


def decide(client, article: Article, sentence: int, tag: str, accept: bool = True):
    body = {"sentence": sentence, "tag": tag, "accept": accept}
    return client.post(grid_url(article.pk, "decisions"), body, format="json")


def stored_state() -> dict[str, list]:
    return {
        "articles": list(
            Article.objects.values_list("id", "status", "adjudicated_at", "adjudicated_by")
        ),
        "decisions": list(Decision.objects.values_list("sentence", "tag__slug", "accepted")),
        "annotations": list(Annotation.objects.order_by("id").values_list("id", "final", "note")),
        "events": list(Event.objects.values_list("id", "kind")),
    }


# --- The grid -------------------------------------------------------------------------------


def proposal(tag: str, name: str, colour: str, by: list[str], unanimous: bool) -> dict:
    return {
        "tag": tag,
        "tag_name": name,
        "colour": colour,
        "by": by,
        "unanimous": unanimous,
        "accepted": None,
        "comment": "",
    }


SENTENCE_1 = "Our treatment has no side effects."
SENTENCE_2 = "It targets the root cause of arthritis."


def mark(pk: int, tag: str, start: int, end: int, note: str, quote: str, whole: bool) -> dict:
    """A reviewer's annotation in a grid cell: `quote` is the part of the row's sentence it
    covers, `whole` whether that is all of it."""
    return {
        "id": pk,
        "tag": tag,
        "start": start,
        "end": end,
        "quote": quote,
        "note": note,
        "whole": whole,
    }


# (tag, start, end, note) of the shared annotations, then the part of the sentence each
# covers and whether that is the whole sentence
RITA_OVERSTATED = ("overstated", 46, 61, "absolute safety", "no side effects", False)
RITA_UNSUPPORTED = ("unsupported", 28, 102, "no study cited")
RITA_PRICE = ("price-claim", 104, 151, "", "✅ Prices from $1,500 (2 injections) to $10,000.", True)
OMAR_OVERSTATED = ("overstated", 28, 62, "no risk is untrue", SENTENCE_1, True)
OMAR_PRICE = ("price-claim", 118, 150, "", "$1,500 (2 injections) to $10,000", False)

UNSUPPORTED = ("unsupported", "Unsupported", "#d97706")
OVERSTATED = ("overstated", "Overstated", "#dc2626")
PRICE = ("price-claim", "Price claim", "#059669")


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_it_shows_editors_and_readers_who_tagged_which_sentence_with_their_notes_and_spans(
    request, api_for, shared, persona
):
    response = api_for(request.getfixturevalue(persona)).get(grid_url(shared.pk))
    # (author, the order they made them in) -> annotation id
    made = shared.annotations.order_by("id").values_list("author__username", "id")
    ids = {}
    for username, pk in made:
        ids[username, len([key for key in ids if key[0] == username])] = pk

    assert response.status_code == 200
    assert response.json() == {
        "article": shared.pk,
        "status": "in_review",
        "adjudicated_at": None,
        "reviewers": ["omar", "rita"],
        "pending": 4,
        "decided": 0,
        "unanimous_pending": 2,
        "disagreements": 2,
        "rows": [
            {
                "sentence": 1,
                "start": 28,
                "end": 62,
                "text": SENTENCE_1,
                "cells": [
                    {
                        "reviewer": "omar",
                        "tags": ["overstated"],
                        "annotations": [mark(ids["omar", 0], *OMAR_OVERSTATED)],
                    },
                    {
                        "reviewer": "rita",
                        "tags": ["unsupported", "overstated"],
                        "annotations": [
                            mark(ids["rita", 1], *RITA_UNSUPPORTED, SENTENCE_1, True),
                            mark(ids["rita", 0], *RITA_OVERSTATED),
                        ],
                    },
                ],
                "proposals": [
                    proposal(*UNSUPPORTED, ["rita"], False),
                    proposal(*OVERSTATED, ["omar", "rita"], True),
                ],
                "disagreement": True,
            },
            {
                "sentence": 2,
                "start": 63,
                "end": 102,
                "text": SENTENCE_2,
                "cells": [
                    {"reviewer": "omar", "tags": [], "annotations": []},
                    {
                        "reviewer": "rita",
                        "tags": ["unsupported"],
                        "annotations": [
                            mark(ids["rita", 1], *RITA_UNSUPPORTED, SENTENCE_2, True),
                        ],
                    },
                ],
                "proposals": [proposal(*UNSUPPORTED, ["rita"], False)],
                "disagreement": True,
            },
            {
                "sentence": 3,
                "start": 104,
                "end": 151,
                "text": "✅ Prices from $1,500 (2 injections) to $10,000.",
                "cells": [
                    {
                        "reviewer": "omar",
                        "tags": ["price-claim"],
                        "annotations": [mark(ids["omar", 1], *OMAR_PRICE)],
                    },
                    {
                        "reviewer": "rita",
                        "tags": ["price-claim"],
                        "annotations": [mark(ids["rita", 2], *RITA_PRICE)],
                    },
                ],
                "proposals": [proposal(*PRICE, ["omar", "rita"], True)],
                "disagreement": False,
            },
        ],
    }


def test_it_shows_an_untagged_article_as_an_empty_grid(api_for, editor, make_article):
    article = make_article()

    body = api_for(editor).get(grid_url(article.pk)).json()

    assert (body["reviewers"], body["rows"], body["pending"]) == ([], [], 0)


def test_it_reads_the_grid_in_a_fixed_number_of_queries(
    api_for, editor, reviewer, other_reviewer, make_article, django_assert_num_queries
):
    small = make_article()
    annotate_sentences(reviewer, small, "overstated", 1, 1)
    large = make_article("".join(f"Patient {n} was cured in a week. " for n in range(40)))
    for n in range(0, 40, 2):
        annotate_sentences(reviewer, large, "overstated", n, n + 1)
        annotate_sentences(other_reviewer, large, "unsupported", n, n)
    client = api_for(editor)

    # Token, roles, article, then the grid: coder pairs and their names, votes, decisions,
    # sentences, tags.
    for article, rows in ((small, 1), (large, 40)):
        with django_assert_num_queries(9):
            response = client.get(grid_url(article.pk))
        assert len(response.json()["rows"]) == rows


@pytest.mark.parametrize("step", ["", "decisions", "unanimous", "finish"])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("outsider", 403)],
)
def test_it_refuses_callers_without_a_role_every_step(
    request, api_for, shared, step, persona, expected
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    before = stored_state()

    client = api_for(user)
    response = (
        client.get(grid_url(shared.pk)) if not step else client.post(grid_url(shared.pk, step))
    )

    assert response.status_code == expected
    if persona == "outsider":
        assert response.json()["detail"] == NO_ROLE
    else:
        assert response["WWW-Authenticate"] == "Token"
    assert stored_state() == before


def test_it_refuses_the_grid_to_reviewers(api_for, reviewer, shared):
    response = api_for(reviewer).get(grid_url(shared.pk))

    assert response.status_code == 403
    assert response.json()["detail"] == "Only an editor or reader may GET here."


@pytest.mark.parametrize("step", ["decisions", "unanimous", "finish"])
@pytest.mark.parametrize("persona", ["reviewer", "reader"])
def test_it_lets_only_editors_decide(request, api_for, shared, step, persona):
    before = stored_state()

    response = api_for(request.getfixturevalue(persona)).post(
        grid_url(shared.pk, step), {"sentence": 1, "tag": "overstated", "accept": True}
    )

    assert response.status_code == 403
    assert response.json()["detail"] == EDITORS_ONLY
    assert stored_state() == before


@pytest.mark.parametrize(
    ("step", "method"),
    [("", "post"), ("", "delete"), ("decisions", "get"), ("unanimous", "get"), ("finish", "put")],
)
def test_it_answers_405_for_a_method_the_endpoint_lacks(api_for, editor, shared, step, method):
    before = stored_state()

    response = getattr(api_for(editor), method)(grid_url(shared.pk, step))

    assert response.status_code == 405
    assert stored_state() == before


@pytest.mark.parametrize(
    ("step", "method"),
    [("", "get"), ("decisions", "post"), ("unanimous", "post"), ("finish", "post")],
)
def test_it_answers_404_for_a_missing_article(api_for, editor, step, method):
    body = {"sentence": 0, "tag": "overstated", "accept": True}

    response = getattr(api_for(editor), method)(grid_url(987_654, step), body, format="json")

    assert response.status_code == 404
    assert response.json()["detail"] == "There is no article 987654."
    assert not Decision.objects.exists()


# --- Decisions ------------------------------------------------------------------------------


def test_accepting_stores_a_final_annotation_over_the_sentence(api_for, editor, shared):
    response = decide(api_for(editor), shared, 1, "overstated")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("article", "sentence", "tag", "accepted", "decided_by")} == {
        "article": shared.pk,
        "sentence": 1,
        "tag": "overstated",
        "accepted": True,
        "decided_by": "edna",
    }
    final = Annotation.objects.get(final=True)
    assert (final.start, final.end, final.quote) == (28, 62, "Our treatment has no side effects.")
    assert final.note == "omar: no risk is untrue\nrita: absolute safety"
    assert (final.author, final.tag.slug) == (editor, "overstated")
    grid = api_for(editor).get(grid_url(shared.pk)).json()
    assert grid["rows"][0]["proposals"][1]["accepted"] is True
    assert (grid["pending"], grid["decided"]) == (3, 1)


def test_rejecting_an_accepted_tag_removes_its_final_annotation(api_for, editor, shared):
    client = api_for(editor)
    decide(client, shared, 1, "overstated")
    final_id = Annotation.objects.get(final=True).pk

    response = decide(client, shared, 1, "overstated", accept=False)

    assert response.status_code == 200
    assert response.json()["accepted"] is False
    assert not Annotation.objects.filter(final=True).exists()
    assert Decision.objects.get().accepted is False
    assert client.get(f"/api/v1/annotations/{final_id}/").status_code == 404
    assert Annotation.objects.filter(final=False).count() == 5


def test_deciding_the_same_way_twice_records_nothing_new(api_for, editor, shared):
    client = api_for(editor)
    first = decide(client, shared, 3, "price-claim").json()
    before = stored_state()

    again = decide(client, shared, 3, "price-claim")

    assert again.status_code == 200
    assert again.json() == first
    assert stored_state() == before


@pytest.mark.parametrize(
    ("body", "field", "code", "message"),
    [
        (
            {"sentence": 4, "tag": "overstated", "accept": True},
            "sentence",
            "out_of_range",
            "Article {pk} has no sentence 4: its 4 sentences are numbered 0 to 3.",
        ),
        (
            {"sentence": 1, "tag": "miracle-cure", "accept": True},
            "tag",
            "does_not_exist",
            "There is no tag “miracle-cure”.",
        ),
    ],
    ids=["sentence-out-of-range", "unknown-tag"],
)
def test_it_refuses_a_decision_on_what_is_not_there_and_stores_nothing(
    api_for, editor, shared, body, field, code, message
):
    before = stored_state()

    response = api_for(editor).post(grid_url(shared.pk, "decisions"), body, format="json")

    assert response.status_code == 422
    expected = {"detail": message.format(pk=shared.pk), "code": code, "field": field}
    assert response.json() == expected
    assert stored_state() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"sentence": -1, "tag": "overstated", "accept": True},
            "sentence",
            "Ensure this value is greater than or equal to 0.",
        ),
        ({"sentence": 1, "tag": "overstated"}, "accept", "This field is required."),
        ({"tag": "overstated", "accept": True}, "sentence", "This field is required."),
        (
            {"sentence": 1, "tag": "overstated", "accept": "perhaps"},
            "accept",
            "Must be a valid boolean.",
        ),
    ],
    ids=["negative", "no-accept", "no-sentence", "maybe"],
)
def test_it_refuses_a_malformed_decision_and_stores_nothing(
    api_for, editor, shared, body, field, message
):
    before = stored_state()

    response = api_for(editor).post(grid_url(shared.pk, "decisions"), body, format="json")

    assert response.status_code == 400
    assert response.json()[field] == [message.format(pk=shared.pk)]
    assert stored_state() == before


def test_it_refuses_malformed_json(api_for, editor, shared):
    response = api_for(editor).post(
        grid_url(shared.pk, "decisions"), "{sentence: 1", content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert not Decision.objects.exists()


# --- Unanimous tags -------------------------------------------------------------------------


def test_it_accepts_the_tags_every_reviewer_gave_once(api_for, editor, shared):
    client = api_for(editor)

    first = client.post(grid_url(shared.pk, "unanimous"))
    second = client.post(grid_url(shared.pk, "unanimous"))

    assert (first.status_code, first.json()) == (200, {"accepted": 2})
    assert (second.status_code, second.json()) == (200, {"accepted": 0})
    finals = Annotation.objects.filter(final=True).order_by("start")
    assert [(a.start, a.end, a.tag.slug) for a in finals] == [
        (28, 62, "overstated"),
        (104, 151, "price-claim"),
    ]
    assert Event.objects.filter(kind=Event.Kind.ACCEPTED).count() == 2
    grid = client.get(grid_url(shared.pk)).json()
    assert (grid["pending"], grid["unanimous_pending"], grid["decided"]) == (2, 0, 2)


# --- Finishing ------------------------------------------------------------------------------


def test_it_refuses_to_finish_while_tags_wait_for_a_decision(api_for, editor, shared):
    client = api_for(editor)
    client.post(grid_url(shared.pk, "unanimous"))
    before = stored_state()

    response = client.post(grid_url(shared.pk, "finish"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "2 proposed tag(s) still wait for a decision.",
        "code": "pending",
    }
    assert stored_state() == before
    assert Article.objects.get().status == "in_review"


def test_finishing_once_everything_is_decided_makes_the_article_reviewed(api_for, editor, shared):
    client = api_for(editor)
    client.post(grid_url(shared.pk, "unanimous"))
    decide(client, shared, 1, "unsupported", accept=False)
    decide(client, shared, 2, "unsupported", accept=True)

    response = client.post(grid_url(shared.pk, "finish"))

    assert response.status_code == 200
    body = response.json()
    stored = Article.objects.get()
    assert stored.status == body["status"] == "reviewed"
    assert stored.adjudicated_at is not None
    assert body["adjudicated_at"] == stored.adjudicated_at.isoformat().replace("+00:00", "Z")
    assert stored.adjudicated_by == editor
    assert (body["pending"], body["decided"]) == (0, 4)
    assert Event.objects.filter(kind=Event.Kind.ADJUDICATED, actor=editor).count() == 1
    assert Annotation.objects.filter(final=True).count() == 3


def test_finishing_twice_closes_the_adjudication_once(api_for, editor, make_article):
    article = make_article()
    client = api_for(editor)
    first = client.post(grid_url(article.pk, "finish"))
    second = client.post(grid_url(article.pk, "finish"))

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["adjudicated_at"] == second.json()["adjudicated_at"]
    assert Event.objects.filter(kind=Event.Kind.ADJUDICATED).count() == 1
