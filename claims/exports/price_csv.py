"""The prices quoted in price-claim annotations as CSV: one row per price, across publishers."""

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from itertools import batched
from typing import Any

from django.db.models import QuerySet

from claims.exports.cells import spreadsheet_row
from claims.models import Annotation
from claims.prices import PriceQuote, extract_prices

PRICE_TAG = "price-claim"  # the slug migration 0002 gives the "Price claim" tag
# Rows fetched per round trip; each is one annotation's sentence and note, not its article.
CHUNK_SIZE = 2_000

HEADER = (
    *("publisher", "article_id", "article_title", "annotation_id", "quote"),
    *("minimum", "maximum", "currency", "per", "reviewer", "note"),
)
# What is read of each annotation, in the order `price_rows` unpacks it.
COLUMNS = (
    *("article__publisher", "article_id", "article__title", "id", "quote"),
    *("author__username", "note"),
)


def price_csv(annotations: QuerySet[Annotation]) -> Iterator[str]:
    """The header, then the rows of the price claims among `annotations`, a chunk at a time
    through one reused buffer. The csv module quotes fields holding commas, quotes or line
    breaks (RFC 4180); text a spreadsheet would run as a formula starts with a '. The amounts
    are unsigned digits, so escaping never touches them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield _drained(buffer)
    rows = price_claims(annotations).iterator(chunk_size=CHUNK_SIZE)
    for chunk in batched(rows, CHUNK_SIZE):
        writer.writerows(
            spreadsheet_row(row) for annotation in chunk for row in price_rows(annotation)
        )
        yield _drained(buffer)


def price_claims(annotations: QuerySet[Annotation]) -> QuerySet:
    """The price-claim annotations as plain `COLUMNS` tuples, grouped by publisher and in
    document order within each article."""
    return (
        annotations.filter(tag__slug=PRICE_TAG)
        .order_by("article__publisher", "article_id", "start", "end", "id")
        .values_list(*COLUMNS)
    )


def price_rows(annotation: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """One row per price quoted in the annotation's sentence, in the order they appear; a
    sentence with none that can be read still gives a row, with the amounts left empty."""
    publisher, article_id, title, annotation_id, quote, reviewer, note = annotation
    prices: list[PriceQuote | None] = [*extract_prices(quote)] or [None]
    return [
        (publisher, article_id, title, annotation_id, quote, *_amounts(price), reviewer, note)
        for price in prices
    ]


def _amounts(price: PriceQuote | None) -> tuple[str, str, str, str]:
    if price is None:
        return "", "", "", ""
    return _number(price.minimum), _number(price.maximum), price.currency, price.per


def _number(amount: Decimal | None) -> str:
    # Fixed-point always: a spreadsheet reads "2.5E+3" as text, not as 2500.
    return "" if amount is None else f"{amount:f}"


def _drained(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
