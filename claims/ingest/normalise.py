"""Canonical form of block text: NFC, invisible characters and scraping leftovers removed,
whitespace collapsed.

Offsets that reviewers' highlights point at are indices into this form, so it must be stable:
normalising twice gives the same text as normalising once.
"""

import re
import unicodedata

from claims.ingest.types import Block

# Characters with no visible width that scraping leaves behind: zero-width space and
# non-joiner, word joiner, byte-order mark, soft hyphen, and the noncharacters U+FFFE/U+FFFF
# (PDF readers use the first to mark hyphenation). Control characters that are not
# whitespace go too (NUL in particular, which PostgreSQL rejects in text), and lone
# surrogates from bad decoding, which cannot be encoded as UTF-8 at all.
_INVISIBLE = re.compile(
    "[\u200b\u200c\u2060\ufeff\u00ad\ufffe\uffff\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]"
)

# Code points that may sit on either side of a zero-width joiner inside an emoji sequence
# (👩‍⚕️, 🏳️‍🌈): pictographs, the variation selector that makes a symbol an emoji, and skin
# tones. An approximation of Unicode's Extended_Pictographic that needs no extra dependency.
_PICTOGRAPH = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
_STRAY_ZERO_WIDTH_JOINER = re.compile(f"(?<![{_PICTOGRAPH}\ufe0f])\u200d|\u200d(?![{_PICTOGRAPH}])")

# Leftovers of a page scraped to Markdown: an image ("![faq image]()", "![](/img/a.png)") or a
# link with no text ("[](https://...)", an icon). Only these exact shapes go: brackets and
# parentheses that hold anything else are text ("[1](2)", "Prices [from] ($1,500)").
_SCRAPING_LEFTOVER = re.compile(r"(?<![!\\])(?:!\[[^\[\]\n]{0,300}\]|\[\])\([^()\s]{0,2000}\)")
# A placeholder whose alt text held another one is whole again once the inner one is gone;
# real pages do not nest them further than this.
_LEFTOVER_PASSES = 4


def normalise_text(text: str) -> str:
    """Return the canonical form of one block's text; curly quotes are left as written."""
    text = _INVISIBLE.sub("", text)
    # The look-arounds make this pattern slow to scan for, and most text has no joiner.
    if "\u200d" in text:
        text = _STRAY_ZERO_WIDTH_JOINER.sub("", text)
    # NFC after the removals: a soft hyphen between a letter and its accent would
    # otherwise keep them from composing, and a second pass would then change the text.
    text = unicodedata.normalize("NFC", text)
    text = _without_scraping_leftovers(text)
    # Every run of whitespace becomes one plain space: str.split() splits on Python's
    # whitespace (str.isspace, as \s matches it), which covers tabs, newlines and the Unicode
    # spaces, the non-breaking ones (U+00A0, U+2007, U+202F) too. Faster than a regex.
    return " ".join(text.split())


def _without_scraping_leftovers(text: str) -> str:
    if "](" not in text:
        return text
    for _ in range(_LEFTOVER_PASSES):
        # A space in its place, so that the words around it do not run together.
        cleaned = _SCRAPING_LEFTOVER.sub(" ", text)
        if cleaned == text:
            break
        text = cleaned
    return text


def normalise_blocks(blocks: list[Block]) -> list[Block]:
    """Normalise every block's text and drop the blocks left empty."""
    normalised = (Block(block.kind, normalise_text(block.text)) for block in blocks)
    return [block for block in normalised if block.text]
