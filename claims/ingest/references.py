"""Reference lists: which blocks are bibliography entries, and where one entry ends in a block.

An entry's inner periods ("Example Clinic. (2024). Title. J Abbrev. 2021;9(23):1-9.") cannot
be told from sentence ends by punctuation, so entries are found as blocks instead: a block in
a section headed "References", "Sources", "Bibliography" (or the like) that has the marks of
an entry (a year, a link, a DOI, an author list, a locator), or a block anywhere that has the
shape of one of the common styles (Vancouver, APA with a person or an organisation as author,
MLA, a web page with its link and access date). Such a block becomes a REFERENCE block, which
the segmenter keeps as one sentence per entry.
"""

import re

from claims.ingest.lists import list_item_text
from claims.ingest.types import Block, BlockKind

# "References", "5. Sources:", "Works cited", "Scientific references"...
REFERENCES_TITLE = re.compile(
    r"(?:\d{1,2}\.? )?(?:scientific |selected |key )?"
    r"(?:references?|sources?|bibliography|works cited|literature(?: cited)?|citations"
    r"|further reading|studies cited|research cited)\s?:?",
    re.IGNORECASE,
)

_YEAR = r"(?:19|20)\d\d[a-z]?"
_NAME = r"[A-Z][\w'’-]+"
# Vancouver authors ("Lee KH, Park J," / "Okafor N, et al.") or initials first ("J. Smith and").
VANCOUVER_AUTHORS = re.compile(
    r"(?:\[?\d{1,3}[.\]] )?"
    rf"(?:{_NAME} [A-Z]{{1,3}}(?:,|\.| et al\.)|(?:[A-Z]\. ?)+{_NAME}(?:,| and ))"
)
# A journal locator: "2021;9(23):6798", "2021 Aug 16;9(23)", "12 (2020) 44-51".
LOCATOR = rf"(?:{_YEAR}[^;]{{0,12}};\s?\d+(?:\(\d+\))?(?::\s?[A-Za-z]?\d+)?|\d+ \({_YEAR}\) \d+)"
_LINK = r"(?:(?i:\bhttps?://|\bwww\.|\bdoi(?::|\.org/)\s?10\.)\S+|\b10\.\d{4,9}/\S+)"
_VANCOUVER_DETAILS = re.compile(rf"{LOCATOR}|{_LINK}")
_ENDS_WITH_LOCATOR = re.compile(rf"{LOCATOR}(?:[-–]\d+)?\.?$")
_LOCATOR_TAIL = 60
# APA and Harvard: "Lee, K. H., & Park, J. (2021). Title." / "Lee, K. (2021) Title".
_APA_PERSON = re.compile(
    rf"{_NAME}, (?:[A-Z]\.[ -]?)+.{{0,300}}?\((?:{_YEAR}|n\.d\.)(?:, [^)]{{1,25}})?\)\.? \S"
)
# An organisation or a person in full as author: "Example Clinic. (2024). Title."
_APA_ORGANISATION = re.compile(
    rf"[A-Z][^.()]{{0,120}}\. \((?:{_YEAR}|n\.d\.)(?:, [^)]{{1,25}})?\)\. \S"
)
# MLA: "Lee, Kyung-Hee, et al. “Title.” Journal, vol. 9, no. 23, 2021, pp. 6798-6803."
_MLA = re.compile(
    rf"{_NAME}, {_NAME}[^“\"]{{0,80}}\. [“\"][^”\"]{{1,300}}[”\"] .{{0,200}}"
    rf"(?:\bvol\. \d|\bpp?\. \d|\b{_YEAR}\b)"
)
# A web page: its link and when it was read (the words first: they are rare, links are not).
_WEB_PAGE_WORD = re.compile(r"\b(?:[Aa]ccessed|[Rr]etrieved|[Vv]iewed|[Aa]vailable)\b")
_LINK_ANYWHERE = re.compile(_LINK)
_STYLED_ENTRY = re.compile("|".join(p.pattern for p in (_APA_PERSON, _APA_ORGANISATION, _MLA)))
# What an entry under a references heading has at least one of.
_ENTRY_MARK = re.compile(
    rf"{_LINK}|{LOCATOR}|\({_YEAR}|\(n\.d\.\)|[.,;:] {_YEAR}\b|\bet al\.", re.IGNORECASE
)
MAX_ENTRY_LENGTH = 1_500

# Inside a block of several entries, where the next one starts: "[2] ", "2. " after the end
# of an entry (a link, a page range, a year, a closing bracket), or an author list after a link.
_NEXT_NUMBERED = re.compile(r"(?<=[.)\]\w/]) (?=\[\d{1,3}\] |\d{1,3}\. [A-Z])")
_LINK_THEN_AUTHORS = re.compile(rf"{_LINK}( )(?={VANCOUVER_AUTHORS.pattern})")


def is_references_title(text: str) -> bool:
    return REFERENCES_TITLE.fullmatch(text) is not None


def looks_like_reference_entry(text: str) -> bool:
    """True for a block shaped like a bibliography entry in one of the common styles.

    It runs on every block of every upload, so the cheap tests come first."""
    if len(text) > MAX_ENTRY_LENGTH:
        return False
    entry = text if text[:1].isalpha() else (list_item_text(text) or text)
    if VANCOUVER_AUTHORS.match(entry):
        return _VANCOUVER_DETAILS.search(entry) is not None
    if _STYLED_ENTRY.match(entry):
        return True
    if _has_access_word(entry) and _LINK_ANYWHERE.search(entry):
        return True
    # Only the end can hold the locator an entry ends with; prose is long, locators are not.
    return _ENDS_WITH_LOCATOR.search(entry, max(0, len(entry) - _LOCATOR_TAIL)) is not None


def _has_access_word(text: str) -> bool:
    # Substring tests first: these words are rare in prose.
    maybe = "ccessed" in text or "etrieved" in text or "iewed" in text or "vailable" in text
    return maybe and _WEB_PAGE_WORD.search(text) is not None


def has_entry_marks(text: str) -> bool:
    """True for a block that can be an entry of a list already known to be references."""
    return len(text) <= MAX_ENTRY_LENGTH and _ENTRY_MARK.search(text) is not None


def blocks_with_references(blocks: list[Block]) -> list[Block]:
    """Mark reference entries as REFERENCE blocks, and a references title as a heading.

    Under a references heading (up to the next heading) any paragraph or list item with the
    marks of an entry is one; anywhere else only blocks with the shape of a whole entry are.
    Closing bylines, contact lines and disclaimers under the heading keep their kind.
    """
    marked: list[Block] = []
    in_references = False
    for block in blocks:
        if block.kind == BlockKind.HEADING or _is_title_paragraph(block):
            in_references = is_references_title(block.text)
            marked.append(Block(BlockKind.HEADING, block.text))
        elif block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and (
            (in_references and has_entry_marks(block.text))
            or looks_like_reference_entry(block.text)
        ):
            marked.append(Block(BlockKind.REFERENCE, block.text))
        else:
            marked.append(block)
    return marked


def _is_title_paragraph(block: Block) -> bool:
    return block.kind == BlockKind.PARAGRAPH and is_references_title(block.text)


def entry_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each entry in a REFERENCE block: usually one, the whole block."""
    cuts = sorted(
        {match.end() for match in _NEXT_NUMBERED.finditer(text)}
        | {match.end(1) for match in _LINK_THEN_AUTHORS.finditer(text)}
    )
    starts = [0, *cuts]
    ends = [cut - 1 for cut in cuts] + [len(text)]
    return [(start, end) for start, end in zip(starts, ends, strict=True) if end > start]
