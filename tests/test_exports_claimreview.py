"""The ClaimReview download: one schema.org review per flagged span and tag, field by field
as schema.org and Google's fact-check markup describe them."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from claims.models import Annotation
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

CLINIC_TEXT = (
    "Stem cells for knees\n\n"
    "Our treatment has no side effects. It targets the root cause of arthritis. "
    "Prices start at $1,500.\n"
)


@pytest.fixture
def article(make_article):
    return make_article(
        text=CLINIC_TEXT,
        title="Knees",
        publisher="RegenWell Institute",
        source_url="https://regenwell.example/knees",
    )


def _reviews(client, user, **params) -> list[dict]:
    client.force_login(user)
    response = client.get(
        reverse("claims:corpus_export", args=["claimreview"]), params, **_extra(params)
    )
    assert response.status_code == 200
    document = json.loads(response.getvalue())
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def _extra(params: dict) -> dict:
    """Request headers given among the query parameters (HTTP_HOST, secure)."""
    return {key: params.pop(key) for key in list(params) if key in {"HTTP_HOST", "secure"}}


def test_it_reviews_a_flagged_span_with_every_field(client, editor, reviewer, article, settings):
    settings.CLAIMSCOPE_ORGANIZATION_NAME = "Health Claims Watch"
    settings.CLAIMSCOPE_ORGANIZATION_URL = "https://healthclaims.example/"
    settings.CLAIMSCOPE_TAG_IRI_BASE = "https://vocab.claimscope.example/tags/"
    tagged = annotate_phrase(
        reviewer, article, "overstated", "no side effects", note="Every injection carries risk."
    )
    moment = datetime(2025, 3, 4, 23, 59, tzinfo=UTC)
    Annotation.objects.filter(pk=tagged.pk).update(created_at=moment)

    [review] = _reviews(client, editor)

    assert review == {
        "@type": "ClaimReview",
        "url": f"http://testserver/articles/{article.pk}/#s1",
        "claimReviewed": "no side effects",
        "reviewBody": "Every injection carries risk.",
        "datePublished": "2025-03-04",
        "author": {
            "@type": "Organization",
            "name": "Health Claims Watch",
            "url": "https://healthclaims.example/",
        },
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Overstated",
            "url": "https://vocab.claimscope.example/tags/overstated",
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {
                "@type": "CreativeWork",
                "url": "https://regenwell.example/knees",
                "headline": "Knees",
            },
            "author": {"@type": "Organization", "name": "RegenWell Institute"},
        },
    }


def test_it_reviews_the_exact_text_of_a_span_across_sentences(client, editor, reviewer, article):
    annotate_phrase(reviewer, article, "unsupported", "root cause of arthritis. Prices")

    [review] = _reviews(client, editor)

    assert review["claimReviewed"] == "root cause of arthritis. Prices"
    # The review's anchor is the sentence the span starts in.
    assert review["url"].endswith("#s2")


def test_it_reviews_a_span_once_per_tag_however_many_reviewers_chose_it(
    client, editor, reviewer, other_reviewer, article
):
    first = annotate_phrase(reviewer, article, "overstated", "no side effects", note="Absolute.")
    second = annotate_phrase(
        other_reviewer, article, "overstated", "no side effects", note="No trial."
    )
    annotate_phrase(other_reviewer, article, "overstated", "Our treatment has no side effects.")
    annotate_phrase(other_reviewer, article, "unsupported", "no side effects")
    Annotation.objects.filter(pk=first.pk).update(created_at=datetime(2024, 1, 2, tzinfo=UTC))
    Annotation.objects.filter(pk=second.pk).update(created_at=datetime(2024, 1, 1, tzinfo=UTC))

    reviews = _reviews(client, editor)

    assert [(r["claimReviewed"], r["reviewRating"]["alternateName"]) for r in reviews] == [
        ("Our treatment has no side effects.", "Overstated"),
        ("no side effects", "Unsupported"),
        ("no side effects", "Overstated"),
    ]
    # The review dates from the first time the span was flagged with the tag, and carries
    # every reviewer's note, the oldest first.
    assert reviews[2]["datePublished"] == "2024-01-01"
    assert reviews[2]["reviewBody"] == "No trial.\n\nAbsolute."
    assert "reviewBody" not in reviews[0] and "reviewBody" not in reviews[1]


def test_it_points_at_the_article_page_without_a_source_url(client, editor, reviewer, make_article):
    bare = make_article(text="Ozone cures everything. Book now.", title="Ozone", publisher="")
    annotate_phrase(reviewer, bare, "overstated", "Ozone cures everything.")

    [review] = _reviews(client, editor)

    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": {
            "@type": "CreativeWork",
            "url": f"http://testserver/articles/{bare.pk}/",
            "headline": "Ozone",
        },
    }


def test_it_names_this_site_as_the_reviewers_home_by_default(
    client, editor, reviewer, article, settings
):
    settings.ALLOWED_HOSTS = ["claims.example.org"]
    annotate_phrase(reviewer, article, "price-claim", "$1,500")

    [review] = _reviews(client, editor, HTTP_HOST="claims.example.org", secure=True)

    assert review["author"] == {
        "@type": "Organization",
        "name": "Claimscope reviewers",
        "url": "https://claims.example.org/",
    }
    assert review["url"] == f"https://claims.example.org/articles/{article.pk}/#s3"
    assert review["reviewRating"]["url"] == "https://claims.example.org/vocabulary/price-claim"


def test_it_builds_its_links_from_the_base_url_when_it_is_set(
    client, editor, reviewer, article, settings
):
    settings.CLAIMSCOPE_BASE_URL = "https://claimscope.example"
    annotate_phrase(reviewer, article, "price-claim", "$1,500")

    [review] = _reviews(client, editor)

    assert review["url"] == f"https://claimscope.example/articles/{article.pk}/#s3"
    assert review["author"]["url"] == "https://claimscope.example/"
    assert review["reviewRating"]["url"] == "https://claimscope.example/vocabulary/price-claim"


def test_it_reviews_only_what_the_reviewer_may_see(client, reviewer, other_reviewer, article):
    annotate_phrase(other_reviewer, article, "overstated", "no side effects", note="omar's")
    annotate_phrase(reviewer, article, "price-claim", "$1,500")

    reviews = _reviews(client, reviewer)

    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Price claim"]


def test_it_follows_the_tag_filter(client, editor, reviewer, article):
    annotate_phrase(reviewer, article, "overstated", "no side effects")
    annotate_phrase(reviewer, article, "price-claim", "Prices start at $1,500.")

    reviews = _reviews(client, editor, tag="price-claim")

    assert [r["claimReviewed"] for r in reviews] == ["Prices start at $1,500."]
