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
    replies_by_annotation,
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


def reply_to_w3c(
    reply: dict[str, Any], *, iri: str, annotation_iri: str, with_context: bool = True
) -> dict[str, Any]:
    """A reply (a row of rows.REPLY_FIELDS and `author_name`) as the model writes one: an
    annotation whose motivation is "replying", whose body is the reply's text and whose
    target is the annotation it answers."""
    data: dict[str, Any] = {"@context": CONTEXT} if with_context else {}
    data.update(
        {
            "id": iri,
            "type": "Annotation",
            "motivation": "replying",
            "creator": {"type": "Person", "nickname": reply["author_name"]},
            "created": iso_utc(reply["created_at"]),
            "modified": iso_utc(reply["edited_at"] or reply["created_at"]),
            "body": [
                {
                    "type": "TextualBody",
                    "purpose": "replying",
                    "value": reply["body"],
                    "format": "text/plain",
                }
            ],
            "target": annotation_iri,
        }
    )
    return data


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
        items = [item_for(row) for row in chunk] + _reply_items(source, chunk)
        yield f"{',' if total else ''}\n" + ",\n".join(map(json_text, items))
        total += len(items)
    yield f'\n]}}, "total": {total}}}\n'


def _reply_items(source: ExportSource, chunk: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """The replies on a chunk's annotations, after them: each names its annotation's IRI."""
    links = source.links
    threads = replies_by_annotation(source, (row["annotation_id"] for row in chunk))
    return [
        reply_to_w3c(
            reply,
            iri=links.reply(reply["id"]),
            annotation_iri=links.annotation(annotation_id),
            with_context=False,
        )
        for annotation_id, replies in threads.items()
        for reply in replies
    ]


def _opened(data: dict[str, Any]) -> str:
    """An object's JSON without its closing brace, for members streamed after it."""
    return json_text(data)[:-1]
