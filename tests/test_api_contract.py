"""The API keeps to its schema: it takes the bodies the schema declares and refuses others,
honours a PATCH or refuses it (never a 200 that changed nothing), refuses filters it cannot
apply, and answers every refusal with a JSON error body the schema documents."""

import pytest

from claims.models import Annotation
from claims.services.annotations import AnnotationDraft, annotation_create

ANNOTATIONS = "/api/v1/annotations/"


@pytest.fixture
def claim(reviewer, make_article):
    article = make_article()
    draft = AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(1, 1))
    return annotation_create(author=reviewer, draft=draft)


def test_it_changes_a_note_sent_as_json(api_for, reviewer, claim):
    response = api_for(reviewer).patch(
        f"{ANNOTATIONS}{claim.pk}/", {"note": "No trial supports this."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["note"] == "No trial supports this."
    assert Annotation.objects.get().note == "No trial supports this."


@pytest.mark.parametrize("body_format", ["multipart", "form"])
def test_it_refuses_a_patch_that_is_not_json_and_changes_nothing(
    api_for, reviewer, claim, body_format
):
    client = api_for(reviewer)
    if body_format == "form":
        response = client.patch(
            f"{ANNOTATIONS}{claim.pk}/",
            "note=Changed",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.patch(
            f"{ANNOTATIONS}{claim.pk}/", {"note": "Changed"}, format="multipart"
        )

    assert response.status_code == 415
    assert "detail" in response.json()
    assert Annotation.objects.get().note == ""


def test_it_refuses_an_empty_patch(api_for, reviewer, claim):
    response = api_for(reviewer).patch(f"{ANNOTATIONS}{claim.pk}/", {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Give at least one of `tag`, `note`."]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("article=2.5", "article"),
        ("article=", "article"),
        ("created_after=", "created_after"),
        ("from_suggestion=maybe", "from_suggestion"),
    ],
)
def test_it_refuses_a_filter_it_cannot_apply(api_for, editor, claim, query, field):
    for path in (ANNOTATIONS, "/api/v1/stats/tags/"):
        response = api_for(editor).get(f"{path}?{query}")

        assert response.status_code == 400, path
        assert list(response.json()) == [field]


def test_it_refuses_mistyped_json_naming_the_field(api_for, reviewer, claim):
    body = {"article": str(claim.article_id), "tag": "price-claim", "sentences": [3, 3]}

    response = api_for(reviewer).post(ANNOTATIONS, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"article": ["A valid integer is required."]}
    assert Annotation.objects.count() == 1


def test_it_answers_an_unknown_api_address_and_an_empty_format_in_json(api_for, editor):
    client = api_for(editor)

    unrouted = client.get("/api/v1/articles/not-a-number/")
    empty_format = client.get(f"{ANNOTATIONS}?format=")

    assert (unrouted.status_code, unrouted["Content-Type"]) == (404, "application/json")
    assert unrouted.json()["code"] == "not_found"
    assert empty_format.status_code == 404
    assert "format" in empty_format.json()["detail"]


def test_the_schema_gives_every_operation_its_refusals_and_one_body_kind(api_for, reader):
    schema = api_for(reader).get("/api/schema/?format=json").json()

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("401", "403", "404", "429"):
                assert "content" in responses[status], (method, path, status)
            body = operation.get("requestBody")
            if body is None:
                continue
            assert {"400", "409", "413", "415", "422"} <= set(responses), (method, path)
            assert "content" in responses["422"], (method, path)
            kinds = set(body["content"]) - {"application/json", "application/ld+json"}
            expected = {"multipart/form-data"} if path == "/api/v1/articles/" else set()
            assert kinds == expected, (method, path)


def test_the_schema_documents_a_422_for_lists_filtered_by_tag(api_for, reader):
    paths = api_for(reader).get("/api/schema/?format=json").json()["paths"]

    for path in (ANNOTATIONS, "/api/v1/stats/tags/"):
        refusal = paths[path]["get"]["responses"]["422"]
        assert refusal["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ApiError"
        }
    assert "422" not in paths["/api/v1/articles/"]["get"]["responses"]


def test_it_answers_an_unknown_tag_filter_with_a_422_on_the_counts_too(api_for, editor):
    response = api_for(editor).get("/api/v1/stats/tags/?tag=miracle-cure")

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("does_not_exist", "tag")
    assert response.json()["detail"].startswith("There is no tag “miracle-cure”.")


def test_the_schema_types_the_w3c_form_of_the_annotations(api_for, reader):
    schema = api_for(reader).get("/api/schema/?format=json").json()
    operation = schema["paths"][ANNOTATIONS]

    listed = operation["get"]["responses"]["200"]["content"]["application/ld+json"]["schema"]
    created = operation["post"]["responses"]["201"]["content"]["application/ld+json"]["schema"]
    assert listed == {
        "oneOf": [
            {"$ref": "#/components/schemas/W3CAnnotationCollection"},
            {"$ref": "#/components/schemas/W3CAnnotationPage"},
        ]
    }
    assert created == {"$ref": "#/components/schemas/W3CAnnotation"}
    components = schema["components"]["schemas"]
    page = components["W3CAnnotationPage"]
    assert page["properties"]["items"]["items"]["oneOf"][0] == {
        "$ref": "#/components/schemas/W3CAnnotation"
    }
    assert set(components["W3CAnnotationCollection"]["required"]) == {
        "@context",
        "id",
        "type",
        "total",
        "first",
        "last",
    }
