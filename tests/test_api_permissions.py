"""Who may call which /api/v1/ endpoint with which method, and that a refusal changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from rest_framework.test import APIClient

from claims.models import Annotation, Article, Assignment, Decision, Event, Sentence, Tag
from claims.services.annotations import AnnotationDraft, annotation_create
from claims.services.review import assignments_create

pytestmark = pytest.mark.django_db

# Fixture names from conftest, in the order of the table's columns: nobody, olga (no role),
# rita and omar (reviewers), edna (editor), reed (reader).
PERSONAS = ("anonymous", "outsider", "reviewer", "other_reviewer", "editor", "reader")
ROLES = ("reviewer", "other_reviewer", "editor", "reader")

NO_ROLE = "Your account has no Claimscope role (reviewer, editor or reader)."

# fmt: off
# What each persona gets. Rita wrote {article} and {annotation} (which Omar also gave the
# sentence, so there is a unanimous tag to accept); no annotation uses the tag
# `unsupported`, so deleting it deletes it (204) rather than archiving it.
MATRIX = [
    # endpoint                       method    anon outs rita omar edna reed
    ("articles/",                     "GET",    401, 403, 200, 200, 200, 200),
    ("articles/",                     "POST",   401, 403, 201, 201, 201, 403),
    ("articles/{article}/",           "GET",    401, 403, 200, 200, 200, 200),
    ("articles/{article}/",           "PATCH",  401, 403, 403, 403, 200, 403),
    ("articles/{article}/",           "DELETE", 401, 403, 403, 403, 204, 403),
    ("articles/{article}/sentences/", "GET",    401, 403, 200, 200, 200, 200),
    ("tags/",                         "GET",    401, 403, 200, 200, 200, 200),
    ("tags/",                         "POST",   401, 403, 403, 403, 201, 403),
    ("tags/unsupported/",             "GET",    401, 403, 200, 200, 200, 200),
    ("tags/unsupported/",             "PATCH",  401, 403, 403, 403, 200, 403),
    ("tags/unsupported/",             "DELETE", 401, 403, 403, 403, 204, 403),
    ("annotations/",                  "GET",    401, 403, 200, 200, 200, 200),
    ("annotations/",                  "POST",   401, 403, 201, 201, 201, 403),
    ("annotations/{annotation}/",     "GET",    401, 403, 200, 404, 200, 200),
    ("annotations/{annotation}/",     "PATCH",  401, 403, 200, 404, 403, 403),
    ("annotations/{annotation}/",     "DELETE", 401, 403, 204, 404, 403, 403),
    ("annotations/bulk/",             "POST",   401, 403, 201, 201, 201, 403),
    ("stats/tags/",                   "GET",    401, 403, 200, 200, 200, 200),
    ("stats/agreement/",              "GET",    401, 403, 403, 403, 200, 200),
    ("assignments/",                  "GET",    401, 403, 200, 200, 200, 200),
    ("assignments/",                  "POST",   401, 403, 403, 403, 201, 403),
    ("assignments/{assignment}/",     "GET",    401, 403, 200, 404, 200, 200),
    ("assignments/{assignment}/",     "PATCH",  401, 403, 200, 404, 403, 403),
    ("assignments/{assignment}/",     "DELETE", 401, 403, 403, 403, 204, 403),
    ("articles/{article}/history/",   "GET",    401, 403, 403, 403, 200, 403),
    ("annotations/{annotation}/history/", "GET", 401, 403, 403, 403, 200, 403),
    ("articles/{article}/adjudication/", "GET", 401, 403, 403, 403, 200, 200),
    ("articles/{article}/adjudication/decisions/", "POST", 401, 403, 403, 403, 200, 403),
    ("articles/{article}/adjudication/unanimous/", "POST", 401, 403, 403, 403, 200, 403),
    # Rita's tag waits for a decision, so the editor is told so and nothing changes.
    ("articles/{article}/adjudication/finish/", "POST", 401, 403, 403, 403, 409, 403),
]

# One method each endpoint does not have: the role check still comes first, then 405.
WRONG_METHODS = [
    # endpoint                       method    anon outs rita omar edna reed
    ("articles/",                     "DELETE", 401, 403, 405, 405, 405, 405),
    ("articles/{article}/",           "PUT",    401, 403, 405, 405, 405, 405),
    ("articles/{article}/sentences/", "POST",   401, 403, 405, 405, 405, 405),
    ("tags/",                         "DELETE", 401, 403, 405, 405, 405, 405),
    ("tags/unsupported/",             "PUT",    401, 403, 405, 405, 405, 405),
    ("annotations/",                  "DELETE", 401, 403, 405, 405, 405, 405),
    ("annotations/{annotation}/",     "PUT",    401, 403, 405, 405, 405, 405),
    ("annotations/bulk/",             "GET",    401, 403, 405, 405, 405, 405),
    ("stats/tags/",                   "POST",   401, 403, 405, 405, 405, 405),
    ("stats/agreement/",              "POST",   401, 403, 405, 405, 405, 405),
    ("assignments/",                  "DELETE", 401, 403, 405, 405, 405, 405),
    ("assignments/{assignment}/",     "PUT",    401, 403, 405, 405, 405, 405),
    ("articles/{article}/history/",   "POST",   401, 403, 405, 405, 405, 405),
    ("annotations/{annotation}/history/", "DELETE", 401, 403, 405, 405, 405, 405),
    ("articles/{article}/adjudication/", "POST", 401, 403, 405, 405, 405, 405),
    ("articles/{article}/adjudication/decisions/", "GET", 401, 403, 405, 405, 405, 405),
    ("articles/{article}/adjudication/finish/", "GET", 401, 403, 405, 405, 405, 405),
]
# fmt: on

NEW_TEXT = "Cryotherapy reverses ageing. One session costs $900."

# What a call sends, given the ids of rita's article and annotation; calls not listed send none.
PAYLOADS: dict[tuple[str, str], Callable[["World"], dict]] = {
    ("articles/", "POST"): lambda ids: {"text": NEW_TEXT, "title": "Cold cures"},
    ("articles/{article}/", "PATCH"): lambda ids: {"title": "Renamed by the editor"},
    ("tags/", "POST"): lambda ids: {
        "slug": "miracle-cure",
        "name": "Miracle cure",
        "definition": "Promises a cure for an incurable condition.",
        "colour": "#8e44ad",
    },
    ("tags/unsupported/", "PATCH"): lambda ids: {"name": "No evidence given"},
    ("annotations/", "POST"): lambda ids: {
        "article": ids.article,
        "tag": "overstated",
        "sentences": [1, 1],
    },
    ("annotations/{annotation}/", "PATCH"): lambda ids: {"note": "Check the price list."},
    ("annotations/bulk/", "POST"): lambda ids: {
        "annotations": [
            {"article": ids.article, "tag": "overstated", "sentences": [1, 1]},
            {"article": ids.article, "tag": "unsupported", "sentences": [2, 2]},
        ]
    },
    ("assignments/", "POST"): lambda ids: {"articles": [ids.article], "reviewers": ["omar"]},
    ("assignments/{assignment}/", "PATCH"): lambda ids: {"done": True},
    ("articles/{article}/adjudication/decisions/", "POST"): lambda ids: {
        "sentence": 0,
        "tag": "price-claim",
        "accept": True,
    },
}


def _cases(
    table: list[tuple],
    *,
    personas: tuple[str, ...],
    keep: Callable[[int], bool] = lambda status: True,
) -> list:
    """The table's cells for these personas (and statuses), one test case each."""
    return [
        pytest.param(
            endpoint, method, persona, status, id=f"{persona} {method} {endpoint} {status}"
        )
        for endpoint, method, *statuses in table
        for persona, status in zip(PERSONAS, statuses, strict=True)
        if persona in personas and keep(status)
    ]


@dataclass(frozen=True)
class World:
    """The ids of rita's article, annotation and assignment, which the calls aim at."""

    article: int
    annotation: int
    assignment: int


def _send(client: APIClient, world: World, method: str, endpoint: str, **extra) -> HttpResponse:
    url = "/api/v1/" + endpoint.format(
        article=world.article, annotation=world.annotation, assignment=world.assignment
    )
    send = getattr(client, method.lower())
    payload = PAYLOADS.get((endpoint, method))
    if payload is None:
        return send(url, **extra)
    return send(url, payload(world), format="json", **extra)


@pytest.fixture
def world(reviewer, other_reviewer, editor, make_article) -> World:
    article = make_article(user=reviewer)
    annotation = _annotate(reviewer, article.pk, "price-claim", sentence=0)
    # Omar agrees, so that accepting the unanimous tags has one to accept.
    _annotate(other_reviewer, article.pk, "price-claim", sentence=0)
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor)
    assignment = Assignment.objects.get(article=article, reviewer=reviewer)
    return World(article=article.pk, annotation=annotation.pk, assignment=assignment.pk)


def _annotate(author: User, article_id: int, tag: str, *, sentence: int) -> Annotation:
    draft = AnnotationDraft(article_id=article_id, tag=tag, sentences=(sentence, sentence))
    return annotation_create(author=author, draft=draft)


@pytest.fixture
def call_as(request, api_for, world):
    """Send `method` to `endpoint` (under /api/v1/) as the named persona, with the payload
    PAYLOADS gives for that endpoint and method."""

    def call(persona: str, method: str, endpoint: str) -> HttpResponse:
        user = None if persona == "anonymous" else request.getfixturevalue(persona)
        return _send(api_for(user), world, method, endpoint)

    return call


def database_state() -> dict[str, list]:
    return {
        "articles": list(
            Article.objects.order_by("id").values_list("id", "title", "publisher", "status")
        ),
        "sentences": list(Sentence.objects.order_by("id").values_list("id", "article_id")),
        "tags": list(Tag.objects.order_by("id").values()),
        "annotations": list(
            Annotation.objects.order_by("id").values_list(
                "id", "article_id", "author__username", "tag__slug", "note", "start", "end"
            )
        ),
        "assignments": list(
            Assignment.objects.order_by("id").values_list("id", "reviewer_id", "done_at")
        ),
        "decisions": list(Decision.objects.order_by("id").values_list("id", "accepted")),
        "events": list(Event.objects.order_by("id").values_list("id", "kind")),
    }


# --- The matrix -------------------------------------------------------------------------------


CASE = ("endpoint", "method", "persona", "expected")


@pytest.mark.parametrize(CASE, _cases(MATRIX, personas=ROLES, keep=lambda status: status < 400))
def test_it_lets_each_role_do_what_the_matrix_allows(call_as, endpoint, method, persona, expected):
    before = database_state()
    response = call_as(persona, method, endpoint)
    assert response.status_code == expected, response.content
    changed = database_state() != before
    assert changed == (method != "GET")


@pytest.mark.parametrize(CASE, _cases(MATRIX, personas=ROLES, keep=lambda status: status >= 400))
def test_it_refuses_a_role_what_the_matrix_forbids_and_changes_nothing(
    call_as, endpoint, method, persona, expected
):
    before = database_state()
    response = call_as(persona, method, endpoint)
    assert response.status_code == expected, response.content
    assert database_state() == before


@pytest.mark.parametrize(CASE, _cases(WRONG_METHODS, personas=ROLES))
def test_it_refuses_a_method_the_endpoint_lacks_and_changes_nothing(
    call_as, endpoint, method, persona, expected
):
    before = database_state()
    response = call_as(persona, method, endpoint)
    assert response.status_code == expected, response.content
    assert database_state() == before


@pytest.mark.parametrize(CASE, _cases(MATRIX + WRONG_METHODS, personas=("anonymous",)))
def test_it_asks_anonymous_callers_for_a_token_and_changes_nothing(
    call_as, endpoint, method, persona, expected
):
    before = database_state()
    response = call_as(persona, method, endpoint)
    assert response.status_code == expected, response.content
    assert response["WWW-Authenticate"] == "Token"
    assert database_state() == before


@pytest.mark.parametrize(CASE, _cases(MATRIX + WRONG_METHODS, personas=("outsider",)))
def test_it_refuses_an_outsider_everything_and_changes_nothing(
    call_as, endpoint, method, persona, expected
):
    before = database_state()
    response = call_as(persona, method, endpoint)
    assert response.status_code == expected, response.content
    assert response.json()["detail"] == NO_ROLE
    assert database_state() == before


def test_it_refuses_an_unknown_token(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/articles/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


@pytest.mark.parametrize(
    ("method", "persona", "expected"),
    [
        ("HEAD", "reader", 200),
        ("OPTIONS", "reader", 200),
        ("HEAD", "outsider", 403),
        ("OPTIONS", "outsider", 403),
        ("HEAD", "anonymous", 401),
        ("OPTIONS", "anonymous", 401),
    ],
)
def test_it_treats_head_and_options_as_reads(call_as, method, persona, expected):
    before = database_state()
    response = call_as(persona, method, "annotations/{annotation}/")
    assert response.status_code == expected
    assert database_state() == before


# --- What each role sees ----------------------------------------------------------------------


@pytest.fixture
def omars_annotations(world, other_reviewer) -> list[int]:
    return [
        _annotate(other_reviewer, world.article, "price-claim", sentence=2).pk,
        _annotate(other_reviewer, world.article, "overstated", sentence=1).pk,
    ]


@pytest.mark.parametrize(
    ("persona", "authors"),
    [
        ("reviewer", ["rita"]),
        ("other_reviewer", ["omar", "omar", "omar"]),
        ("editor", ["omar", "omar", "omar", "rita"]),
        ("reader", ["omar", "omar", "omar", "rita"]),
    ],
)
def test_it_hides_other_reviewers_annotations_from_a_reviewer(
    call_as, omars_annotations, persona, authors
):
    response = call_as(persona, "GET", "annotations/")
    assert response.status_code == 200
    assert sorted(row["author"] for row in response.json()["results"]) == authors


@pytest.mark.parametrize(
    "endpoint",
    [
        "annotations/?author=omar",
        "annotations/?format=jsonld",
        "stats/tags/?group_by=author",
        "stats/tags/?group_by=author&format=csv",
    ],
)
@pytest.mark.parametrize(("persona", "sees_omar"), [("reviewer", False), ("editor", True)])
def test_it_hides_other_reviewers_work_in_every_form_of_the_lists(
    call_as, omars_annotations, endpoint, persona, sees_omar
):
    response = call_as(persona, "GET", endpoint)
    assert response.status_code == 200
    assert ("omar" in response.content.decode()) == sees_omar


def test_it_hides_another_reviewers_annotation_behind_a_404(call_as, world):
    response = call_as("other_reviewer", "GET", "annotations/{annotation}/")
    assert response.status_code == 404
    assert "rita" not in response.text


@pytest.mark.parametrize(
    ("persona", "counts"),
    [
        ("reviewer", {"price-claim": 1}),
        ("other_reviewer", {"overstated": 1, "price-claim": 2}),
        ("editor", {"overstated": 1, "price-claim": 3}),
        ("reader", {"overstated": 1, "price-claim": 3}),
    ],
)
def test_it_counts_only_the_annotations_a_role_may_see(call_as, omars_annotations, persona, counts):
    stats = call_as(persona, "GET", "stats/tags/").json()["results"]
    tags = call_as(persona, "GET", "tags/").json()
    articles = call_as(persona, "GET", "articles/").json()["results"]
    assert {row["tag"]: row["annotations"] for row in stats} == counts
    assert {
        tag["slug"]: tag["annotation_count"] for tag in tags if tag["annotation_count"]
    } == counts
    assert [article["annotation_count"] for article in articles] == [sum(counts.values())]


# --- Sessions, as the browser UI calls the API ------------------------------------------------


@pytest.fixture
def browser(reviewer) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reviewer)
    return client


# A CSRF secret is any 32 letters or digits; the browser sends the cookie's value back in the
# X-CSRFToken header, which is what the check compares.
CSRF_SECRET = "claimscopecsrfsecretfortests0001"

SESSION_WRITES = [
    ("POST", "articles/", 201),
    ("POST", "annotations/", 201),
    ("POST", "annotations/bulk/", 201),
    ("PATCH", "annotations/{annotation}/", 200),
    ("DELETE", "annotations/{annotation}/", 204),
]


def test_it_accepts_a_signed_in_session_for_reads(browser, world):
    response = browser.get("/api/v1/annotations/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world.annotation]


@pytest.mark.parametrize(("method", "endpoint", "allowed"), SESSION_WRITES)
def test_it_refuses_a_session_write_without_a_csrf_token(browser, world, method, endpoint, allowed):
    before = database_state()
    response = _send(browser, world, method, endpoint)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert database_state() == before


@pytest.mark.parametrize(("method", "endpoint", "allowed"), SESSION_WRITES)
def test_it_accepts_a_session_write_with_the_csrf_token(browser, world, method, endpoint, allowed):
    browser.cookies["csrftoken"] = CSRF_SECRET
    before = database_state()
    response = _send(browser, world, method, endpoint, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == allowed, response.content
    assert database_state() != before


# --- Documentation ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_it_publishes_the_schema_and_docs_to_anyone(db, path):
    assert APIClient().get(path).status_code == 200
