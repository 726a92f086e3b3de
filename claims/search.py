"""Corpus search queries: what an editor types, as a PostgreSQL tsquery.

`stem cells` finds both words, `"no side effects"` the phrase, `inject*` every word starting
so, `-surgery` leaves a word out and `or` between two terms takes either. Only letters and
digits reach the tsquery, so no input can break its syntax.
"""

import re

QUERY_MAX_CHARS = 200

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"[^\W_]+")


def query_words(text: str) -> list[str]:
    """The searchable words of a query, for the substring fallback (no quotes, no marks)."""
    return [word for word in _WORD.findall(text.casefold()) if word != "or"]


def tsquery_of(text: str) -> str:
    """The query as to_tsquery() text; "" when it holds no word to search for."""
    terms: list[str] = []
    joiner = " & "
    for token in _TOKEN.findall(text):
        if token.casefold() == "or":
            joiner = " | " if terms else joiner
            continue
        term = _term(token)
        if term:
            terms.append(f"{joiner if terms else ''}{term}")
            joiner = " & "
    return "".join(terms)


def _term(token: str) -> str:
    negated = token.startswith("-") and len(token) > 1
    body = token[1:] if negated else token
    phrase = body.startswith('"')
    prefix = not phrase and body.endswith("*")
    words = _WORD.findall(body.casefold())
    if not words:
        return ""
    if prefix:
        words[-1] += ":*"
    term = " <-> ".join(words)
    if len(words) > 1:
        term = f"({term})"
    return f"!{term}" if negated else term
