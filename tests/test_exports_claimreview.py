"""The ClaimReview download: one schema.org review per flagged sentence and tag."""

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
    response = client.get(reverse("claims:corpus_export", args=["claimreview"]), params)
    assert response.status_code == 200
    document = json.loads(response.getvalue())
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def test_it_reviews_a_flagged_sentence_with_every_required_field(
    client, editor, reviewer, article, settings
):
    settings.CLAIMSCOPE_ORGANISATION = "Health Claims Watch"
    settings.CLAIMSCOPE_TAG_IRI_BASE = "https://vocab.claimscope.example/tags/"
    tagged = annotate_phrase(reviewer, article, "overstated", "no side effects")
    moment = datetime(2025, 3, 4, 23, 59, tzinfo=UTC)
    Annotation.objects.filter(pk=tagged.pk).update(created_at=moment)

    [review] = _reviews(client, editor)

    assert review == {
        "@type": "ClaimReview",
        "url": f"http://testserver/articles/{article.pk}/#s1",
        "claimReviewed": "Our treatment has no side effects.",
        "datePublished": "2025-03-04",
        "author": {"@type": "Organization", "name": "Health Claims Watch"},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Overstated",
            "url": "https://vocab.claimscope.example/tags/overstated",
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": "https://regenwell.example/knees",
            "author": {"@type": "Organization", "name": "RegenWell Institute"},
        },
    }


def test_it_reviews_each_sentence_a_span_covers(client, editor, reviewer, article):
    annotate_phrase(reviewer, article, "unsupported", "root cause of arthritis. Prices")

    reviews = _reviews(client, editor)

    assert [r["claimReviewed"] for r in reviews] == [
        "It targets the root cause of arthritis.",
        "Prices start at $1,500.",
    ]


def test_it_reviews_a_sentence_once_per_tag_however_many_reviewers_chose_it(
    client, editor, reviewer, other_reviewer, article
):
    first = annotate_phrase(reviewer, article, "overstated", "no side effects")
    annotate_phrase(other_reviewer, article, "overstated", "Our treatment has no side effects.")
    annotate_phrase(other_reviewer, article, "unsupported", "no side effects")
    Annotation.objects.filter(pk=first.pk).update(created_at=datetime(2024, 1, 2, tzinfo=UTC))

    reviews = _reviews(client, editor)

    assert [(r["claimReviewed"], r["reviewRating"]["alternateName"]) for r in reviews] == [
        ("Our treatment has no side effects.", "Unsupported"),
        ("Our treatment has no side effects.", "Overstated"),
    ]
    # The review dates from the first time the sentence was flagged with the tag.
    assert reviews[1]["datePublished"] == "2024-01-02"


def test_it_points_at_the_article_page_without_a_source_url(client, editor, reviewer, make_article):
    bare = make_article(text="Ozone cures everything. Book now.", publisher="")
    annotate_phrase(reviewer, bare, "overstated", "Ozone cures everything.")

    [review] = _reviews(client, editor)

    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": f"http://testserver/articles/{bare.pk}/",
    }


def test_it_reviews_only_what_the_reviewer_may_see(client, reviewer, other_reviewer, article):
    annotate_phrase(other_reviewer, article, "overstated", "no side effects")
    annotate_phrase(reviewer, article, "price-claim", "$1,500")

    reviews = _reviews(client, reviewer)

    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Price claim"]


def test_it_follows_the_tag_filter(client, editor, reviewer, article):
    annotate_phrase(reviewer, article, "overstated", "no side effects")
    annotate_phrase(reviewer, article, "price-claim", "$1,500")

    reviews = _reviews(client, editor, tag="price-claim")

    assert [r["claimReviewed"] for r in reviews] == ["Prices start at $1,500."]
