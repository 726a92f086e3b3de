"""What the suggester sees of a sentence: its context, rule markers from the tag definitions,
word n-grams and character n-grams, as names of binary features."""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from claims.prices import PriceQuote, extract_prices

# Bump when any feature below changes meaning: a model trained on other features is refused.
FEATURES_VERSION = "1"


@dataclass(frozen=True)
class SentenceIn:
    """A sentence as the caller has it: its text, its block's kind and its block's number."""

    text: str
    kind: str
    block: int


@dataclass(frozen=True)
class SentenceContext:
    """A sentence with what a reviewer reads around it."""

    text: str
    kind: str
    previous_text: str = ""  # the sentence before, in the same block
    next_text: str = ""  # the sentence after, in the same block
    in_references: bool = False  # in a reference list, by section heading or by its own shape
    heading: str = ""  # the nearest heading above it
    block_others: tuple[str, ...] = ()  # the other sentences of its block (up to 6 each side)
    previous_block: str = ""  # the last sentence of the block before, if not a heading


_REFERENCE_HEADING = re.compile(
    r"(?i)^[\W\d_]*(?:(?:[a-z]+ ){0,2})"
    r"(?:references?|sources?|bibliography|citations?|works cited|further reading|literature"
    r"|studies cited|footnotes|notes)"
    r"(?: (?:and|&) [a-z ]{1,30})?[\W_]*$"
)


def contexts_for(sentences: Sequence[SentenceIn]) -> list[SentenceContext]:
    """One context per sentence, in order, for the sentences of one document."""
    blocks = _blocks(sentences)
    contexts: list[SentenceContext] = []
    heading, in_section, previous_block = "", False, ""
    for block in blocks:
        first = block[0]
        if first.kind == "heading":
            heading, in_section = first.text, bool(_REFERENCE_HEADING.match(first.text.strip()))
        texts = [sentence.text for sentence in block]
        for position, sentence in enumerate(block):
            contexts.append(
                SentenceContext(
                    text=sentence.text,
                    kind=sentence.kind,
                    previous_text=texts[position - 1] if position else "",
                    next_text=texts[position + 1] if position + 1 < len(texts) else "",
                    in_references=sentence.kind != "heading"
                    and (
                        in_section
                        or sentence.kind == "reference"
                        or looks_like_reference(sentence.text)
                    ),
                    heading="" if sentence.kind == "heading" else heading,
                    block_others=_around(texts, position),
                    previous_block=previous_block,
                )
            )
        previous_block = "" if first.kind == "heading" else texts[-1]
    return contexts


# How far either side "the sentence's paragraph" reaches: a whole block in short paragraphs,
# a window in text pasted as one block, which would otherwise cost the square of its length.
_BLOCK_WINDOW = 6


def _around(texts: list[str], position: int) -> tuple[str, ...]:
    start = max(0, position - _BLOCK_WINDOW)
    return (*texts[start:position], *texts[position + 1 : position + 1 + _BLOCK_WINDOW])


def _blocks(sentences: Sequence[SentenceIn]) -> list[list[SentenceIn]]:
    """Runs of consecutive sentences with the same block number."""
    blocks: list[list[SentenceIn]] = []
    for sentence in sentences:
        if blocks and blocks[-1][0].block == sentence.block:
            blocks[-1].append(sentence)
        else:
            blocks.append([sentence])
    return blocks


# ---- Rule markers -----------------------------------------------------------------------------

# One-for-one replacements, so that offsets in the folded text are offsets in the original.
_FOLD = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " "}
    | {"–": "-", "—": "-", "‑": "-", "‐": "-"}
)


def _rx(pattern: str) -> re.Pattern[str]:
    """A marker pattern, written in lower case for lower-cased text (much faster in `re` than
    IGNORECASE)."""
    return re.compile(pattern)


_N = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few)"
_TREATMENT = (
    r"(?:stem[- ]cells?|cells?|(?:cell |stem cell )?therap(?:y|ies)|treatments?|infusions?"
    r"|injections?|exosomes?|prp|protocol|procedure|drips?|supplements?|formula|capsules?"
    r"|device|peptides?|ozone|nad\+?|serum|programme|program|our (?:\w+ ){0,2}method)"
)

# Each marker: a name and the pattern whose first match is quoted as evidence in a reason,
# matched on the text folded to lower case.
MARKERS: dict[str, re.Pattern[str]] = {
    # Absolute or superlative wording about outcome, safety or standing.
    "absolute": _rx(
        r"\b(?:cur(?:e[sd]?|ing|ative)|complete(?:ly)? (?:\w+ )?(?:recover\w*|remission|heal\w*"
        r"|restor\w*|reversal|relief|cure|regenerat\w*|resolution)|completely|fully|totally"
        r"|entirely|permanent(?:ly)?|for good|forever|guarantee[ds]?|(?:clinically |scientifically"
        r" )?proven|100 ?%|no (?:more )?(?:side[- ]?effects?|risks?|downtime|complications|pain"
        r"|rejection|adverse)|zero (?:risk|side[- ]effects?)|without (?:any )?(?:side[- ]?effects?"
        r"|risks?)|risk[- ]free|side[- ]effect[- ]free|always|never fails?|every (?:patient"
        r"|single|case|time)|all (?:of )?(?:our )?patients|root cause|miracle\w*|revolution\w*"
        r"|breakthrough|eliminat\w+|eradicat\w+|revers(?:e[sd]?|ing|al)|regrow\w*|instant(?:ly)?"
        r"|dramatic(?:ally)?|remarkabl[ey]|life[- ]changing|game[- ]changer|symptom[- ]free"
        r"|pain[- ]free|disease[- ]free|cancer[- ]free|like new|as good as new|back to normal"
        r"|perfectly safe|completely safe|totally safe|100 ?% (?:safe|natural)|no longer"
        r"|zero chance|no (?:meaningful|real|known) (?:risks?|side[- ]effects?)|never (?:occurred"
        r"|happened)|absolutely|nothing beats|for life|virtually (?:every|all|any)|whatever the"
        r"|(?:gave|give|gives|got|get) (?:me |him |her |them |you )?(?:my|his|her|their|your)"
        r" (?:\w+ )?back|the only (?:\w+ )?way|(?:fastest|best|quickest|safest|cleanest) way"
        r"|ever (?:formulated|made|created|developed|seen)|in every (?:cup|dose|case|bottle))\b"
    ),
    "superlative": _rx(
        r"\b(?:world'?s (?:only|first|best|leading|most \w+|largest)|the only (?:clinic|centre"
        r"|center|treatment|therapy|provider|place)|best|safest|greatest|highest|fastest"
        r"|strongest|most (?:effective|advanced|powerful|successful|trusted|experienced|natural"
        r"|innovative|potent)|leading|unmatched|unparalleled|unrivall?ed|unique|cutting[- ]edge"
        r"|state[- ]of[- ]the[- ]art|pioneering|premier|number one)\b"
    ),
    # A result held up as proof: "Lorraine's result shows", "numbers like these prove".
    "proof_claim": _rx(
        r"\b(?:prove[sdn]?|proof|proving|confirm(?:s|ed)?|demonstrates?|(?:results?|numbers"
        r"|cases?|stor(?:y|ies)|figures|outcomes?|this|these) (?:\w+ ){0,3}(?:shows?|means))\b"
    ),
    "universal": _rx(
        r"\b(?:everyone|everybody|anyone|anybody|every (?:\w+ )?(?:patient|user|client|man|woman"
        r"|person|age|athlete|cell|tissue|toxin|free radical|organ|body)|all (?:ages|users|types"
        r"|kinds)|whatever (?:their|your) age|almost anyone|most (?:of our )?patients"
        r"|(?:vast|great) majority|nearly all|no matter (?:what|how|your))\b"
    ),
    "comparative": _rx(
        r"\b(?:(?:safer|faster|better|stronger|cheaper|healthier|gentler|longer|more \w+) than"
        r"|(?:twice|(?:\d+|two|three|four|five|ten|many|several) times) (?:as|more|faster|better"
        r"|stronger)"
        r"|doubles?|triples?|than any other|no other|nothing (?:else )?(?:beats|compares|comes"
        r" close|can match|on the market)|comes? close|can(?:'t|not) match|same as|exactly the"
        r" same|no (?:faster|better|safer) way)\b"
    ),
    "standing": _rx(
        r"\b(?:(?:the )?first (?:\w+ ){0,5}(?:in|to) (?:the )?(?:world|country|region|asia|europe"
        r"|america|latin america|caribbean|central america|eastern europe|southeast asia|mexico)"
        r"|(?:the )?first (?:clinic|centre|center|lab|laboratory|program|programme|doctor"
        r"|physician|team|company)|one of the (?:largest|biggest|best|leading|most|few)"
        r"|foremost|widely regarded|renowned|world[- ]class|award[- ]winning|more \w+ than any)\b"
    ),
    "outcome_boast": _rx(
        r"\b(?:\d+ ?% (?:improvement|better|increase|reduction|less|more|faster|success"
        r"|satisfaction|of (?:patients|users|clients|the nutrients))|satisfaction rate|years"
        r" younger|life back|feel (?:\d+|young|like new) again|perfect(?:ly)?|flawless|total"
        r"|entire(?:ly)?|ultimate|nothing can|never (?:need|have to|get)|end the need|throw away"
        r"|lasting|turn back)\b"
    ),
    "hedge": _rx(
        r"\b(?:may|might|could|can help|potential(?:ly)?|possibl[ey]|promising|is thought"
        r"|believed|appears? to|suggests?|in some cases|some patients|aims? to|designed to"
        r"|helps?(?: to)?|supports?)\b"
    ),
    "efficacy": _rx(
        r"\b(?:repair|regenerat|rebuild|restor|heal|revers|treat(?!ment)|cure|improv|reduc|boost"
        r"|stimulat|target|replac|regrow|renew|rejuvenat|reprogram|modulat|reliev|eliminat"
        r"|strengthen|detox|balanc|enhanc|accelerat|slow|halt|prevent|protect|fight|differentiat"
        r"|releas|activat|recharg|optimi[sz]|alleviat|resolv|promot|increas|lower|clear|flush"
        r"|revitali[sz]|recover|reset|unlock|calm|soothe|nourish|purif|energi[sz])"
        r"\w*(?: \w+)?"
    ),
    "mechanism": _rx(
        r"\b(?:tissue|cartilage|inflammat\w*|immun\w*|neuron\w*|nerves?|mitochondri\w*"
        r"|growth factors?|cytokines?|receptors?|dna|telomeres?|collagen|damaged|cellular"
        r"|anti-inflammatory|anti-aging|toxins?|metabolism|circulation|blood flow|oxygen"
        r"|free radicals|hormon\w*|gut|brain|joints?|organs?)\b"
    ),
    "safety": _rx(
        r"\b(?:safe(?:ly|st|r)?|safety|side[- ]?effects?|risks?|complications|gentle|natural"
        r"|non-?invasive|painless|well[- ]tolerated|harmless|no downtime|adverse)\b"
    ),
    "treatment": _rx(rf"\b{_TREATMENT}\b"),
    "promoter": _rx(r"\b(?:our|we|we're|we've|us)\b"),
    "second_person": _rx(r"\b(?:you|your|you'll|you're|yours)\b"),
    "risk_disclosure": _rx(
        r"\b(?:side effects (?:can |may |might )?include|common side effects|(?:may|might) (?:feel"
        r"|experience|occur|notice)|temporary (?:bruising|soreness|swelling|redness)|boxed warning"
        r"|not (?:fda[- ])?approved|not reviewed by|must never|should not|cannot be treated"
        r"|do not (?:take|use)|ask your (?:doctor|pharmacist)|is not (?:a drug|typical)"
        r"|may not be typical|others do not)\b"
    ),
    # Evidence: formal citations, studies and trials; a generic appeal is not evidence.
    "citation": _rx(r"\b(?:et al|journal|published in|nct\d{6,}|pmid|doi|clinicaltrials|pubmed)\b"),
    # "[3]", "(Lee 2019)", "(2021)": a citation mark, with no opening word to look for.
    "citation_mark": _rx(
        r"\[\d{1,3}(?:[,-]\d{1,3})*\]|\((?:[a-z][\w'-]+(?: et al\.?)?,? )?(?:19|20)\d\d[a-z]?\)"
    ),
    "study": _rx(
        r"\b(?:stud(?:y|ies)|trials?|randomi[sz]ed|placebo|controlled|double[- ]blind"
        r"|peer[- ]reviewed|meta-analys[ie]s|systematic review|cohort|researchers?|research"
        r"|evidence|data|findings|participants|published|investigators)\b"
    ),
    "generic_appeal": _rx(
        r"\b(?:(?:studies|research|science|evidence|data|experts|doctors|scientists) (?:\w+ )?"
        r"(?:show|shows|showed|shown|prove[sn]?|suggests?|confirms?|agree|say|says|recommend"
        r"|has shown|have shown|demonstrates?)|it is (?:well )?known|countless studies"
        r"|numerous studies|many studies|scientific(?:ally)? (?:backed|based))\b"
    ),
    "approval": _rx(r"\b(?:fda|ema|mhra|approved|cleared|licensed|registered|certified)\b"),
    # A single case, a case series, a testimonial or an anecdote.
    "age": _rx(
        r"\b(?:\d{1,3}|(?:twen|thir|for|fif|six|seven|eigh|nine)ty(?:-\w+)?|(?:thir|four|fif|six"
        r"|seven|eigh|nine)teen|ten|eleven|twelve)[- ]years?[- ]old\b|\baged \d{1,3}\b"
    ),
    "a_patient": _rx(
        r"\b(?:a|one|our|this|that|the first|another) (?:\w+ )?(?:patient|client|woman|man|lady"
        r"|gentleman|mother|father|mom|mum|dad|boy|girl|child|son|daughter|athlete|runner"
        r"|veteran|grandmother|grandfather|retiree|teacher|golfer|dancer|nurse|farmer)\b"
    ),
    "case_study": _rx(
        r"\b(?:(?:in )?one case(?: stud(?:y|ies)| reports?| series)?"
        r"|case (?:study|studies|report|reports|series|history)"
        r"|testimonials?|success stor(?:y|ies)|patient stor(?:y|ies)|her story|his story"
        r"|real (?:results|stories|people))\b"
    ),
    "small_n": _rx(
        rf"\b(?:{_N} (?:of|out of) (?:the |our |her |his )?{_N}|n ?= ?\d{{1,2}}"
        rf"|{_N} (?:\w+ )?(?:patients|participants|subjects|people|children|volunteers|cases"
        rf"|clients|adults|men|women)|(?:nearly|almost|over|about) (?:half|two[- ]thirds|all)"
        rf" of (?:the|our|them))\b"
    ),
    "survey": _rx(
        r"\b(?:survey(?:ed|s)?|poll(?:ed)?|repl(?:y|ies)|members who|(?:among|of) our (?:first )?"
        r"\d+|\d+ (?:of them|said|say|reported|told us)|\d+ ?% (?:said|say|reported|told))\b"
    ),
    "treated_n": _rx(rf"\btreated {_N} (?:\w+ )?(?:patients|people|children|cases)\b"),
    "after_sessions": _rx(
        rf"\bafter (?:just |only )?{_N} (?:\w+ )?(?:sessions?|infusions?|injections?"
        r"|treatments?|weeks?|months?|days?|visits?)\b"
    ),
    "story_pronoun": _rx(r"\b(?:she|he|her|his|him)\b"),
    "story_past": _rx(
        r"\b(?:was|were|had|could|walked|returned|reported|said|told|felt|noticed|came|began"
        r"|started|tried|arrived|suffered|improved|regained|went|decided|flew|left|received"
        r"|saw|found|became)\b"
    ),
    "quoted_speech": _rx(r"^\s*[\"']|[\"'],? (?:she|he) (?:said|says|told)"),
    # Prices, with or without an amount.
    "price_word": _rx(
        r"\b(?:costs?|costly|costing|prices?|priced|pricing|fees?|cheap(?:er|est)?|affordab\w+"
        r"|afford|(?:in)?expensive|pay(?:s|ing|ment|ments|able)?|paid|financ(?:e|ed|ing)"
        r"|insurance|insur(?:er|ers|ed)|per (?:month|session|injection|treatment|vial|week|year"
        r"|knee|joint|infusion)|monthly|instal?lments?|fraction of|discount\w*|quotes?|quoted"
        r"|invoice\w*|deposit|refund\w*|budget|savings?|out[- ]of[- ]pocket|bill(?:ed|ing)?"
        r"|charges?|charged|indicative|vat|tax(?:es)?|all[- ]inclusive|inclusive|value for money"
        r"|money|dollars?|euros?|usd|eur|spend|spent|loans?|credit|interest[- ]free|apr"
        r"|reimburs\w*|covered|coverage|pricier|premium|packages?|rates?|tariff)\b"
    ),
    "price_compare": _rx(
        r"\b(?:(?:cheaper|less|lower|more affordable|costlier|pricier) than|compared (?:to|with)"
        r"|abroad|at home|back home|in the (?:us|uk|states)|\d{1,2} ?% (?:less|cheaper|lower|off"
        r"|savings?))\b"
    ),
    "free_offer": _rx(
        r"\bfree (?:\w+ ){0,2}?(?:consultation|assessment|evaluation|call|review|guide|e-?book"
        r"|webinar|sample|shipping|delivery|parking|wi-?fi)"
    ),
    "promotion": _rx(
        r"\b(?:\d+ ?% off|save[sd]?|sale|offers? valid|buy (?:one|two|three|\d)"
        r"|get (?:a |one |the )?(?:\w+ )?free|free of charge|money back|refund\w*|points"
        r"|cash ?back|coupon|promo\w*"
        r"|deals?|penny|pennies|spent|invoice|insurer|price includes|included in the (?:\w+ )?price"
        r"|a (?:third|half|quarter|fraction) of (?:the )?(?:\w+ )?(?:price|cost)s?"
        r"|(?:\d+|two|three|four|five|ten|many|several) times (?:more|less|cheaper)"
        r"|subscribe and save|per cent off|clearance|bundle)\b"
    ),
    "sessions_count": _rx(r"\b\d+ (?:\w+ )?(?:sessions?|injections?|infusions?|treatments?)\b"),
    "percent": _rx(r"\b(?:\d+(?:\.\d+)? ?%|percent\b)"),
    "success_rate": _rx(r"\b(?:success|response|improvement|cure|recovery) rates?\b"),
    # What reviewers never tag: calls to action, advice, caveats, logistics, background.
    "call_to_action": _rx(
        r"^[\W\d_]*(?:book|call|contact|schedule|request|apply|sign up|register|click|learn more"
        r"|get (?:started|in touch)|find out|discover|join|order|buy|shop|claim|reserve|fill"
        r"|start|email|message|chat|whatsapp|download|visit|talk|ask|speak|subscribe|see|read)\b"
    ),
    "cta_phrase": _rx(
        r"\b(?:book (?:a|your|now|today)|call (?:us|now|today)|contact us|get in touch"
        r"|limited (?:spots|places|time))\b"
    ),
    "advice": _rx(
        r"\b(?:you should|we recommend|consult (?:your|a)|talk to your|ask your|speak (?:to|with)"
        r" your|always check|make sure you|be sure to)\b"
    ),
    "caveat": _rx(
        r"\b(?:not (?:a )?(?:guaranteed|guarantee|cure|substitute|replacement|miracle)"
        r"|results (?:may |can |will )?vary|individual results|not (?:been )?(?:fda|evaluated"
        r"|approved)|no guarantee|cannot (?:promise|guarantee)|is not intended|disclaimer"
        r"|experimental|not for everyone|not suitable|we do not claim|does not cure"
        r"|no (?:known )?cure|(?:is not|isn't|not) a cure|cannot cure|won't cure|not every"
        r"|no (?:outcome|result)s? can be guaranteed|not going to pretend|careful to say)"
    ),
    # An absolute word under a negation close before it: "cannot promise a cure".
    "negated_absolute": _rx(
        r"\b(?:not|no|never|cannot|can't|isn't|won't|don't|doesn't|nor)\b(?:\W+\w+){0,3}?\W+"
        r"(?:cure[sd]?|guarantee[sd]?|promise[sd]?|permanent|every|all|proven|complete(?:ly)?)\b"
    ),
    "credentials": _rx(
        r"\b(?:graduated|residency|fellowship|trained (?:in|at|as)|doctorate|degree|practi[sc]ed"
        r"|worked (?:in|as|for)|board[- ]certified|specialist in|author of|years of experience"
        r"|leads (?:the|our)|oversees|founded|director|qualified|thesis|papers)\b"
    ),
    "logistics": _rx(
        r"\b(?:staff|team|friendly|welcoming|hotel|airport|transfers?|located|opening hours"
        r"|parking|wi-?fi|concierge|translators?|accredited|iso|gmp|years of experience"
        r"|appointments?|pick-?up|chauffeur|visa|flight|language|languages)\b"
    ),
    "background": _rx(
        r"\b(?:is a (?:type|kind|form) of|are (?:a type|cells that)|is (?:a|an) (?:condition"
        r"|disease|disorder)|affects (?:millions|about|around|\d)|is defined as|is caused by"
        r"|occurs when|the body (?:has|contains|produces|makes))\b"
    ),
    "byline": _rx(
        r"\b(?:written by|reviewed by|medically reviewed|updated|posted|author|last modified"
        r"|m\.?d\.?|ph\.?d|copyright|all rights reserved)\b"
    ),
    # Reference-entry shape.
    "doi": _rx(r"\bdoi(?::|\.org/)\s?10\.|\b10\.\d{4,}/"),
    "locator": _rx(
        r"\b(?:19|20)\d\d(?: [a-z]{3})?(?: \d{1,2})?;\s?\d+(?:\(\d+\))?(?::\s?[a-z]?\d+)?"
        r"|\b\d+ \((?:19|20)\d\d\) \d+|\b\d+\(\d+\):\s?\d+"
    ),
    "url": _rx(r"\bhttps?://|\bwww\.|\b[a-z0-9-]+\.(?:com|org|gov|net|edu)\b"),
    # Shape of the sentence itself.
    "comparison": _rx(
        r"\b(?:unlike|instead of|rather than|traditional|conventional|surgery|drugs"
        r"|medications?|steroids|pills|painkillers|mainstream|big pharma|doctors won't)\b"
    ),
}

# Markers whose letter case matters, matched on the text as written (quotes folded).
CASED_MARKERS: dict[str, re.Pattern[str]] = {
    "year": re.compile(r"\b(?:19|20)\d\d\b"),  # first: "journal_abbrev" needs it
    "name_age": re.compile(r"\b[A-Z][a-z]+,? (?:\(\d{2}\)|\d{2},)"),
    "first_person": re.compile(r"\b(?:I|I'm|I've|I'd|[Mm]y|[Mm]e|[Mm]yself)\b"),
    "currency": re.compile(r"[$€£¥₹₩₱฿₺₪]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|MXN)\b"),
    "author_list": re.compile(
        r"^(?:\[?\d{1,3}[.\]] ?)?(?:[A-Z][\w'-]+ [A-Z]{1,3}(?:,|\.| et al)|(?:[A-Z]\. ?)+"
        r"[A-Z][\w'-]+(?:,| and ))"
    ),
    "journal_abbrev": re.compile(
        r"\b(?:J|Med|Clin|Transl|Res|Ther|Int|Am|Eur|Br|Cell|Stem|Regen|Rev|Sci|Biol|Orthop"
        r"|Neurol|Rep|Cases|Surg|Dermatol|Endocrinol|Nutr|Pharmacol|Immunol|Rheumatol|Arthritis"
        r"|Cartilage|Lancet|Nat|Proc|Acad|Soc|Assoc)\.? (?:[A-Z][a-z]{0,9}\.? ){0,4}"
        r"(?:19|20)\d\d\b"
    ),
    "brand": re.compile(r"\b[A-Z][a-z]+[A-Z][A-Za-z]+|[™®]"),
    "numbered_entry": re.compile(r"^\s*\[?\d{1,3}[.\])] "),
    "emoji": re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2705\u274c\ufe0f]"),
    "image": re.compile(r"!\[[^\]]*\]\(\)"),
    "exclamation": re.compile(r"!"),
}


# ---- Which markers can match a text ----------------------------------------------------------
# A pattern whose every alternative opens `\b` and letters can only match at a word starting
# with those letters ("\b(?:cur(?:e|ing)|fully)" at a word starting "cur" or "fully"). Looking
# each word's prefixes up in one table and trying each marker only at the words that may start
# it (`match` at an offset, not `search` along the whole text) saves most of the regular-
# expression work. The leftmost match is the same either way.


def _structure(regex: str) -> Iterator[tuple[int, str, int]]:
    """Each "(", ")" and "|" of a regex outside escapes and character classes: its index, the
    character and the group depth after it."""
    depth, i = 0, 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = regex.index("]", i + 2 if regex[i + 1 : i + 2] == "]" else i + 1)
        elif char in "()|":
            depth += {"(": 1, ")": -1}.get(char, 0)
            yield i, char, depth
        i += 1


def _split_top_level(regex: str) -> list[str]:
    """A regex split at its top-level "|"."""
    cuts = [i for i, char, depth in _structure(regex) if char == "|" and depth == 0]
    bounds = [-1, *cuts, len(regex)]
    return [regex[a + 1 : b] for a, b in pairwise(bounds)]


def _group_end(regex: str) -> int:
    """The index of the ")" closing the group that opens `regex`."""
    for i, char, depth in _structure(regex):
        if char == ")" and depth == 0:
            return i
    raise ValueError(f"unbalanced group in {regex!r}")


_LITERAL = re.compile(r"[a-z0-9]+")
_QUANTIFIERS = ("?", "*", "{")


def _leading_literals(regex: str) -> set[str] | None:
    """Letters one of which a match of `regex` must open with; None when that cannot be told."""
    if regex.startswith("\\d"):
        return set("0123456789")
    if regex.startswith("(?:"):
        end = _group_end(regex)
        literals: set[str] = set()
        for alternative in _split_top_level(regex[3:end]):
            inner = _leading_literals(alternative)
            if inner is None:
                return None
            literals |= inner
        after = regex[end + 1 :]
        if after[:1] in _QUANTIFIERS:  # the group may be skipped: what follows may open
            rest = _leading_literals(
                after[after.index("}") + 1 :] if after[0] == "{" else after[1:]
            )
            if rest is None:
                return None
            literals |= rest
        return literals
    match = _LITERAL.match(regex)
    if match is None:
        return None
    literal = match.group()
    if regex[match.end() : match.end() + 1] in _QUANTIFIERS:
        literal = literal[:-1]
    return {literal} if literal else None


def _opening_words(pattern: str) -> set[str] | None:
    """Word prefixes one of which any match must start at, for patterns whose every top-level
    alternative opens with a word boundary; None for the others."""
    literals: set[str] = set()
    for alternative in _split_top_level(pattern):
        if not alternative.startswith("\\b"):
            return None
        inner = _leading_literals(alternative[2:])
        if inner is None:
            return None
        literals |= inner
    return literals


def _prefix_table(markers: dict[str, re.Pattern[str]]) -> tuple[dict[str, set[str]], set[str]]:
    """Word prefix -> the markers it may start, and the markers to search for always."""
    table: dict[str, set[str]] = {}
    always = set()
    for name, pattern in markers.items():
        words = _opening_words(pattern.pattern)
        if words is None:
            always.add(name)
            continue
        for word in words:
            table.setdefault(word, set()).add(name)
    return table, always


_BY_PREFIX, _ALWAYS = _prefix_table(MARKERS)
_LONGEST_PREFIX = max(map(len, _BY_PREFIX), default=0)
_WORD_RUN = re.compile(r"\w+")


def _first_matches(lowered: str) -> tuple[dict[str, re.Match[str]], set[str]]:
    """Each marker's leftmost match, and the text's words. Markers are tried word by word,
    left to right, only at the words that may start them, so the first success is the
    leftmost match `search` would find."""
    matches = {name: match for name in _ALWAYS if (match := MARKERS[name].search(lowered))}
    words = set()
    for word in _WORD_RUN.finditer(lowered):
        text = word.group()
        words.add(text)
        names = _STARTING.get(text)
        if names is None:
            if len(_STARTING) > _STARTING_LIMIT:  # numbers and garbled words never end
                _STARTING.clear()
            names = _STARTING[text] = _markers_starting(text)
        for name in names:
            if name not in matches:
                match = MARKERS[name].match(lowered, word.start())
                if match:
                    matches[name] = match
    return matches, words


# Word -> the markers it may start; words repeat, so this is worked out once per word.
_STARTING: dict[str, tuple[str, ...]] = {}
_STARTING_LIMIT = 200_000


def _markers_starting(word: str) -> tuple[str, ...]:
    """The markers a word may start: those with an opening that is a prefix of it."""
    names: set[str] = set()
    for length in range(1, min(len(word), _LONGEST_PREFIX) + 1):
        names |= _BY_PREFIX.get(word[:length], set())
    return tuple(sorted(names))


# A sentence that asks: a "?" at its end, past closing quotes, brackets, emoji and spaces.
_QUESTION = re.compile(r"\?[\W_]*$")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Evidence:
    """What the rules found in one text: marker name -> the first text it matched."""

    found: dict[str, str]
    prices: tuple[PriceQuote, ...]


@lru_cache(maxsize=65536)
def evidence_in(text: str) -> Evidence:
    """The markers that fire in `text`, with what they matched, and its quoted prices."""
    folded = _folded(text)
    lowered = _lower(folded)
    found = {}
    matches, words = _first_matches(lowered)
    for name in MARKERS:
        if name in matches:
            found[name] = text[matches[name].start() : matches[name].end()].strip()
    has_digit = bool(_DIGIT.search(text))
    for name, pattern in CASED_MARKERS.items():
        if _worth_searching(name, found, words, has_digit):
            match = pattern.search(folded)
            if match:
                found[name] = text[match.start() : match.end()].strip()
    prices = tuple(extract_prices(text)) if has_digit and _MONEY.search(text) else ()
    if prices:
        found["price_amount"] = prices[0].text
        if any(quote.per for quote in prices):
            found["price_per"] = next(quote.text for quote in prices if quote.per)
        if any(quote.minimum != quote.maximum for quote in prices):
            found["price_range"] = next(q.text for q in prices if q.minimum != q.maximum)
    if _QUESTION.search(folded):
        found["question"] = "?"
    elif "?" in folded:
        found["question_inside"] = "?"
    if _reference_shaped(folded, lowered):
        found["reference_shape"] = text[:40]
    return Evidence(found=found, prices=prices)


# What every price quoted has besides a digit (claims.prices reads no amount as a price
# without one): a currency symbol, a code, "Rs" or a currency word. Most sentences have
# neither, and need no price parsing.
_MONEY = re.compile(
    r"[$€£¥₹₩₱฿₺₪]|\b[A-Z]{3}\b|\bRs\b"
    r"|(?i:dollar|buck|euro|pound|sterling|franc|peso|rupee|yen|yuan|baht)"
)
_FIRST_PERSON_WORDS = frozenset({"i", "my", "me", "myself"})


def _worth_searching(name: str, found: dict[str, str], words: set[str], has_digit: bool) -> bool:
    """Whether a cased marker can match, from what is already known of the text."""
    if name in ("year", "name_age"):
        return has_digit
    if name == "journal_abbrev":  # it ends in a year
        return "year" in found
    if name == "first_person":
        return not _FIRST_PERSON_WORDS.isdisjoint(words)
    return True


_FOLDED_CHARACTERS = re.compile("[" + "".join(map(chr, _FOLD)) + "]")


def _folded(text: str) -> str:
    return text.translate(_FOLD) if _FOLDED_CHARACTERS.search(text) else text


def _lower(text: str) -> str:
    """Lower case, one character for one, so that offsets still point into the original."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def looks_like_reference(text: str) -> bool:
    """Whether a text is shaped like a bibliography entry (DOI, "Vol(Issue):pages", authors)."""
    folded = _folded(text)
    return _reference_shaped(folded, _lower(folded))


def _reference_shaped(folded: str, lowered: str) -> bool:
    if MARKERS["doi"].search(lowered) or MARKERS["locator"].search(lowered):
        return True
    authors = CASED_MARKERS["author_list"].match(folded)
    return bool(authors) and bool(
        CASED_MARKERS["year"].search(folded) or CASED_MARKERS["journal_abbrev"].search(folded)
    )


def clear_text_caches() -> None:
    """Forget what was worked out per sentence text (per-word caches stay: words repeat
    across documents, sentences seldom do). For benchmarks that must not reuse a run."""
    for cached in (evidence_in, _own_names, _neighbour_names):
        cached.cache_clear()


def _length_bucket(text: str) -> str:
    words = len(_WORDS.findall(text))
    return "1-3" if words <= 3 else "4-7" if words <= 7 else "8-20" if words <= 20 else "21+"


# Markers that matter in the sentences around one, and under which prefix.
_NEIGHBOUR_MARKERS = frozenset(
    {
        "absolute",
        "age",
        "name_age",
        "a_patient",
        "case_study",
        "small_n",
        "treated_n",
        "after_sessions",
    }
    | {"story_pronoun", "first_person", "quoted_speech", "price_word", "price_amount", "currency"}
    | {"citation", "study", "generic_appeal", "question", "efficacy", "price_compare", "percent"}
    | {"survey", "promotion", "proof_claim", "universal"}
)
_HEADING_MARKERS = _NEIGHBOUR_MARKERS | {"superlative", "safety", "comparison", "caveat"}
_CASE = frozenset(
    {"age", "name_age", "a_patient", "case_study", "treated_n", "survey", "first_person"}
    | {"quoted_speech"}
)
_EVIDENCE = ("citation", "citation_mark", "study")
_DENIABLE = frozenset({"absolute", "superlative", "universal"})


def rule_features(context: SentenceContext) -> list[str]:
    """Names of the rule features of one sentence in its context."""
    own = evidence_in(context.text).found
    block: set[str] = set().union(*(evidence_in(other).found for other in context.block_others))
    names = [*_own_names(context.text), f"k:{context.kind}"]
    if context.in_references:
        names.append("r:in_references")
    for prefix, text in (
        ("p", context.previous_text),
        ("n", context.next_text),
        ("h", context.heading),
        ("pb", context.previous_block),
    ):
        if text:
            names += _neighbour_names(prefix, text)
    names += [f"b:{name}" for name in sorted(block & _NEIGHBOUR_MARKERS)]
    if context.block_others:
        names.append("b:several")
    names += _combined_features(context, own, block)
    return names


@lru_cache(maxsize=65536)
def _own_names(text: str) -> tuple[str, ...]:
    found = evidence_in(text).found
    hedged = "caveat" in found or "negated_absolute" in found
    # Under a caveat, absolute words are what is denied: "not a guaranteed cure".
    names = [f"r:{name}" for name in found if not (hedged and name in _DENIABLE)]
    if hedged:
        names += [f"r:denied_{name}" for name in found if name in _DENIABLE]
    return (*names, f"len:{_length_bucket(text)}")


@lru_cache(maxsize=65536)
def _neighbour_names(prefix: str, text: str) -> tuple[str, ...]:
    """The markers of a sentence near another one, as that one's features ("p:age")."""
    markers = _HEADING_MARKERS if prefix == "h" else _NEIGHBOUR_MARKERS
    return tuple(f"{prefix}:{name}" for name in evidence_in(text).found if name in markers)


def _combined_features(context: SentenceContext, own: dict[str, str], block: set[str]) -> list[str]:
    """Conjunctions a linear model cannot form on its own."""
    names = []
    question = "question" in own
    claimish = "efficacy" in own or "safety" in own or "mechanism" in own
    evidence_near = any(marker in own or marker in block for marker in _EVIDENCE)
    if question:
        names.append(f"x:question&{context.kind}")
    if claimish and not evidence_near and not question:
        names.append("x:claim&no_evidence")
    if claimish and evidence_near:
        names.append("x:claim&evidence")
    if claimish and "absolute" in own and not ("caveat" in own or "negated_absolute" in own):
        names.append("x:claim&absolute")
    if any(marker in own for marker in _CASE) or "small_n" in own:
        names.append("x:case_marker")
    previous = evidence_in(context.previous_text).found if context.previous_text else {}
    if any(marker in previous for marker in _CASE) and (
        "story_pronoun" in own or "story_past" in own or "first_person" in own
    ):
        names.append("x:story_continues")
    case_near = any(marker in own or marker in previous or marker in block for marker in _CASE)
    if case_near and ("universal" in own or "proof_claim" in own or "x:story_continues" in names):
        names.append("x:generalises")
    if claimish and not ("promoter" in own or "brand" in own or "second_person" in own):
        names.append("x:claim&no_promoter")
    if ("percent" in own or "success_rate" in own) and not evidence_near:
        names.append("x:figure&no_evidence")
    if context.kind == "table_row" and not any(c.isdigit() for c in context.text):
        names.append("x:table_header")
    if "price_amount" in own and "sessions_count" not in own:
        names.append("x:price_only")
    return names


# ---- Words and character n-grams --------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[$€£¥₹%?!+]")
_DIGIT = re.compile(r"\d")


def _normalised(text: str) -> str:
    """Lower case, straight quotes, every digit a 0: "$4,500" and "$9,900" read alike."""
    return _DIGIT.sub("0", _folded(text).lower())


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_normalised(text))


def word_features(words: Sequence[str], *, ngrams: tuple[int, int]) -> list[str]:
    """Word n-grams, "w:stem cells"."""
    low, high = ngrams
    return [
        "w:" + " ".join(words[start : start + n])
        for n in range(low, high + 1)
        for start in range(len(words) - n + 1)
    ]


@lru_cache(maxsize=200_000)
def char_features(word: str, *, ngrams: tuple[int, int]) -> tuple[str, ...]:
    """Character n-grams of one word padded with spaces, like scikit-learn's "char_wb"."""
    padded = f" {word} "
    low, high = ngrams
    return tuple(
        "c:" + padded[start : start + n]
        for n in range(low, high + 1)
        for start in range(len(padded) - n + 1)
    )
