"""/api/v1/articles/{id}/read-through/: how far the requesting user has read an article
(editors and readers may ask for any reviewer's), moved on with a PUT; and the unread count
that marking a review done answers with."""

import pytest

from claims.models import Assignment, ReadThrough
from claims.services.read_through import read_through_mark
from claims.services.review import assignments_create

pytestmark = pytest.mark.django_db

FOUR_SENTENCES = (
    "Our serum regrows hair in a week. Doctors are amazed by it. "
    "Each bottle costs $90. Order today.\n"
)
NO_ROLE = "Your account has no Claimscope role (reviewer, editor or reader)."


@pytest.fixture
def article(make_article):
    article = make_article(FOUR_SENTENCES, title="Hair serum")
    assert article.sentences.count() == 4
    return article


def url(article_id: int) -> str:
    return f"/api/v1/articles/{article_id}/read-through/"


def stored() -> list[tuple]:
    return list(ReadThrough.objects.order_by("id").values_list("reviewer__username", "read_up_to"))


def test_a_reviewer_moves_their_read_through_on(api_for, reviewer, article):
    response = api_for(reviewer).put(url(article.pk), {"read_up_to": 2}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("updated_at")
    assert body == {
        "article": article.pk,
        "reviewer": "rita",
        "read_up_to": 2,
        "read": 3,
        "unread": 1,
        "total": 4,
    }
    assert stored() == [("rita", 2)]


def test_an_earlier_sentence_leaves_the_mark_where_it_is(api_for, reviewer, article):
    client = api_for(reviewer)
    client.put(url(article.pk), {"read_up_to": 3}, format="json")

    response = client.put(url(article.pk), {"read_up_to": 0}, format="json")

    assert response.status_code == 200
    assert response.json()["read_up_to"] == 3
    assert stored() == [("rita", 3)]


def test_a_reviewer_reads_their_own_read_through(api_for, reviewer, other_reviewer, article):
    read_through_mark(article=article, reviewer=other_reviewer, read_up_to=3)

    response = api_for(reviewer).get(url(article.pk))

    assert response.status_code == 200
    body = response.json()
    assert (body["reviewer"], body["read_up_to"], body["read"], body["unread"]) == (
        "rita",
        None,
        0,
        4,
    )
    assert body["updated_at"] is None


def test_editors_read_any_reviewers_read_through(api_for, editor, reviewer, article):
    read_through_mark(article=article, reviewer=reviewer, read_up_to=1)

    response = api_for(editor).get(url(article.pk), {"reviewer": "rita"})

    assert response.status_code == 200
    assert (response.json()["reviewer"], response.json()["read"]) == ("rita", 2)


def test_it_hides_another_reviewers_read_through_from_a_reviewer(
    api_for, reviewer, other_reviewer, article
):
    read_through_mark(article=article, reviewer=other_reviewer, read_up_to=1)

    response = api_for(reviewer).get(url(article.pk), {"reviewer": "omar"})

    assert response.status_code == 404
    assert response.json()["detail"] == "There is no read-through of omar's for you to see."


def test_it_rejects_an_editors_ask_for_nobody(api_for, editor, article):
    response = api_for(editor).get(url(article.pk), {"reviewer": "nobody"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Nobody is called nobody.",
        "code": response.json()["code"],
        "field": "reviewer",
    }


def test_it_answers_404_for_an_article_that_is_not_there(api_for, reviewer, article):
    response = api_for(reviewer).put(url(article.pk + 1), {"read_up_to": 0}, format="json")

    assert response.status_code == 404
    assert response.json()["detail"] == f"There is no article {article.pk + 1}."
    assert stored() == []


def test_it_refuses_anonymous_callers(api_for, article):
    assert api_for(None).get(url(article.pk)).status_code == 401
    assert api_for(None).put(url(article.pk), {"read_up_to": 0}, format="json").status_code == 401
    assert stored() == []


def test_it_refuses_readers_a_read_through_and_accounts_without_a_role_everything(
    api_for, reader, outsider, article
):
    response = api_for(reader).put(url(article.pk), {"read_up_to": 0}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an editor or reviewer may PUT here."

    response = api_for(outsider).get(url(article.pk))
    assert response.status_code == 403
    assert response.json()["detail"] == NO_ROLE
    assert stored() == []


def test_it_rejects_a_sentence_past_the_last(api_for, reviewer, article):
    response = api_for(reviewer).put(url(article.pk), {"read_up_to": 4}, format="json")

    assert response.status_code == 422
    assert response.json()["field"] == "read_up_to"
    assert response.json()["detail"] == (
        f"Article {article.pk} has no sentence 4: its 4 sentences are numbered 0 to 3."
    )
    assert stored() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"read_up_to": -1}, "read_up_to"),
        ({"read_up_to": "2"}, "read_up_to"),
        ({}, "read_up_to"),
        ({"read_up_to": 1, "done": True}, "done"),
    ],
)
def test_it_rejects_a_malformed_body_naming_the_field(api_for, reviewer, article, body, field):
    response = api_for(reviewer).put(url(article.pk), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert stored() == []


def test_it_takes_json_only(api_for, reviewer, article):
    response = api_for(reviewer).put(url(article.pk), {"read_up_to": 1}, format="multipart")

    assert response.status_code == 415
    assert stored() == []


def test_it_answers_405_to_other_methods(api_for, reviewer, article):
    response = api_for(reviewer).post(url(article.pk), {"read_up_to": 1}, format="json")

    assert response.status_code == 405
    assert stored() == []


def test_marking_a_review_done_with_sentences_unread_is_allowed_and_says_how_many(
    api_for, editor, reviewer, article
):
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor)
    assignment = Assignment.objects.get()
    read_through_mark(article=article, reviewer=reviewer, read_up_to=0)

    response = api_for(reviewer).patch(
        f"/api/v1/assignments/{assignment.pk}/", {"done": True}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["done"], body["sentences_read"], body["sentences_unread"]) == (True, 1, 3)
    assignment.refresh_from_db()
    assert assignment.done_at is not None
