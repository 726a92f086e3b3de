"""Fingerprints of sentences: what two copies of one page have in common whatever the format.

A sentence's fingerprint is a 64-bit hash of its words, case-folded, with punctuation, list
markers, table pipes, quotes and spacing left out, so that "- No surgery." in a text file and
"No surgery" in an HTML list give the same one. The set of an article's fingerprints is what
an upload is compared against to find a near-duplicate.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Letters and digits, in runs: the words that remain of a sentence once its marks are gone.
_WORD = re.compile(r"[^\W_]+")


def sentence_words(text: str) -> str:
    """The sentence's words, case-folded and compatibility-normalised, one space apart."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))


def sentence_fingerprint(text: str) -> int | None:
    """A signed 64-bit hash of the sentence's words (it fits a BIGINT); None for a sentence
    with no words at all ("...", "✅")."""
    words = sentence_words(text)
    if not words:
        return None
    digest = hashlib.blake2b(words.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def fingerprints(texts: Iterable[str]) -> set[int]:
    """The distinct fingerprints of some sentences."""
    return {hashed for text in texts if (hashed := sentence_fingerprint(text)) is not None}
