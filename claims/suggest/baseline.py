"""A naive keyword-list tagger, the point of comparison for the trained suggester."""

import re

from claims.prices import extract_prices

_KEYWORDS = {
    "overstated": re.compile(r"\b(?:cures?|proven|no side effects)\b", re.IGNORECASE),
    "cited-case-report": re.compile(r"\b(?:case|patients?)\b", re.IGNORECASE),
    "unsupported": re.compile(r"\b(?:treats?|heals?|repairs?)\b", re.IGNORECASE),
}


def keyword_tags(text: str) -> frozenset[str]:
    """The tags whose keywords appear in the text; "price-claim" when it quotes an amount."""
    tags = {tag for tag, pattern in _KEYWORDS.items() if pattern.search(text)}
    if extract_prices(text):
        tags.add("price-claim")
    return frozenset(tags)
