"""POST /api/v1/articles/bulk/: many articles in one request, each stored or refused on its own,
or all or none."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Article, Original, Sentence, SentenceFingerprint

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/bulk/"


def clinic_page(number: int) -> str:
    """A short clinic page whose sentences are its own (the number is in each of them)."""
    return (
        f"How much does treatment {number} cost?\n"
        f"Treatment {number} costs from ${number},500 for two injections.\n"
        f"Patient {number} was symptom-free after {number + 3} infusions.\n"
        f"Clinic {number} has no side effects at all, and it targets the root cause.\n"
    )


def text_item(number: int, **fields) -> dict:
    return {"text": clinic_page(number), "title": f"Page {number}", **fields}


def file_item(data: bytes, filename: str, **fields) -> dict:
    return {"file": base64.b64encode(data).decode(), "filename": filename, **fields}


def post(client, articles, **flags):
    return client.post(URL, {"articles": articles, **flags}, format="json")


def test_it_stores_each_article_and_lists_them_in_order(api_for, reviewer):
    html = (
        b"<html><head><title>Knee clinic</title></head>"
        b"<body><p>Our knee injections cure arthritis.</p></body></html>"
    )
    response = post(
        api_for(reviewer),
        [
            text_item(1, publisher="RegenWell Institute", url="https://regenwell.example.com/1"),
            file_item(html, "knee.html"),
        ],
    )
    assert response.status_code == 200
    body = response.json()
    first, second = Article.objects.order_by("pk")
    assert body == {
        "created": 2,
        "refused": 0,
        "results": [
            {"index": 0, "status": "created", "id": first.pk},
            {"index": 1, "status": "created", "id": second.pk},
        ],
    }
    assert (first.title, first.publisher, first.source_url) == (
        "Page 1",
        "RegenWell Institute",
        "https://regenwell.example.com/1",
    )
    assert first.created_by == reviewer
    assert first.sentences.count() == 4
    assert second.title == "Knee clinic"
    assert second.media_type == "text/html"
    assert second.original_filename == "knee.html"
    assert Original.objects.get(pk=second.original_id).size == len(html)
    assert SentenceFingerprint.objects.filter(article=first).count() == 4


def test_its_articles_match_those_of_single_uploads(api_for, reviewer):
    client = api_for(reviewer)
    single = client.post("/api/v1/articles/", {"text": clinic_page(7)}, format="json").json()
    Article.objects.all().delete()
    [result] = post(client, [{"text": clinic_page(7)}]).json()["results"]
    bulk = client.get(f"/api/v1/articles/{result['id']}/").json()
    for key in ("title", "text", "media_type", "content_sha256", "sentence_count", "language"):
        assert bulk[key] == single[key], key
    sentences = list(Sentence.objects.filter(article_id=result["id"]).values_list("text", "block"))
    assert [text for text, _ in sentences] == clinic_page(7).splitlines()


def test_one_bad_article_does_not_stop_the_others(api_for, reviewer):
    stored = post(api_for(reviewer), [text_item(1)]).json()["results"][0]["id"]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    response = post(
        api_for(reviewer),
        [
            text_item(2),
            {"text": "   "},
            text_item(1),  # stored above
            file_item(png, "photo.png"),
            text_item(3),
        ],
    )
    assert response.status_code == 200
    body = response.json()
    results = body["results"]
    assert [r["status"] for r in results] == ["created", "error", "duplicate", "error", "created"]
    assert (body["created"], body["refused"]) == (2, 3)
    assert results[1] == {
        "index": 1,
        "status": "error",
        "detail": "The text is empty.",
        "code": "empty",
        "field": "text",
    }
    assert results[2]["id"] == stored and results[2]["code"] == "duplicate"
    assert f"article {stored}" in results[2]["detail"]
    assert results[3]["field"] == "file" and "PNG" in results[3]["detail"]
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("title", flat=True)) == {"Page 1", "Page 2", "Page 3"}


def test_it_reports_an_article_sent_twice_as_a_duplicate_of_the_first(api_for, reviewer):
    results = post(api_for(reviewer), [text_item(4), text_item(4, title="Again")]).json()["results"]
    assert [r["status"] for r in results] == ["created", "duplicate"]
    assert results[1]["id"] == results[0]["id"]
    assert Article.objects.count() == 1


def long_page(number: int) -> str:
    """Twelve sentences of their own."""
    return "".join(clinic_page(number * 10 + n) for n in range(3))


def near_copy(number: int) -> str:
    """The long page with a sentence added: 12 of its 13 sentences (92%) are the page's."""
    return long_page(number) + "Book a free visit today.\n"


def test_it_refuses_a_near_duplicate_of_a_stored_article_or_of_an_earlier_one(api_for, reviewer):
    client = api_for(reviewer)
    stored = post(client, [{"text": long_page(1)}]).json()["results"][0]["id"]
    results = post(
        client, [{"text": near_copy(1)}, {"text": long_page(2)}, {"text": near_copy(2)}]
    ).json()["results"]
    assert [r["status"] for r in results] == ["near_duplicate", "created", "near_duplicate"]
    assert results[0]["id"] == stored and results[0]["share"] == 0.923
    assert results[0]["code"] == "near_duplicate" and "nearly duplicates" in results[0]["detail"]
    assert results[2]["id"] == results[1]["id"]
    assert Article.objects.count() == 2


def test_it_finds_duplicates_of_articles_a_hundred_items_earlier(api_for, reviewer):
    # The items are stored a hundred at a time: the last two are judged after the first
    # hundred are stored, and still name the articles the first two became.
    pages = [{"text": long_page(1)}, {"text": long_page(2)}]
    pages += [text_item(n) for n in range(100, 198)]
    pages += [{"text": long_page(1), "title": "Again"}, {"text": near_copy(2)}]
    results = post(api_for(reviewer), pages).json()["results"]
    assert [r["status"] for r in results] == ["created"] * 100 + ["duplicate", "near_duplicate"]
    assert results[100]["id"] == results[0]["id"]
    assert results[101]["id"] == results[1]["id"] and results[101]["share"] == 0.923
    assert Article.objects.count() == 100


def test_it_stores_near_duplicates_when_the_request_allows_them(api_for, reviewer):
    client = api_for(reviewer)
    post(client, [{"text": long_page(1)}])
    results = post(
        client,
        [{"text": near_copy(1)}, {"text": long_page(2)}, {"text": near_copy(2)}],
        allow_near_duplicate=True,
    ).json()["results"]
    assert [r["status"] for r in results] == ["created"] * 3
    assert Article.objects.count() == 4


def test_atomic_stores_nothing_when_one_article_is_refused(api_for, reviewer):
    client = api_for(reviewer)
    stored = post(client, [text_item(1)]).json()["results"][0]["id"]
    before = (Article.objects.count(), Sentence.objects.count(), Original.objects.count())
    response = post(
        client,
        [text_item(2), text_item(1), {"text": ""}, text_item(3), text_item(3)],
        atomic=True,
    )
    # 422, not 409: one refusal (the empty text) is no clash with a stored article.
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "atomic_refused"
    assert body["detail"] == "3 of 5 article(s) were refused, so none was stored."
    assert [r["status"] for r in body["results"]] == [
        "valid",
        "duplicate",
        "error",
        "valid",
        "duplicate",
    ]
    assert body["results"][1]["id"] == stored
    assert body["results"][4]["item"] == 3 and "id" not in body["results"][4]
    assert (Article.objects.count(), Sentence.objects.count(), Original.objects.count()) == before


def test_atomic_answers_409_when_every_refused_article_is_a_duplicate(api_for, reviewer):
    client = api_for(reviewer)
    stored = post(client, [text_item(1)]).json()["results"][0]["id"]
    response = post(client, [text_item(2), text_item(1), text_item(2)], atomic=True)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "atomic_refused"
    assert [r["status"] for r in body["results"]] == ["valid", "duplicate", "duplicate"]
    assert body["results"][1]["id"] == stored
    assert Article.objects.count() == 1


def test_one_bad_article_in_a_later_hundred_stops_neither_hundred(api_for, reviewer):
    pages = [text_item(n) for n in range(300, 450)]
    pages[120] = {"text": " "}
    results = post(api_for(reviewer), pages).json()["results"]
    assert [r["status"] for r in results].count("created") == 149
    assert results[120]["status"] == "error" and results[120]["code"] == "empty"
    assert Article.objects.count() == 149
    assert Sentence.objects.count() == 149 * 4


def test_atomic_stores_nothing_of_many_hundreds_when_one_article_is_refused(api_for, reviewer):
    pages = [text_item(n) for n in range(300, 550)]
    pages[220] = {"text": " "}
    response = post(api_for(reviewer), pages, atomic=True)
    assert response.status_code == 422  # an empty article: no conflict
    assert [r["status"] for r in response.json()["results"]].count("valid") == 249
    assert (Article.objects.count(), Sentence.objects.count(), Original.objects.count()) == (
        0,
        0,
        0,
    )


def test_atomic_stores_everything_when_nothing_is_refused(api_for, reviewer):
    response = post(api_for(reviewer), [text_item(1), text_item(2)], atomic=True)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["created", "created"]
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"articles": "not a list"}, "articles", "Expected a list"),
        ({"articles": []}, "articles", "may not be empty"),
        ({}, "articles", "This field is required."),
        ({"articles": [text_item(1)], "atomic": "sometimes"}, "atomic", "Must be a valid boolean"),
        ({"articles": [text_item(1)], "colour": "red"}, "colour", "There is no field `colour`"),
    ],
)
def test_it_refuses_a_malformed_request_whole(api_for, reviewer, body, field, message):
    response = api_for(reviewer).post(URL, body, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert Article.objects.count() == 0


def test_it_names_each_malformed_article_and_stores_none(api_for, reviewer):
    articles = [
        text_item(1),
        {"file": "not base64!", "filename": "a.txt"},
        {"text": 5},
        {"title": "Neither text nor file"},
        {"text": clinic_page(2), "file": "aGk="},
        "a string",
        text_item(3, url="not a url"),
    ]
    response = post(api_for(reviewer), articles)
    assert response.status_code == 400
    errors = response.json()["articles"]
    assert errors[0] == {}
    assert errors[1] == {"file": ["This is not valid base64."]}
    assert errors[2] == {"text": ["Not a valid string."]}
    assert "neither came" in errors[3]["non_field_errors"][0]
    assert "not both" in errors[4]["non_field_errors"][0]
    assert "Expected a dictionary" in errors[5]["non_field_errors"][0]
    assert errors[6] == {"url": ["Give an http:// or https:// address."]}
    assert Article.objects.count() == 0


def test_it_refuses_a_body_that_is_not_json(api_for, reviewer):
    response = api_for(reviewer).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_it_refuses_a_form_body(api_for, reviewer):
    response = api_for(reviewer).post(URL, {"articles": "x"}, format="multipart")
    assert response.status_code == 415


def test_it_refuses_more_articles_than_the_setting_allows(api_for, reviewer, settings):
    settings.MAX_BULK_ARTICLES = 3
    response = post(api_for(reviewer), [text_item(n) for n in range(4)])
    assert response.status_code == 400
    assert "no more than 3" in response.json()["articles"]["non_field_errors"][0]
    assert Article.objects.count() == 0
    assert post(api_for(reviewer), [text_item(n) for n in range(3)]).status_code == 200


def test_it_refuses_a_body_over_the_request_size_limit(api_for, reviewer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = post(api_for(reviewer), [text_item(n) for n in range(20)])
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert Article.objects.count() == 0


def test_it_refuses_one_file_over_the_upload_limit_and_stores_the_rest(api_for, reviewer, settings):
    settings.MAX_UPLOAD_MB, settings.MAX_UPLOAD_BYTES = 1, 1_000
    big = ("Stem cells cure everything. " * 60).encode()
    results = post(api_for(reviewer), [file_item(big, "big.txt"), text_item(1)]).json()["results"]
    assert [r["status"] for r in results] == ["error", "created"]
    assert results[0]["code"] == "too_large" and "limit is 1 MB" in results[0]["detail"]


@pytest.mark.parametrize(("persona", "status"), [("reader", 403), ("outsider", 403), (None, 401)])
def test_only_those_who_upload_may_bulk_upload(api_for, request, persona, status):
    user = request.getfixturevalue(persona) if persona else None
    response = post(api_for(user), [text_item(1)])
    assert response.status_code == status
    assert "detail" in response.json()
    assert Article.objects.count() == 0


@pytest.mark.parametrize("persona", ["editor", "other_reviewer"])
def test_editors_and_reviewers_may_bulk_upload(api_for, request, persona):
    response = post(api_for(request.getfixturevalue(persona)), [text_item(1)])
    assert response.status_code == 200


def test_it_is_rate_limited_as_uploads_are(api_for, reviewer, settings):
    settings.API_THROTTLE_RATE = "2/min"
    client = api_for(reviewer)
    assert post(client, [text_item(1)]).status_code == 200
    assert post(client, [text_item(2)]).status_code == 200
    response = post(client, [text_item(3)])
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert Article.objects.count() == 2


def test_it_queues_suggestions_once_per_hundred_articles(
    api_for, reviewer, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        post(api_for(reviewer), [text_item(n) for n in range(101)])
    queued = DBTaskResult.objects.filter(task_path="claims.tasks.suggest_articles")
    assert sorted(len(task.args_kwargs["args"][0]) for task in queued) == [1, 100]


def queries_for(client, count: int, start: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = post(client, [text_item(n) for n in range(start, start + count)])
    assert response.status_code == 200
    return len(captured)


def test_its_query_count_does_not_grow_with_the_articles(api_for, reviewer):
    client = api_for(reviewer)
    post(client, [text_item(1000)])  # the first request reads the roles; later ones too
    few, many = queries_for(client, 2, 0), queries_for(client, 40, 100)
    assert few == many


def test_its_queries_grow_by_a_fixed_number_per_hundred_articles(api_for, reviewer):
    client = api_for(reviewer)
    post(client, [text_item(1000)])
    one, two, three = (queries_for(client, 100 * n, 2000 * n) for n in (1, 2, 3))
    assert three - two == two - one
    assert two - one < 15


def test_it_stays_within_a_fixed_number_of_queries(
    api_for, reviewer, django_assert_max_num_queries
):
    client = api_for(reviewer)
    with django_assert_max_num_queries(14):
        post(client, [text_item(n) for n in range(30)] + [text_item(1)])


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/articles/bulk/"]["post"]
    assert operation["operationId"] == "articles_bulk_create"
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    for status in ("200", "400", "401", "403", "409", "413", "422", "429"):
        assert status in operation["responses"], status
    components = schema["components"]["schemas"]
    outcome = components["ArticleBulkOutcome"]["properties"]
    assert outcome["id"]["type"] == "integer"
    assert outcome["index"]["type"] == "integer"
    item = components["ArticleBulkItemRequest"]["properties"]
    assert item["file"]["format"] == "byte"
    assert set(item) == {"text", "file", "filename", "title", "publisher", "url"}


BOILERPLATE = (
    "Book a free consultation today.\n"
    "Our friendly staff will call you back.\n"
    "Parking is free for every patient.\n"
)


def test_it_finds_a_near_duplicate_among_pages_sharing_boilerplate(api_for, reviewer):
    client = api_for(reviewer)
    stored = post(client, [{"text": long_page(n) + BOILERPLATE} for n in range(1, 6)]).json()
    third = stored["results"][2]["id"]
    results = post(
        client,
        [
            {"text": long_page(3) + BOILERPLATE + "A new sentence of its own.\n"},
            {"text": BOILERPLATE + clinic_page(77)},
        ],
    ).json()["results"]
    assert [r["status"] for r in results] == ["near_duplicate", "created"]
    assert results[0]["id"] == third and results[0]["share"] == 0.938  # 15 of 16


def test_it_finds_a_near_duplicate_of_a_long_article_by_its_sample(api_for, reviewer):
    """Past 2,000 distinct sentences the look-up reads a sample, as for a single upload."""
    long_text = "".join(
        f"Session {n} of the protocol lasts {n + 5} minutes.\n" for n in range(2100)
    )
    client = api_for(reviewer)
    stored = post(client, [{"text": long_text}]).json()["results"][0]["id"]
    results = post(client, [{"text": long_text + "One more sentence of its own.\n"}]).json()
    [result] = results["results"]
    assert result["status"] == "near_duplicate" and result["id"] == stored
    assert result["share"] == 1.0  # 2,100 of 2,101, rounded to three places
