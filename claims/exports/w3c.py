"""The W3C Web Annotation Data Model (JSON-LD): one annotation, and the whole collection
streamed item by item as an export. The API (claims/api/w3c.py pages and containers) and the
export share these functions."""

from collections.abc import Iterator
from itertools import batched
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from claims.exports.rows import (
    ANNOTATION_COLUMNS,
    CHUNK_SIZE,
    ExportSource,
    Links,
    annotation_rows,
    iso_utc,
    json_text,
)
from claims.models import Annotation

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{CONTEXT}"'


def annotation_to_w3c(
    annotation: Annotation,
    *,
    iri: str,
    article_iri: str,
    tag_iri: str,
    with_context: bool = True,
) -> dict[str, Any]:
    """One annotation: a tagging body pointing at the tag's IRI, a commenting body for the
    note (when there is one), and a target selecting the span by quote and by position."""
    body: list[dict[str, Any]] = [
        {
            "type": "SpecificResource",
            "purpose": "tagging",
            "source": tag_iri,
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


def annotation_linked(
    annotation: Annotation, *, links: Links, with_context: bool = True
) -> dict[str, Any]:
    """One annotation (its tag and author loaded) with the IRIs `links` give."""
    return annotation_to_w3c(
        annotation,
        iri=links.annotation(annotation.pk),
        article_iri=links.article(annotation.article_id),
        tag_iri=links.tag(annotation.tag.slug),
        with_context=with_context,
    )


# Only what the items need: no article columns, so no join to the article table.
W3C_COLUMNS = {
    name: ANNOTATION_COLUMNS[name]
    for name in (
        *("annotation_id", "article_id", "tag", "start", "end", "quote", "prefix", "suffix"),
        *("note", "reviewer", "created_at", "updated_at"),
    )
}


class _RowAnnotation:
    """What annotation_to_w3c reads of an annotation, taken from a plain row, so the export's
    items are the API's by construction: model instances for 100,000 rows would cost more
    than the rest of the export."""

    __slots__ = (
        *("pk", "article_id", "start", "end", "quote", "prefix", "suffix", "note"),
        *("created_at", "updated_at", "author"),
    )

    def __init__(self, row: dict[str, Any], *, author: AbstractBaseUser) -> None:
        self.pk, self.article_id = row["annotation_id"], row["article_id"]
        self.start, self.end, self.quote = row["start"], row["end"], row["quote"]
        self.prefix, self.suffix, self.note = row["prefix"], row["suffix"], row["note"]
        self.created_at, self.updated_at = row["created_at"], row["updated_at"]
        self.author = author


class ItemBuilder:
    """Turns annotation rows into W3C items, with one unsaved user per name: it gives the
    username as the model does."""

    def __init__(self, links: Links) -> None:
        self.links = links
        self.authors: dict[str, AbstractBaseUser] = {}

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        username = row["reviewer"]
        if username not in self.authors:
            self.authors[username] = get_user_model()(username=username)
        annotation = _RowAnnotation(row, author=self.authors[username])
        return annotation_to_w3c(
            annotation,  # type: ignore[arg-type]  # duck-typed: see _RowAnnotation
            iri=self.links.annotation(annotation.pk),
            article_iri=self.links.article(annotation.article_id),
            tag_iri=self.links.tag(row["tag"]),
            with_context=False,
        )


def write(*, source: ExportSource) -> Iterator[str]:
    """The collection with one embedded page. `total` comes last, counted while streaming:
    a COUNT beforehand could disagree with the rows read after it."""
    head = {"@context": CONTEXT, "id": source.iri, "type": "AnnotationCollection"}
    head |= {"label": source.label}
    page = {"id": f"{source.iri}#page1", "type": "AnnotationPage", "startIndex": 0}
    yield f'{_opened(head)}, "first": {_opened(page)}, "items": ['
    item_for, total = ItemBuilder(source.links), 0
    for chunk in batched(annotation_rows(source.annotations, columns=W3C_COLUMNS), CHUNK_SIZE):
        items = ",\n".join(json_text(item_for(row)) for row in chunk)
        yield f"{',' if total else ''}\n{items}"
        total += len(chunk)
    yield f'\n]}}, "total": {total}}}\n'


def _opened(data: dict[str, Any]) -> str:
    """An object's JSON without its closing brace, for members streamed after it."""
    return json_text(data)[:-1]
