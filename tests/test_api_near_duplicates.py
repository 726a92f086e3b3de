"""POST /api/v1/articles/ with a near-duplicate: 409 `near_duplicate` naming the article and
the share, unless `allow_near_duplicate=true`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Article, SentenceFingerprint

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"

HTML_PAGE = (
    "<!doctype html><html><body><nav><a href='/'>Home</a></nav><main><article>"
    "<h1>Regenerative Knee Programme</h1>"
    "<p>Our exosome injections rebuild worn cartilage in a single visit. Patients walk out "
    "of the clinic pain-free the same afternoon.</p>"
    "<h2>How much does it cost?</h2>"
    "<p>The full programme costs $6,800, flights not included. Payment plans start at $99 "
    "per month.</p>"
    "<ul><li>No surgery</li><li>No downtime</li><li>No side effects</li></ul>"
    "<p>In one case series, 9 of 12 patients walked without a cane within a month.</p>"
    "</article></main><footer>© Clinic</footer></body></html>"
)
# The same page as a reviewer copied its text, with a call to action the HTML reader dropped.
COPIED_TEXT = (
    "Regenerative Knee Programme\n"
    "Our exosome injections rebuild worn cartilage in a single visit. Patients walk out of "
    "the clinic pain-free the same afternoon.\n"
    "How much does it cost?\n"
    "The full programme costs $6,800, flights not included. Payment plans start at $99 per "
    "month.\n"
    "- No surgery\n- No downtime\n- No side effects\n"
    "In one case series, 9 of 12 patients walked without a cane within a month.\n"
    "Book now!\n"
)


@pytest.fixture
def stored(api_for, reviewer) -> dict:
    upload = SimpleUploadedFile("knee.html", HTML_PAGE.encode(), content_type="text/html")
    response = api_for(reviewer).post(ARTICLES, {"file": upload}, format="multipart")
    assert response.status_code == 201
    return response.json()


def test_it_answers_409_near_duplicate_with_the_article_and_the_share(api_for, reviewer, stored):
    response = api_for(reviewer).post(ARTICLES, {"text": COPIED_TEXT}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "near_duplicate"
    assert body["article"] == stored["id"]
    assert body["share"] == 0.909  # 10 of its 11 sentences
    assert f"article {stored['id']}" in body["detail"]
    assert Article.objects.count() == 1
    assert SentenceFingerprint.objects.filter(article_id=stored["id"]).count() == 10


def test_it_stores_a_near_duplicate_sent_with_allow_near_duplicate(api_for, reviewer, stored):
    response = api_for(reviewer).post(
        ARTICLES, {"text": COPIED_TEXT, "allow_near_duplicate": True}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["id"] != stored["id"]
    assert Article.objects.count() == 2
    assert SentenceFingerprint.objects.filter(article_id=response.json()["id"]).count() == 11


def test_the_flag_works_in_a_multipart_upload_too(api_for, reviewer, stored):
    upload = SimpleUploadedFile("knee.txt", COPIED_TEXT.encode(), content_type="text/plain")
    refused = api_for(reviewer).post(ARTICLES, {"file": upload}, format="multipart")
    assert refused.status_code == 409

    upload.seek(0)
    response = api_for(reviewer).post(
        ARTICLES, {"file": upload, "allow_near_duplicate": "true"}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["original_filename"] == "knee.txt"


def test_exact_duplicates_still_answer_duplicate_even_when_allowed(api_for, reviewer, stored):
    upload = SimpleUploadedFile("again.html", HTML_PAGE.encode(), content_type="text/html")
    response = api_for(reviewer).post(
        ARTICLES, {"file": upload, "allow_near_duplicate": True}, format="multipart"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert "share" not in response.json()


def test_a_bad_flag_value_is_a_400_naming_it(api_for, reviewer):
    response = api_for(reviewer).post(
        ARTICLES, {"text": COPIED_TEXT, "allow_near_duplicate": "perhaps"}, format="json"
    )
    assert response.status_code == 400
    assert "allow_near_duplicate" in response.json()
    assert not Article.objects.exists()


def test_readers_cannot_store_a_near_duplicate_either(api_for, reader, stored):
    response = api_for(reader).post(
        ARTICLES, {"text": COPIED_TEXT, "allow_near_duplicate": True}, format="json"
    )
    assert response.status_code == 403
    assert Article.objects.count() == 1


def test_the_schema_describes_the_flag_and_the_409(api_for, reviewer):
    schema = api_for(reviewer).get("/api/schema/?format=json").json()
    for body in ("ArticleTextUploadRequest", "ArticleFileUploadRequest"):
        upload = schema["components"]["schemas"][body]
        assert upload["properties"]["allow_near_duplicate"]["type"] == "boolean"
    conflict = schema["paths"]["/api/v1/articles/"]["post"]["responses"]["409"]
    reference = conflict["content"]["application/json"]["schema"]["$ref"]
    duplicate = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert {"detail", "code", "article", "share"} <= set(duplicate["properties"])
