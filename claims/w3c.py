"""Annotations in the W3C Web Annotation Data Model (JSON-LD), as pure functions."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from claims.models import Annotation

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{CONTEXT}"'


def annotation_to_w3c(
    annotation: Annotation, *, iri: str, article_iri: str, with_context: bool = True
) -> dict[str, Any]:
    """One annotation: a tagging body pointing at the tag's IRI, a commenting body for the
    note (when there is one), and a target selecting the span by quote and by position."""
    body: list[dict[str, Any]] = [
        {
            "type": "SpecificResource",
            "purpose": "tagging",
            "source": annotation.tag.iri,
        }
    ]
    if annotation.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": annotation.note,
                "format": "text/plain",
            }
        )
    data: dict[str, Any] = {"@context": CONTEXT} if with_context else {}
    data.update(
        {
            "id": iri,
            "type": "Annotation",
            "motivation": "tagging",
            "creator": {"type": "Person", "nickname": annotation.author.get_username()},
            "created": iso_utc(annotation.created_at),
            "modified": iso_utc(annotation.updated_at),
            "body": body,
            "target": {
                "source": article_iri,
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": annotation.quote,
                        "prefix": annotation.prefix,
                        "suffix": annotation.suffix,
                    },
                    {
                        "type": "TextPositionSelector",
                        "start": annotation.start,
                        "end": annotation.end,
                    },
                ],
            },
        }
    )
    return data


def annotation_page(
    annotations: Iterable[Annotation],
    *,
    page_iri: str,
    collection_iri: str,
    total: int,
    start_index: int,
    next_iri: str | None,
    prev_iri: str | None,
    iri_for: Callable[[Annotation], str],
    article_iri_for: Callable[[Annotation], str],
) -> dict[str, Any]:
    """A page of annotations, naming the collection it belongs to and its neighbours."""
    page: dict[str, Any] = {
        "@context": CONTEXT,
        "id": page_iri,
        "type": "AnnotationPage",
        "partOf": {"id": collection_iri, "type": "AnnotationCollection", "total": total},
        "startIndex": start_index,
        "items": [
            annotation_to_w3c(a, iri=iri_for(a), article_iri=article_iri_for(a), with_context=False)
            for a in annotations
        ],
    }
    if next_iri:
        page["next"] = next_iri
    if prev_iri:
        page["prev"] = prev_iri
    return page


def iso_utc(value: datetime) -> str:
    """A stored moment as ISO 8601 in UTC with a Z, as the Web Annotation model writes it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
