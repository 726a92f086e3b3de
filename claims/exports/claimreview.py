"""schema.org ClaimReview (JSON-LD), as Google's fact-check markup reads it: a review of each
flagged span's exact text per tag, by our organisation."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from itertools import batched
from typing import Any

from django.conf import settings
from django.db.models import F, Min, OuterRef, Q, QuerySet, StringAgg, Subquery, Value

from claims.exports.rows import CHUNK_SIZE, ExportSource, Links, decision_comments, json_text
from claims.models import Annotation, Sentence

CONTEXT = "https://schema.org"
NOTE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Reviewer:
    """The organisation that publishes the reviews (their `author`)."""

    name: str
    url: str


def flagged_span_rows(annotations: QuerySet[Annotation]) -> Iterator[Mapping[str, Any]]:
    """Each annotated span once per tag however many reviewers chose it, with the day it was
    first flagged, the reviewers' notes (oldest first) and the sentence it starts in: grouped
    in the database."""
    first_sentence = (
        Sentence.objects.filter(article_id=OuterRef("article_id"), end__gt=OuterRef("start"))
        .order_by("index")
        .values("index")[:1]
    )
    return (
        annotations.values(
            "article_id",
            "start",
            "end",
            claim=F("quote"),
            article_title=F("article__title"),
            publisher=F("article__publisher"),
            article_url=F("article__source_url"),
            tag_slug=F("tag__slug"),
            tag_name=F("tag__name"),
            tag_order=F("tag__order"),
        )
        .annotate(
            first_flagged=Min("created_at"),
            notes=StringAgg(
                "note",
                delimiter=Value(NOTE_SEPARATOR),
                filter=~Q(note=""),
                order_by=("created_at", "id"),
            ),
            sentence_index=Subquery(first_sentence),
        )
        .order_by("article_id", "start", "end", "tag_order", "tag_slug")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def claim_review(
    row: Mapping[str, Any], *, links: Links, reviewer: Reviewer, editor_comment: str = ""
) -> dict[str, Any]:
    """A verdict (the tag's name) on one span's exact text, with the reviewers' notes and the
    editor's comment on the decision about it ("Editor: …"), where it appeared and who
    published it. Without a source URL the article's page here stands for
    where the claim appeared. The article's own publication date is not stored, so the claim
    has no `datePublished`."""
    page = links.article_page(row["article_id"])
    appearance = {
        "@type": "CreativeWork",
        "url": row["article_url"] or page,
        "headline": row["article_title"],
    }
    claim: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if row["publisher"]:
        claim["author"] = {"@type": "Organization", "name": row["publisher"]}
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "url": f"{page}#s{row['sentence_index']}" if row["sentence_index"] is not None else page,
        "claimReviewed": row["claim"],
        "datePublished": row["first_flagged"].astimezone(UTC).date().isoformat(),
        "author": {"@type": "Organization", "name": reviewer.name, "url": reviewer.url},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": row["tag_name"],
            "url": links.tag(row["tag_slug"]),
        },
        "itemReviewed": claim,
    }
    body = [row["notes"]] if row["notes"] else []
    if editor_comment:
        body.append(f"Editor: {editor_comment}")
    if body:
        review["reviewBody"] = NOTE_SEPARATOR.join(body)
    return review


def site_reviewer(links: Links) -> Reviewer:
    """The organisation the settings name, its home page this site's unless they name one."""
    url = settings.CLAIMSCOPE_ORGANIZATION_URL or links.site()
    return Reviewer(name=settings.CLAIMSCOPE_ORGANIZATION_NAME, url=url)


def write(*, source: ExportSource) -> Iterator[str]:
    """{"@context": "https://schema.org", "@graph": [ClaimReview, ...]}, streamed."""
    reviewer = site_reviewer(source.links)
    yield f'{{"@context": "{CONTEXT}", "@graph": ['
    separator = "\n"
    for chunk in batched(flagged_span_rows(source.annotations), CHUNK_SIZE):
        comments = decision_comments(source, {row["article_id"] for row in chunk})
        reviews = (
            json_text(
                claim_review(
                    row,
                    links=source.links,
                    reviewer=reviewer,
                    editor_comment=comments.get(
                        (row["article_id"], row["sentence_index"], row["tag_slug"]), ""
                    ),
                )
            )
            for row in chunk
        )
        yield separator + ",\n".join(reviews)
        separator = ",\n"
    yield "\n]}\n"
