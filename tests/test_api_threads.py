"""/api/v1/annotations/<id>/replies/, /api/v1/replies/<id>/ and
/api/v1/articles/<id>/reply-counts/, for each role; and the decision's `comment` in the
adjudication API."""

import pytest

from claims.models import Annotation, Decision, Event, Reply
from claims.services.threads import reply_create
from tests.helpers import annotate_phrase, annotate_sentences

pytestmark = pytest.mark.django_db


def thread_url(annotation_id: int) -> str:
    return f"/api/v1/annotations/{annotation_id}/replies/"


def reply_url(reply_id: int) -> str:
    return f"/api/v1/replies/{reply_id}/"


@pytest.fixture
def annotation(make_article, reviewer) -> Annotation:
    return annotate_phrase(reviewer, make_article(), "overstated", "no side effects")


@pytest.fixture
def editors_reply(annotation, editor) -> Reply:
    return reply_create(annotation=annotation, author=editor, body="Which study says so?")


def stored() -> list[tuple]:
    return list(
        Reply.objects.order_by("id").values_list("annotation_id", "author__username", "body")
    )


def shown(reply: Reply, author: str) -> dict:
    return {
        "id": reply.pk,
        "annotation": reply.annotation_id,
        "author": author,
        "body": reply.body,
        "created_at": reply.created_at.isoformat().replace("+00:00", "Z"),
        "edited_at": None,
    }


# --- The thread -----------------------------------------------------------------------------


def test_an_editor_replies_and_the_reviewer_reads_and_answers(
    api_for, annotation, reviewer, editor
):
    posted = api_for(editor).post(
        thread_url(annotation.pk), {"body": "Which study says so?"}, format="json"
    )
    assert posted.status_code == 201
    first = Reply.objects.get()
    assert posted.json() == shown(first, "edna")

    answered = api_for(reviewer).post(
        thread_url(annotation.pk), {"body": "None: that is the point."}, format="json"
    )
    assert answered.status_code == 201

    listed = api_for(reviewer).get(thread_url(annotation.pk))
    assert listed.status_code == 200
    assert [(r["author"], r["body"]) for r in listed.json()] == [
        ("edna", "Which study says so?"),
        ("rita", "None: that is the point."),
    ]
    assert stored() == [
        (annotation.pk, "edna", "Which study says so?"),
        (annotation.pk, "rita", "None: that is the point."),
    ]
    assert list(Event.objects.filter(kind="replied").values_list("actor__username", flat=True)) == [
        "edna",
        "rita",
    ]


def test_a_reader_reads_threads_but_may_not_reply(api_for, annotation, editors_reply, reader):
    assert [r["id"] for r in api_for(reader).get(thread_url(annotation.pk)).json()] == [
        editors_reply.pk
    ]
    refused = api_for(reader).post(thread_url(annotation.pk), {"body": "Hm"}, format="json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only an editor or reviewer may POST here."}
    assert len(stored()) == 1


def test_another_reviewer_finds_no_thread(api_for, annotation, editors_reply, other_reviewer):
    client = api_for(other_reviewer)
    listed = client.get(thread_url(annotation.pk))
    posted = client.post(thread_url(annotation.pk), {"body": "Me too"}, format="json")
    one = client.get(reply_url(editors_reply.pk))
    assert [listed.status_code, posted.status_code, one.status_code] == [404, 404, 404]
    assert listed.json() == {
        "detail": f"There is no annotation {annotation.pk} whose replies you may see."
    }
    assert len(stored()) == 1


def test_it_asks_anonymous_callers_to_authenticate(api_for, annotation, editors_reply):
    client = api_for(None)
    responses = [
        client.get(thread_url(annotation.pk)),
        client.post(thread_url(annotation.pk), {"body": "Hi"}, format="json"),
        client.get(reply_url(editors_reply.pk)),
        client.patch(reply_url(editors_reply.pk), {"body": "Hi"}, format="json"),
        client.delete(reply_url(editors_reply.pk)),
        client.get(f"/api/v1/articles/{annotation.article_id}/reply-counts/"),
    ]
    assert [r.status_code for r in responses] == [401] * 6
    assert stored() == [(annotation.pk, "edna", "Which study says so?")]


def test_it_refuses_a_user_without_a_role(api_for, annotation, outsider):
    assert api_for(outsider).get(thread_url(annotation.pk)).status_code == 403


def test_it_answers_405_to_methods_it_does_not_take(api_for, annotation, editors_reply, editor):
    client = api_for(editor)
    assert client.put(thread_url(annotation.pk), {"body": "x"}, format="json").status_code == 405
    assert client.delete(thread_url(annotation.pk)).status_code == 405
    assert client.post(reply_url(editors_reply.pk), {"body": "x"}, format="json").status_code == 405
    assert client.put(reply_url(editors_reply.pk), {"body": "x"}, format="json").status_code == 405


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"body": ["This field is required."]}),
        ({"body": 5}, {"body": ["Not a valid string."]}),
        (
            {"body": "Fine", "tag": "x"},
            {"tag": ["There is no field `tag`; give `body`."]},
        ),
    ],
)
def test_it_rejects_a_bad_reply_with_a_message(api_for, annotation, editor, body, errors):
    response = api_for(editor).post(thread_url(annotation.pk), body, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert stored() == []


def test_a_reply_of_blank_space_only_is_refused_as_unprocessable(api_for, annotation, editor):
    # The schema takes any string; the service trims it and refuses what is left empty.
    response = api_for(editor).post(thread_url(annotation.pk), {"body": "   "}, format="json")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "A reply needs some text.",
        "code": "blank",
        "field": "body",
    }
    assert stored() == []


def test_it_takes_json_only(api_for, annotation, editor):
    response = api_for(editor).post(
        thread_url(annotation.pk), "body=Form", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert stored() == []


def test_it_answers_404_for_a_missing_annotation(api_for, editor):
    assert api_for(editor).get(thread_url(999_999)).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_it_lists_a_thread_in_a_fixed_number_of_queries(
    api_for, annotation, editor, reviewer, django_assert_num_queries, count
):
    for number in range(count):
        reply_create(annotation=annotation, author=editor if number % 2 else reviewer, body="x")
    client = api_for(editor)
    # token, roles, the annotation, its replies with their authors
    with django_assert_num_queries(4):
        response = client.get(thread_url(annotation.pk))
    assert len(response.json()) == count


# --- One reply --------------------------------------------------------------------------------


def test_the_author_edits_a_reply_and_the_change_is_honoured(api_for, editors_reply, editor):
    response = api_for(editor).patch(
        reply_url(editors_reply.pk), {"body": "Which trial says so?"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["body"], body["edited_at"] is not None) == ("Which trial says so?", True)
    assert stored()[0][2] == "Which trial says so?"
    assert Event.objects.filter(kind="reply_edited").count() == 1


def test_it_refuses_an_empty_change(api_for, editors_reply, editor):
    response = api_for(editor).patch(reply_url(editors_reply.pk), {}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Give at least one of `body`."]},
    )


def test_the_annotations_reviewer_may_read_but_not_change_an_editors_reply(
    api_for, editors_reply, reviewer
):
    client = api_for(reviewer)
    assert client.get(reply_url(editors_reply.pk)).json()["body"] == "Which study says so?"
    changed = client.patch(reply_url(editors_reply.pk), {"body": "Mine now"}, format="json")
    deleted = client.delete(reply_url(editors_reply.pk))
    assert (changed.status_code, changed.json()) == (
        403,
        {"detail": "Only its author may edit or delete a reply."},
    )
    assert deleted.status_code == 403
    assert stored()[0][2] == "Which study says so?"


def test_a_reader_may_not_change_a_reply(api_for, editors_reply, reader):
    response = api_for(reader).patch(reply_url(editors_reply.pk), {"body": "x"}, format="json")
    assert response.status_code == 403
    assert api_for(reader).delete(reply_url(editors_reply.pk)).status_code == 403


def test_the_author_deletes_a_reply(api_for, annotation, editors_reply, editor):
    response = api_for(editor).delete(reply_url(editors_reply.pk))
    assert response.status_code == 204
    assert stored() == []
    assert api_for(editor).get(reply_url(editors_reply.pk)).status_code == 404
    assert Event.objects.filter(kind="reply_deleted", annotation_id=annotation.pk).count() == 1


# --- Counts per annotation ----------------------------------------------------------------------


def test_it_counts_replies_per_annotation_as_each_user_may_see_them(
    api_for, annotation, reviewer, other_reviewer, editor, django_assert_num_queries
):
    article = annotation.article
    omars = annotate_sentences(other_reviewer, article, "unsupported", 2, 2)
    reply_create(annotation=annotation, author=editor, body="Source?")
    reply_create(annotation=annotation, author=reviewer, body="None.")
    reply_create(annotation=omars, author=editor, body="Why?")
    url = f"/api/v1/articles/{article.pk}/reply-counts/"

    client = api_for(editor)
    # token, roles, the article, the counts
    with django_assert_num_queries(4):
        everything = client.get(url).json()
    assert everything == {
        "article": article.pk,
        "counts": [
            {"annotation": annotation.pk, "replies": 2},
            {"annotation": omars.pk, "replies": 1},
        ],
    }
    assert api_for(reviewer).get(url).json()["counts"] == [
        {"annotation": annotation.pk, "replies": 2}
    ]
    assert api_for(other_reviewer).get(url).json()["counts"] == [
        {"annotation": omars.pk, "replies": 1}
    ]
    assert api_for(editor).get("/api/v1/articles/999999/reply-counts/").status_code == 404


# --- The decision's comment -------------------------------------------------------------------


def test_an_editor_comments_a_decision_and_reads_it_in_the_grid(api_for, annotation, editor):
    article = annotation.article
    client = api_for(editor)
    url = f"/api/v1/articles/{article.pk}/adjudication/decisions/"
    body = {"sentence": 1, "tag": "overstated", "accept": True, "comment": "No risk is untrue."}

    response = client.post(url, body, format="json")

    assert response.status_code == 200
    assert response.json()["comment"] == "No risk is untrue."
    assert Decision.objects.get().comment == "No risk is untrue."
    grid = client.get(f"/api/v1/articles/{article.pk}/adjudication/").json()
    assert grid["rows"][0]["proposals"][0]["comment"] == "No risk is untrue."


def test_it_rejects_a_comment_that_is_not_text(api_for, annotation, editor):
    url = f"/api/v1/articles/{annotation.article_id}/adjudication/decisions/"
    body = {"sentence": 1, "tag": "overstated", "accept": True, "comment": ["x"]}
    response = api_for(editor).post(url, body, format="json")
    assert (response.status_code, response.json()) == (400, {"comment": ["Not a valid string."]})
    assert Decision.objects.count() == 0


def test_a_reviewer_may_not_comment_a_decision(api_for, annotation, reviewer):
    url = f"/api/v1/articles/{annotation.article_id}/adjudication/decisions/"
    body = {"sentence": 1, "tag": "overstated", "accept": True, "comment": "Mine"}
    assert api_for(reviewer).post(url, body, format="json").status_code == 403
    assert Decision.objects.count() == 0


# --- The schema -----------------------------------------------------------------------------


def test_the_schema_documents_the_thread_endpoints_and_their_refusals(api_for, editor):
    schema = api_for(editor).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    post = paths["/api/v1/annotations/{annotation_id}/replies/"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json"}
    assert {"201", "400", "401", "403", "404"} <= set(post["responses"])
    patch = paths["/api/v1/replies/{reply_id}/"]["patch"]
    assert {"200", "400", "401", "403", "404"} <= set(patch["responses"])
    assert set(paths["/api/v1/replies/{reply_id}/"]) >= {"get", "patch", "delete"}
    assert "/api/v1/articles/{article_id}/reply-counts/" in paths
    reply = schema["components"]["schemas"]["Reply"]
    assert set(reply["properties"]) == {
        *("id", "annotation", "author", "body", "created_at", "edited_at"),
    }
    decision = schema["components"]["schemas"]["DecisionCreateRequest"]["properties"]
    assert decision["comment"]["maxLength"] == 5000
