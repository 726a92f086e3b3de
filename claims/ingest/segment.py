"""Split normalised blocks into sentences with code-point offsets into the article text.

Measured with bench/segmenters.py on a 2-core machine: exact splits of the 96 cases in
tests/test_ingest_segment.py, of 25 held-out cases written after the rules were settled, of
the 41 reference entries of tests/test_ingest_references.py (each one sentence; the chosen
segmenter reads them after the pipeline's reference-list step, as uploads are read), and
speed on ~1 MB (about 30,000 sentences) of the table's cases repeated:

    segmenter                     table   held out   refs   sentences/s
    pysbd 0.3.4                   83/96     20/25    3/41        ~5,300
    blingfire 0.1.8 alone         79/96     19/25    5/41       ~96,000
    our rules, no blingfire       93/96     23/25   34/41      ~130,000
    rules + blingfire (chosen)    96/96     24/25   41/41      ~128,000

`segment_blocks` on that megabyte takes ~0.45 s, normalising included. (Speeds were taken on
a machine busy with other work: on an idle one, earlier, they were about twice these.)

pysbd would need ~4 s for such an article and splits inside URLs and after "approx.";
blingfire alone is fast but both over-splits ("Dr." | "Lee") and misses plain boundaries
("Yes. Wait...", "it too. Dr. Lee", "safe. ✅ Natural", "2009. 1,200 patients"), in ways that
depend on the surrounding words. So this module decides most gaps by named rules and asks
blingfire only about the gaps those rules cannot judge:

1. A candidate is a space after terminal punctuation (`.`, `?`, `!`, `…`, optionally followed
   by closing quotes, brackets or a footnote asterisk). A period with no space after it
   (DOIs, URLs, e-mail addresses, decimals, "U.S.", glued scraping damage) is never one.
2. Protected patterns veto a candidate: the next word starts in lower case, with a dash
   (an attribution) or with a citation locator ("2021 Aug 16;9(23)"); the previous word is a
   title or Latin abbreviation ("Dr.", "et al.", "e.g.", "vs.", "Fig."), "No." before a
   number, or the list number that opens a block ("3. How long ...").
3. Clear endings split: "?", "!", "…", "...", or a period after a digit, a symbol or an
   ordinary word ("works.", "Yes.").
4. Ambiguous endings (a single capital "D.", an all-caps word "MD.", a dotted abbreviation
   "Ph.D." not on the list) go to blingfire, called once for the block only when needed:
   it splits "Take vitamin D. It helps." but keeps "Maria T. Alvarez".

A reference entry is one sentence whole, since its journal abbreviations ("World J Clin
Cases.") cannot be told apart from sentence ends by punctuation alone: a REFERENCE block
(claims/ingest/references.py) is cut only where one entry ends and the next begins, and any
other block shaped like an entry is kept whole.
"""

import re
from functools import cached_property

import blingfire

from claims.ingest.normalise import normalise_blocks
from claims.ingest.references import entry_bounds, looks_like_reference_entry
from claims.ingest.types import Block, BlockKind, SentenceSpan

BLOCK_SEPARATOR = "\n\n"

# Sentence-final punctuation, then closers that belong to the ending sentence, then the gap.
_TERMINAL_GAP = re.compile(r"[.?!…][\"'”’»)\]*]* (?=\S)")
_CLOSERS = "\"'”’»)]*"
_OPENERS = "\"'“‘«([¿¡"

# Never sentence ends, whatever follows: titles before a name, Latin and citation shorthand.
_ABBREVIATIONS = frozenset(
    {"dr.", "drs.", "prof.", "mr.", "mrs.", "ms.", "st.", "vs.", "approx."}
    | {"e.g.", "i.e.", "al.", "cf.", "ca.", "fig.", "figs.", "vol."}
)
# Sentence ends only when no number follows ("Does it hurt? No. Most ..." vs "No. 5").
_NUMBER_ABBREVIATIONS = frozenset({"no.", "nos.", "p.", "pp."})

_LIST_NUMBER = re.compile(r"\d{1,3}\.")
_CITATION_LOCATOR_AHEAD = re.compile(r"(?:19|20)\d\d(?: [A-Z][a-z]{2})?(?: \d{1,2})?;\s?\d")
_TRAILING_LETTERS = re.compile(r"([^\W\d_]+)\.$")


def segment_blocks(blocks: list[Block]) -> tuple[str, list[SentenceSpan]]:
    """Return the article text (blocks joined by a blank line) and its sentences in order."""
    # Normalising is idempotent, so doing it here too makes the offsets right for any caller.
    blocks = normalise_blocks(blocks)
    spans: list[SentenceSpan] = []
    offset = 0
    for block in blocks:
        bounds = (
            entry_bounds(block.text)
            if block.kind == BlockKind.REFERENCE
            else sentence_bounds(block.text)
        )
        for start, end in bounds:
            spans.append(
                SentenceSpan(
                    index=len(spans),
                    start=offset + start,
                    end=offset + end,
                    text=block.text[start:end],
                    kind=block.kind,
                )
            )
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(block.text for block in blocks), spans


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of the sentences of one normalised block."""
    if not text:
        return []
    if looks_like_reference_entry(text):
        return [(0, len(text))]
    block = _BlockGaps(text)
    cuts = [cut for cut in candidate_cuts(text) if block.is_boundary(cut)]
    return spans_between_cuts(text, cuts)


def candidate_cuts(text: str) -> list[int]:
    """Offsets where a sentence could start: just after a space that follows an ending."""
    return [match.end() for match in _TERMINAL_GAP.finditer(text)]


def spans_between_cuts(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    """Split at the cuts, trimming the spaces around each piece; nothing else is dropped."""
    spans = []
    for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
    return spans


class _BlockGaps:
    """Judges the candidate cuts of one block; blingfire is run at most once, on demand."""

    def __init__(self, text: str) -> None:
        self.text = text

    def is_boundary(self, cut: int) -> bool:
        previous_word = self._word_before(cut)
        next_word = self._word_at(cut)
        if _is_protected(self.text, cut, previous_word, next_word):
            return False
        if _ending_is_certain(previous_word):
            return True
        return cut in self._blingfire_starts

    def _word_before(self, cut: int) -> str:
        end = cut - 1  # the single space of the gap
        return self.text[self.text.rfind(" ", 0, end) + 1 : end]

    def _word_at(self, cut: int) -> str:
        end = self.text.find(" ", cut)
        return self.text[cut : end if end != -1 else len(self.text)]

    @cached_property
    def _blingfire_starts(self) -> frozenset[int]:
        # The wrapper maps blingfire's UTF-8 byte offsets back to code points (checked on
        # emoji and accented text in tests/test_ingest_segment.py).
        _, offsets = blingfire.text_to_sentences_and_offsets(self.text)
        return frozenset(start for start, _ in offsets)


def _is_protected(text: str, cut: int, previous_word: str, next_word: str) -> bool:
    """A candidate cut that one of the protected patterns rules out."""
    first = next_word.lstrip(_OPENERS)[:1]
    if first.islower() or next_word.startswith(("—", "–")):
        return True
    if _CITATION_LOCATOR_AHEAD.match(text, cut):
        return True
    word = previous_word.lstrip(_OPENERS).lower()
    if word in _ABBREVIATIONS:
        return True
    if word in _NUMBER_ABBREVIATIONS and first.isdigit():
        return True
    opens_block = cut == len(previous_word) + 1
    return opens_block and _LIST_NUMBER.fullmatch(previous_word) is not None


def _ending_is_certain(previous_word: str) -> bool:
    """True for an ending the rules are sure of; False leaves the gap to blingfire."""
    core = previous_word.rstrip(_CLOSERS)
    if core.endswith(("?", "!", "…", "...")):
        return True
    letters = _TRAILING_LETTERS.search(core)
    if letters is None:
        return True  # "2009.", "$300,000.", "💪.", "€31,000*."
    word = letters.group(1)
    dotted = letters.start() > 0 and core[letters.start() - 1] == "."
    # "D.", "MD.", "Ph.D.": an initial, an acronym or an abbreviation not on our lists.
    return not (dotted or len(word) == 1 or word.isupper())
