"""The text a sentence is compared by when looking for the same claim in other articles.

Two clinics' pages making one claim differ in what the claim does not rest on: the clinic's
name, the price quoted, the number of injections, case and punctuation. `claim_text` keeps the
words (as claims.ingest.fingerprints does) but its stop words, writes every number as 0 and
every clinic-like name as one placeholder word, so that "At RegenWell Institute a course costs
$4,500." and "At Nova Cell Clinic a course costs €7,000." become the same text.
"""

import re
import unicodedata

from claims.ingest.fingerprints import sentence_words

# A number in any of the forms prices and counts take: 17, 1,500, 10.000, 4.5, 3/4.
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
# A word: letters and digits in runs, with an inner apostrophe ("Parkinson's").
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Words that make the name before them a clinic's, a vendor's or a site's.
_NAME_HEADS = frozenset(
    {
        *("clinic", "clinics", "institute", "center", "centre", "centers", "centres"),
        *("health", "medical", "hospital", "hospitals", "cells", "therapeutics", "biotech"),
        *("labs", "laboratories", "group", "wellness", "regenerative"),
    }
)
NAME = "xname"
# Words that carry no claim, left out so that what two sentences share is what they say (and
# so that the trigram index has fewer very common entries to read). Negations stay: "no side
# effects" and "side effects" are two claims.
STOP_WORDS = frozenset(
    """a an the and or but if of at by for with about between into through during before after
    above below to from up down in out on off over under again then once here there when where
    why how all any both each few more most other some such own same so than too very s t can
    will just should now i me my myself we our ours ourselves you your yours yourself he him his
    himself she her hers herself it its itself they them their theirs themselves what which who
    whom this that these those am is are was were be been being have has had having do does did
    doing would could also us""".split()  # noqa: SIM905  # a list of 120 words reads worse
)


def _is_titled(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _is_name_like(run: list[str]) -> bool:
    """A run of capitalised words is a name when it holds a clinic-like word or a word with a
    capital inside it ("RegenWell"), or is two words or more;
    a lone capitalised word is kept, as it is often what the claim is about ("Parkinson's")."""
    if any(w.casefold() in _NAME_HEADS or any(c.isupper() for c in w[1:]) for w in run):
        return True
    return len(run) > 1


def _names_replaced(text: str) -> str:
    matches = list(_WORD.finditer(text))
    out, cursor, index = [], 0, 0
    while index < len(matches):
        match = matches[index]
        # The sentence's first word is capitalised anyway: a name only when it looks like one.
        if not _is_titled(match.group()) or (index == 0 and not _is_name_like([match.group()])):
            index += 1
            continue
        end = index
        while end + 1 < len(matches) and _is_titled(matches[end + 1].group()):
            if text[matches[end].end() : matches[end + 1].start()].strip():
                break  # a comma or a full stop ends the name
            end += 1
        run = [m.group() for m in matches[index : end + 1]]
        if _is_name_like(run):
            out.append(text[cursor : match.start()])
            out.append(NAME)
            cursor = matches[end].end()
        index = end + 1
    out.append(text[cursor:])
    return "".join(out)


def claim_text(text: str) -> str:
    """The sentence's words as compared: case-folded, numbers as 0, clinic-like names as one
    placeholder, no stop words; "" for a sentence with no words."""
    folded = unicodedata.normalize("NFKC", text)
    words = sentence_words(_NUMBER.sub("0", _names_replaced(folded))).split()
    return " ".join(word for word in words if word not in STOP_WORDS)


def claim_key(claim: str) -> str:
    """What the trigrams are taken of: the claim text's words run together. Each word alone
    would add trigrams of its first letters ("  s", " st"), which nearly every sentence has:
    the index would read most of the table for every look-up."""
    return claim.replace(" ", "")
