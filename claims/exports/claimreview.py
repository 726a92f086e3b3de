"""schema.org ClaimReview (JSON-LD): a review per flagged sentence and tag, by our organisation."""

from collections.abc import Iterator, Mapping
from datetime import UTC
from itertools import batched
from typing import Any

from django.conf import settings
from django.db.models import F, Min, QuerySet

from claims.exports.rows import CHUNK_SIZE, ExportSource, Links, json_text
from claims.models import Annotation, Tag

CONTEXT = "https://schema.org"


def flagged_sentence_rows(annotations: QuerySet[Annotation]) -> Iterator[Mapping[str, Any]]:
    """Each sentence an annotation overlaps, once per tag however many reviewers chose it,
    with the day it was first flagged: grouped in the database."""
    overlapping = annotations.filter(
        article__sentences__start__lt=F("end"), article__sentences__end__gt=F("start")
    )
    return (
        overlapping.values(
            "article_id",
            sentence_index=F("article__sentences__index"),
            claim=F("article__sentences__text"),
            publisher=F("article__publisher"),
            article_url=F("article__source_url"),
            tag_slug=F("tag__slug"),
            tag_name=F("tag__name"),
            tag_order=F("tag__order"),
        )
        .annotate(first_flagged=Min("created_at"))
        .order_by("article_id", "sentence_index", "tag_order", "tag_slug")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def claim_review(
    row: Mapping[str, Any], *, links: Links, organisation: str, tag: Tag
) -> dict[str, Any]:
    """A verdict (the tag's name) on one sentence, where it appeared and who published it.
    Without a source URL the article's page here stands for where the claim appeared."""
    page = links.article_page(row["article_id"])
    claim: dict[str, Any] = {"@type": "Claim", "appearance": row["article_url"] or page}
    if row["publisher"]:
        claim["author"] = {"@type": "Organization", "name": row["publisher"]}
    return {
        "@type": "ClaimReview",
        "url": f"{page}#s{row['sentence_index']}",
        "claimReviewed": row["claim"],
        "datePublished": row["first_flagged"].astimezone(UTC).date().isoformat(),
        "author": {"@type": "Organization", "name": organisation},
        "reviewRating": {"@type": "Rating", "alternateName": row["tag_name"], "url": tag.iri},
        "itemReviewed": claim,
    }


def write(*, source: ExportSource) -> Iterator[str]:
    """{"@context": "https://schema.org", "@graph": [ClaimReview, ...]}, streamed."""
    organisation = settings.CLAIMSCOPE_ORGANISATION
    tags: dict[str, Tag] = {}
    yield f'{{"@context": "{CONTEXT}", "@graph": ['
    separator = "\n"
    for chunk in batched(flagged_sentence_rows(source.annotations), CHUNK_SIZE):
        reviews = []
        for row in chunk:
            slug = row["tag_slug"]
            if slug not in tags:
                tags[slug] = Tag(slug=slug)  # unsaved: only its IRI is wanted
            review = claim_review(
                row, links=source.links, organisation=organisation, tag=tags[slug]
            )
            reviews.append(json_text(review))
        yield separator + ",\n".join(reviews)
        separator = ",\n"
    yield "\n]}\n"
