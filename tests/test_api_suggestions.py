"""/api/v1/articles/<id>/suggestions/ and /api/v1/suggestions/<id>/...: reading an article's
suggested tags, accepting, dismissing and undoing them, for each role; model versions and
corpus runs for editors."""

import pytest

from claims.models import Annotation, Assignment, SuggestionReview, SuggestionRun
from claims.services.suggestions import suggestions_compute
from tests.helpers import suggested

pytestmark = pytest.mark.django_db

NO_ROLE = "Your account has no Claimscope role (reviewer, editor or reader)."


def listing(article_id: int, query: str = "") -> str:
    return f"/api/v1/articles/{article_id}/suggestions/{query}"


def answer(suggestion_id: int, step: str) -> str:
    return f"/api/v1/suggestions/{suggestion_id}/{step}/"


def test_it_lists_the_active_models_shown_suggestions_with_the_callers_answer(
    api_for, make_article, reviewer, django_assert_num_queries
):
    article = make_article()
    suggestions_compute(article=article)
    client = api_for(reviewer)
    client.get(listing(article.pk))  # roles and token cached from here on
    with django_assert_num_queries(6):
        response = client.get(listing(article.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["article"] == article.pk
    assert body["model"].startswith("default")
    assert body["blind"] is False
    price = next(r for r in body["results"] if r["tag"] == "price-claim")
    sentence = article.sentences.get(index=price["sentence"])
    assert set(price) == {
        "id", "article", "sentence", "start", "end", "tag", "score", "reason", "shown",
        "model", "state", "annotation",
    }  # fmt: skip
    assert (price["start"], price["end"]) == (sentence.start, sentence.end)
    assert price["state"] == "open" and price["shown"] is True
    assert 0 <= price["score"] <= 1
    assert all(r["shown"] for r in body["results"])


def test_its_query_count_stays_the_same_for_more_suggestions(
    api_for, make_article, reviewer, django_assert_num_queries
):
    article = make_article()
    for i in range(4):
        suggested(article, i, "unsupported")
        suggested(article, i, "overstated")
    client = api_for(reviewer)
    client.get(listing(article.pk))
    with django_assert_num_queries(6):
        assert len(client.get(listing(article.pk)).json()["results"]) == 8


def test_it_filters_by_tag_and_minimum_score_and_shows_hidden_ones_on_request(
    api_for, make_article, reviewer
):
    article = make_article()
    suggested(article, 1, "overstated", score=0.9)
    suggested(article, 2, "overstated", score=0.6)
    suggested(article, 2, "unsupported", score=0.3)
    client = api_for(reviewer)
    tags = [r["tag"] for r in client.get(listing(article.pk, "?tag=overstated")).json()["results"]]
    assert tags == ["overstated", "overstated"]
    scores = [
        r["score"] for r in client.get(listing(article.pk, "?min_score=0.8")).json()["results"]
    ]
    assert scores == [0.9]
    every = client.get(listing(article.pk, "?all=true")).json()["results"]
    shown = [(r["sentence"], r["tag"], r["shown"]) for r in every]
    assert shown == [
        (1, "overstated", True),
        (2, "unsupported", False),
        (2, "overstated", True),
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?min_score=high", "“high” is not a number between 0 and 1."),
        ("?min_score=1.5", "min_score (1.5) must be between 0 and 1."),
        ("?all=perhaps", "“perhaps” is not true or false."),
    ],
)
def test_it_refuses_a_bad_filter_by_name(api_for, make_article, reviewer, query, message):
    response = api_for(reviewer).get(listing(make_article().pk, query))
    assert response.status_code == 400
    assert message in str(response.json())


def test_a_blind_reviewer_gets_an_empty_list_saying_why(api_for, make_article, reviewer):
    article = make_article()
    suggested(article, 1, "overstated")
    Assignment.objects.create(article=article, reviewer=reviewer, blind=True)
    body = api_for(reviewer).get(listing(article.pk)).json()
    assert body["blind"] is True
    assert body["results"] == []


def test_it_answers_404_for_an_article_that_is_not_there(api_for, reviewer):
    response = api_for(reviewer).get(listing(999999))
    assert response.status_code == 404


def test_anonymous_and_roleless_callers_are_refused(api_for, make_article, outsider):
    article = make_article()
    assert api_for(None).get(listing(article.pk)).status_code in {401, 403}
    response = api_for(outsider).get(listing(article.pk))
    assert response.status_code == 403
    assert response.json()["detail"] == NO_ROLE


def test_accepting_answers_201_with_the_new_annotation(api_for, make_article, reviewer):
    article = make_article()
    suggestion = suggested(article, 1, "overstated")
    response = api_for(reviewer).post(answer(suggestion.pk, "accept"))
    assert response.status_code == 201
    body = response.json()
    assert body["suggestion"] == suggestion.pk
    annotation = Annotation.objects.get(pk=body["annotation"]["id"])
    assert body["annotation"]["from_suggestion"] is True
    assert (annotation.start, annotation.end, annotation.author) == (
        suggestion.start,
        suggestion.end,
        reviewer,
    )
    listed = api_for(reviewer).get(listing(article.pk)).json()["results"]
    assert [(r["state"], r["annotation"]) for r in listed] == [("accepted", annotation.pk)]


def test_a_reader_may_not_accept(api_for, make_article, reader):
    suggestion = suggested(make_article(), 1, "overstated")
    response = api_for(reader).post(answer(suggestion.pk, "accept"))
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_accepting_twice_is_a_conflict(api_for, make_article, reviewer):
    suggestion = suggested(make_article(), 1, "overstated")
    client = api_for(reviewer)
    client.post(answer(suggestion.pk, "accept"))
    response = client.post(answer(suggestion.pk, "accept"))
    assert response.status_code == 409
    assert response.json()["code"] == "already_accepted"
    assert Annotation.objects.count() == 1


def test_a_blind_reviewer_may_not_accept(api_for, make_article, reviewer):
    article = make_article()
    suggestion = suggested(article, 1, "overstated")
    Assignment.objects.create(article=article, reviewer=reviewer, blind=True)
    response = api_for(reviewer).post(answer(suggestion.pk, "accept"))
    assert response.status_code == 403
    assert "blind review" in response.json()["detail"]
    assert not Annotation.objects.exists()


def test_dismissing_then_reopening_round_trips(api_for, make_article, reviewer):
    suggestion = suggested(make_article(), 1, "overstated")
    client = api_for(reviewer)
    dismissed = client.post(answer(suggestion.pk, "dismiss"))
    assert (dismissed.status_code, dismissed.json()["state"]) == (200, "dismissed")
    reopened = client.post(answer(suggestion.pk, "reopen"))
    assert (reopened.status_code, reopened.json()["state"]) == (200, "open")
    assert not SuggestionReview.objects.exists()


def test_it_answers_404_for_a_suggestion_that_is_not_there(api_for, reviewer):
    assert api_for(reviewer).post(answer(999999, "dismiss")).status_code == 404


def test_get_on_an_answer_endpoint_is_405(api_for, make_article, reviewer):
    suggestion = suggested(make_article(), 1, "overstated")
    assert api_for(reviewer).get(answer(suggestion.pk, "accept")).status_code == 405


def test_accepting_every_suggestion_of_a_tag_and_undoing_it(api_for, make_article, reviewer):
    article = make_article()
    for i in (1, 2):
        suggested(article, i, "unsupported")
    client = api_for(reviewer)
    url = f"/api/v1/articles/{article.pk}/suggestions/"
    accepted = client.post(f"{url}accept/", {"tag": "unsupported"}, format="json").json()
    assert len(accepted["accepted"]) == 2
    assert Annotation.objects.filter(from_suggestion=True).count() == 2
    ids = [row["suggestion"] for row in accepted["accepted"]]
    undone = client.post(f"{url}reopen/", {"suggestions": ids}, format="json")
    assert undone.json() == {"reopened": 2}
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "tag"), ({"tag": "unsupported", "min_score": 2}, "min_score"), ([], "non_field_errors")],
)
def test_accepting_a_tag_refuses_a_bad_body(api_for, make_article, reviewer, body, field):
    url = f"/api/v1/articles/{make_article().pk}/suggestions/accept/"
    response = api_for(reviewer).post(url, body, format="json")
    assert response.status_code == 400
    assert field in str(response.json())


def test_accepting_an_unknown_tag_is_404(api_for, make_article, reviewer):
    url = f"/api/v1/articles/{make_article().pk}/suggestions/accept/"
    response = api_for(reviewer).post(url, {"tag": "nonsense"}, format="json")
    assert response.status_code == 404


def test_editors_list_versions_and_reviewers_may_not(api_for, editor, reviewer):
    versions = api_for(editor).get("/api/v1/suggester/versions/")
    assert versions.status_code == 200
    (shipped,) = versions.json()
    assert shipped["active"] is True
    assert "weights" not in shipped
    assert api_for(reviewer).get("/api/v1/suggester/versions/").status_code == 403


def test_an_editor_starts_a_corpus_run_and_reads_its_progress(
    api_for, make_article, editor, django_capture_on_commit_callbacks
):
    make_article()
    client = api_for(editor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/api/v1/suggester/runs/", {}, format="json")
    assert response.status_code == 201
    run = response.json()
    assert (run["state"], run["total"], run["done"]) == ("queued", 1, 0)
    assert len(callbacks) == 1  # the task is queued once the run is stored
    progress = client.get(f"/api/v1/suggester/runs/{run['id']}/").json()
    assert progress["id"] == run["id"]
    again = client.post("/api/v1/suggester/runs/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "run_in_progress"
    assert SuggestionRun.objects.count() == 1


def test_a_reviewer_may_not_start_a_run(api_for, reviewer):
    assert api_for(reviewer).post("/api/v1/suggester/runs/", {}, format="json").status_code == 403
    assert not SuggestionRun.objects.exists()


def test_an_editor_makes_an_assignment_blind_and_its_reviewer_may_not_undo_it(
    api_for, make_article, reviewer, editor
):
    assignment = Assignment.objects.create(article=make_article(), reviewer=reviewer)
    url = f"/api/v1/assignments/{assignment.pk}/"
    assert api_for(editor).patch(url, {"blind": True}, format="json").json()["blind"] is True
    refused = api_for(reviewer).patch(url, {"blind": False}, format="json")
    assert refused.status_code == 403
    assignment.refresh_from_db()
    assert assignment.blind


def test_assigning_blind_reviewers(api_for, make_article, reviewer, editor):
    article = make_article()
    body = {"articles": [article.pk], "reviewers": ["rita"], "blind": True}
    response = api_for(editor).post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 201
    assert Assignment.objects.get(article=article, reviewer=reviewer).blind


def test_an_editor_makes_an_article_blind(api_for, make_article, editor):
    article = make_article()
    url = f"/api/v1/articles/{article.pk}/"
    response = api_for(editor).patch(url, {"suggestions_blind": True}, format="json")
    assert response.status_code == 200
    assert response.json()["suggestions_blind"] is True
    article.refresh_from_db()
    assert article.suggestions_blind
