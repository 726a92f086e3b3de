"""/api/v1/assignments/: editors assign articles to reviewers, reviewers mark their review done,
everyone with a role reads the assignments they may see."""

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Assignment, Event
from claims.services.review import assignment_mark, assignments_create

pytestmark = pytest.mark.django_db

ASSIGNMENTS = "/api/v1/assignments/"
NO_ROLE = "Your account has no Claimscope role (reviewer, editor or reader)."

SECOND_TEXT = "Exosomes reverse ageing in 30 days. One vial costs €4,900.\n"


def detail(assignment_id: int) -> str:
    return f"{ASSIGNMENTS}{assignment_id}/"


@pytest.fixture
def articles(make_article) -> list[Article]:
    return [make_article(title="Stem cells"), make_article(SECOND_TEXT, title="Exosomes")]


def assign(articles: list[Article], reviewers: list[User], editor: User) -> list[Assignment]:
    assignments_create(articles=articles, reviewers=reviewers, editor=editor)
    return list(Assignment.objects.order_by("id"))


def stored_state() -> dict[str, list]:
    return {
        "assignments": list(
            Assignment.objects.order_by("id").values_list(
                "id", "article_id", "reviewer__username", "done_at"
            )
        ),
        "events": list(Event.objects.order_by("id").values_list("id", "kind")),
    }


# --- Assigning ------------------------------------------------------------------------------


def test_editors_assign_every_article_to_every_reviewer(
    api_for, editor, reviewer, other_reviewer, articles
):
    body = {"articles": [a.pk for a in articles], "reviewers": ["rita", "omar"]}

    response = api_for(editor).post(ASSIGNMENTS, body, format="json")

    assert response.status_code == 201
    result = response.json()
    assert result["created"] == 4
    # By article, then in the order the reviewers' accounts were made.
    assert [(a["article"], a["reviewer"]) for a in result["assignments"]] == [
        (articles[0].pk, "rita"),
        (articles[0].pk, "omar"),
        (articles[1].pk, "rita"),
        (articles[1].pk, "omar"),
    ]
    first = result["assignments"][0]
    stored = Assignment.objects.get(pk=first["id"])
    assert first == {
        "id": stored.pk,
        "article": stored.article_id,
        "article_title": stored.article.title,
        "reviewer": stored.reviewer.username,
        "assigned_by": "edna",
        "assigned_at": stored.assigned_at.isoformat().replace("+00:00", "Z"),
        "done": False,
        "done_at": None,
        "blind": False,
    }
    assert Assignment.objects.count() == 4
    events = Event.objects.filter(kind=Event.Kind.ASSIGNED)
    assert sorted((e.article_id, e.data["reviewer"], e.actor.username) for e in events) == sorted(
        (article.pk, name, "edna") for article in articles for name in ("rita", "omar")
    )


def test_assigning_the_same_pairs_again_creates_nothing(
    api_for, editor, reviewer, other_reviewer, articles
):
    body = {"articles": [a.pk for a in articles], "reviewers": ["rita", "omar"]}
    client = api_for(editor)
    client.post(ASSIGNMENTS, body, format="json")
    before = stored_state()

    response = client.post(ASSIGNMENTS, body, format="json")

    assert response.status_code == 201
    assert response.json()["created"] == 0
    assert len(response.json()["assignments"]) == 4
    assert stored_state() == before


def test_it_adds_only_the_pairs_not_yet_assigned(
    api_for, editor, reviewer, other_reviewer, articles
):
    assign(articles, [reviewer], editor)

    response = api_for(editor).post(
        ASSIGNMENTS,
        {"articles": [a.pk for a in articles], "reviewers": ["rita", "omar"]},
        format="json",
    )

    assert response.json()["created"] == 2
    assert Assignment.objects.filter(reviewer=other_reviewer).count() == 2
    assert Event.objects.filter(kind=Event.Kind.ASSIGNED).count() == 4


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"articles": ["{first}", 987_654, 987_655], "reviewers": ["rita"]},
            "articles",
            "There is no article 987654, 987655.",
        ),
        (
            {"articles": ["{first}"], "reviewers": ["rita", "nobody", "edna", "reed"]},
            "reviewers",
            "No reviewer is called edna, nobody, reed.",
        ),
    ],
    ids=["unknown-articles", "unknown-or-not-reviewers"],
)
def test_it_refuses_an_assignment_naming_the_rows_that_do_not_exist_and_saves_nothing(
    api_for, editor, reviewer, reader, articles, body, field, message
):
    response = api_for(editor).post(ASSIGNMENTS, _with_ids(body, articles), format="json")

    assert response.status_code == 422
    assert response.json() == {"detail": message, "code": "does_not_exist", "field": field}
    assert stored_state() == {"assignments": [], "events": []}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"articles": [], "reviewers": ["rita"]}, "articles", "This list may not be empty."),
        ({"articles": ["{first}"], "reviewers": []}, "reviewers", "This list may not be empty."),
        ({"reviewers": ["rita"]}, "articles", "This field is required."),
        (
            {"articles": ["one"], "reviewers": ["rita"]},
            "articles",
            {"0": ["A valid integer is required."]},
        ),
    ],
    ids=["no-articles", "no-reviewers", "missing", "not-an-id"],
)
def test_it_refuses_a_malformed_assignment_naming_the_culprits_and_saves_nothing(
    api_for, editor, reviewer, reader, articles, body, field, message
):
    response = api_for(editor).post(ASSIGNMENTS, _with_ids(body, articles), format="json")

    assert response.status_code == 400
    expected = message if isinstance(message, dict) else [message]
    assert response.json()[field] == expected
    assert stored_state() == {"assignments": [], "events": []}


def _with_ids(body: dict, articles) -> dict:
    return {
        key: [articles[0].pk if value == "{first}" else value for value in values]
        for key, values in body.items()
    }


def test_it_refuses_malformed_json(api_for, editor):
    response = api_for(editor).post(ASSIGNMENTS, '{"articles": [1', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected", "detail"),
    [
        ("reviewer", 403, "Only an editor may POST here."),
        ("reader", 403, "Only an editor may POST here."),
        ("outsider", 403, NO_ROLE),
        ("anonymous", 401, "Authentication credentials were not provided."),
    ],
)
def test_only_editors_assign(request, api_for, articles, reviewer, persona, expected, detail):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = api_for(user).post(
        ASSIGNMENTS, {"articles": [articles[0].pk], "reviewers": ["rita"]}, format="json"
    )

    assert response.status_code == expected
    assert response.json()["detail"] == detail
    assert stored_state() == {"assignments": [], "events": []}


# --- Reading --------------------------------------------------------------------------------


@pytest.fixture
def four(articles, reviewer, other_reviewer, editor) -> list[Assignment]:
    """Both articles assigned to Rita and Omar; Rita's review of the first is done."""
    made = assign(articles, [reviewer, other_reviewer], editor)
    rita_first = next(a for a in made if a.reviewer == reviewer and a.article == articles[0])
    assignment_mark(assignment=rita_first, done=True, user=reviewer)
    return made


def listed(client, **params) -> list[tuple[str, str, bool]]:
    response = client.get(ASSIGNMENTS, params)
    assert response.status_code == 200, response.content
    return sorted(
        (a["article_title"], a["reviewer"], a["done"]) for a in response.json()["results"]
    )


def test_a_reviewer_sees_only_their_own_assignments(api_for, reviewer, four):
    assert listed(api_for(reviewer)) == [
        ("Exosomes", "rita", False),
        ("Stem cells", "rita", True),
    ]


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_editors_and_readers_see_every_assignment(request, api_for, four, persona):
    assert listed(api_for(request.getfixturevalue(persona))) == [
        ("Exosomes", "omar", False),
        ("Exosomes", "rita", False),
        ("Stem cells", "omar", False),
        ("Stem cells", "rita", True),
    ]


def test_it_lists_the_newest_assignment_first(api_for, editor, articles, reviewer):
    assign([articles[1]], [reviewer], editor)
    assign([articles[0]], [reviewer], editor)

    results = api_for(editor).get(ASSIGNMENTS).json()["results"]

    assert [a["article_title"] for a in results] == ["Stem cells", "Exosomes"]


def test_it_filters_by_article_reviewer_and_done(api_for, editor, four, articles):
    client = api_for(editor)

    assert listed(client, article=articles[1].pk) == [
        ("Exosomes", "omar", False),
        ("Exosomes", "rita", False),
    ]
    assert listed(client, reviewer="rita") == [
        ("Exosomes", "rita", False),
        ("Stem cells", "rita", True),
    ]
    assert listed(client, done="true") == [("Stem cells", "rita", True)]
    assert listed(client, done="false", reviewer="omar", article=articles[0].pk) == [
        ("Stem cells", "omar", False)
    ]


def test_a_reviewer_cannot_filter_their_way_to_other_reviewers(api_for, reviewer, four):
    assert listed(api_for(reviewer), reviewer="omar") == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"article": "first"}, "article", "“first” is not an article id."),
        ({"done": "maybe"}, "done", "“maybe” is not true or false."),
        ({"page_size": 0}, "page_size", "Give a whole number from 1 to 500."),
        ({"ordering": "reviewer"}, "ordering", None),
    ],
)
def test_it_refuses_a_bad_filter(api_for, editor, four, params, field, message):
    response = api_for(editor).get(ASSIGNMENTS, params)

    assert response.status_code == 400
    if message is not None:
        assert response.json()[field] == [message]
    else:
        assert "assigned_at" in response.json()[field][0]


def test_it_lists_in_the_same_number_of_queries_for_4_or_40_assignments(
    api_for, editor, reviewer, other_reviewer, make_article, django_assert_num_queries
):
    def assign_new_articles(numbers: range) -> None:
        made = [make_article(f"Clinic {n} cures knees.\n", title=f"Clinic {n}") for n in numbers]
        assign(made, [reviewer, other_reviewer], editor)

    client = api_for(editor)
    assign_new_articles(range(2))
    with django_assert_num_queries(3):
        four = client.get(ASSIGNMENTS).json()["results"]
    assign_new_articles(range(2, 20))
    with django_assert_num_queries(3):
        forty = client.get(ASSIGNMENTS).json()["results"]
    assert (len(four), len(forty)) == (4, 40)
    assert {a["assigned_by"] for a in forty} == {"edna"}


def test_it_shows_one_assignment_to_its_reviewer_and_editors(
    api_for, reviewer, other_reviewer, editor, reader, four
):
    ritas = four[0] if four[0].reviewer == reviewer else four[1]

    for user in (reviewer, editor, reader):
        response = api_for(user).get(detail(ritas.pk))
        assert response.status_code == 200
        assert response.json()["reviewer"] == "rita"
    hidden = api_for(other_reviewer).get(detail(ritas.pk))
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == f"There is no assignment {ritas.pk}."


def test_it_answers_404_for_a_missing_assignment(api_for, editor):
    for method in ("get", "patch", "delete"):
        response = getattr(api_for(editor), method)(detail(987_654), {"done": True}, format="json")
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "method"), [(ASSIGNMENTS, "delete"), (ASSIGNMENTS, "put"), ("detail", "put")]
)
def test_it_answers_405_for_a_method_the_endpoint_lacks(api_for, editor, four, endpoint, method):
    url = detail(four[0].pk) if endpoint == "detail" else endpoint
    before = stored_state()

    response = getattr(api_for(editor), method)(url, {"done": True}, format="json")

    assert response.status_code == 405
    assert stored_state() == before


# --- Marking a review done ------------------------------------------------------------------


@pytest.fixture
def ritas(articles, reviewer, editor) -> Assignment:
    return assign([articles[0]], [reviewer], editor)[0]


def test_the_reviewer_marks_their_review_done_and_reopens_it(api_for, reviewer, ritas):
    client = api_for(reviewer)

    done = client.patch(detail(ritas.pk), {"done": True}, format="json")

    assert done.status_code == 200
    ritas.refresh_from_db()
    assert ritas.done_at is not None
    assert done.json()["done"] is True
    assert done.json()["done_at"] == ritas.done_at.isoformat().replace("+00:00", "Z")

    reopened = client.patch(detail(ritas.pk), {"done": False}, format="json")

    assert reopened.status_code == 200
    assert (reopened.json()["done"], reopened.json()["done_at"]) == (False, None)
    ritas.refresh_from_db()
    assert ritas.done_at is None
    events = Event.objects.exclude(kind=Event.Kind.ASSIGNED).order_by("id")
    assert [(e.kind, e.actor, e.data, e.article_id) for e in events] == [
        ("review_done", reviewer, {"reviewer": "rita"}, ritas.article_id),
        ("review_reopened", reviewer, {"reviewer": "rita"}, ritas.article_id),
    ]


def test_marking_done_twice_records_it_once(api_for, reviewer, ritas):
    client = api_for(reviewer)
    client.patch(detail(ritas.pk), {"done": True}, format="json")
    before = stored_state()

    again = client.patch(detail(ritas.pk), {"done": True}, format="json")

    assert again.status_code == 200
    assert stored_state() == before


def test_marking_done_makes_a_reviewer_who_tagged_nothing_a_coder(api_for, reviewer, editor, ritas):
    api_for(reviewer).patch(detail(ritas.pk), {"done": True}, format="json")

    grid = api_for(editor).get(f"/api/v1/articles/{ritas.article_id}/adjudication/").json()

    assert grid["reviewers"] == ["rita"]


def test_another_reviewer_cannot_see_or_mark_the_assignment(api_for, other_reviewer, ritas):
    before = stored_state()

    response = api_for(other_reviewer).patch(detail(ritas.pk), {"done": True}, format="json")

    assert response.status_code == 404
    assert stored_state() == before


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_nobody_but_the_reviewer_marks_their_review_done(request, api_for, ritas, persona):
    before = stored_state()

    response = api_for(request.getfixturevalue(persona)).patch(
        detail(ritas.pk), {"done": True}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Only the assigned reviewer marks their review done."
    assert stored_state() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"done": "perhaps"}, "done", "Must be a valid boolean."),
        ({}, "non_field_errors", "Give `done`, `blind` or both."),
    ],
)
def test_it_refuses_a_bad_mark(api_for, reviewer, ritas, body, field, message):
    before = stored_state()

    response = api_for(reviewer).patch(detail(ritas.pk), body, format="json")

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert stored_state() == before


def test_it_refuses_a_malformed_mark(api_for, reviewer, ritas):
    response = api_for(reviewer).patch(
        detail(ritas.pk), '{"done": tru', content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert Assignment.objects.get().done_at is None


# --- Removing -------------------------------------------------------------------------------


def test_editors_remove_an_assignment(api_for, editor, ritas):
    response = api_for(editor).delete(detail(ritas.pk))

    assert response.status_code == 204
    assert not Assignment.objects.exists()
    event = Event.objects.get(kind=Event.Kind.UNASSIGNED)
    assert (event.actor, event.article_id, event.data) == (
        editor,
        ritas.article_id,
        {"reviewer": "rita"},
    )


@pytest.mark.parametrize("persona", ["reviewer", "reader"])
def test_nobody_but_editors_removes_an_assignment(request, api_for, ritas, persona):
    before = stored_state()

    response = api_for(request.getfixturevalue(persona)).delete(detail(ritas.pk))

    assert response.status_code == 403
    assert response.json()["detail"] == "Only an editor may DELETE here."
    assert stored_state() == before


@pytest.mark.parametrize(("persona", "expected"), [("anonymous", 401), ("outsider", 403)])
def test_callers_without_a_role_get_nothing(request, api_for, ritas, persona, expected):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api_for(user)
    before = stored_state()

    responses = [
        client.get(ASSIGNMENTS),
        client.get(detail(ritas.pk)),
        client.patch(detail(ritas.pk), {"done": True}, format="json"),
        client.delete(detail(ritas.pk)),
    ]

    assert {r.status_code for r in responses} == {expected}
    assert stored_state() == before


def test_it_takes_marking_done_as_json_only_so_a_form_field_cannot_reopen_a_review(
    api_for, reviewer, ritas
):
    client = api_for(reviewer)
    client.patch(detail(ritas.pk), {"done": True}, format="json")

    # In a form body a missing boolean reads as false: refused, not taken as "reopen".
    response = client.patch(detail(ritas.pk), {"note": "unrelated"}, format="multipart")

    assert response.status_code == 415
    assert Assignment.objects.get(pk=ritas.pk).done_at is not None
