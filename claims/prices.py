"""Prices quoted in a sentence, as data: amounts, currency and unit, with their offsets."""

import re
from dataclasses import dataclass
from decimal import Decimal

# A space inside a phrase: ordinary, no-break, thin or narrow no-break, never a line break.
_SP = "[ \t\u00a0\u2009\u202f]"


@dataclass(frozen=True)
class PriceQuote:
    """One quoted price: `minimum` is None for "up to $X", `maximum` None for "from $X"."""

    minimum: Decimal | None
    maximum: Decimal | None
    currency: str  # ISO 4217
    per: str  # what the price is for ("session", "month"), "" when not stated
    start: int  # code-point offsets of `text` in the sentence
    end: int
    text: str


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# ---- Currencies -------------------------------------------------------------------------------

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₱": "PHP"}
_SYMBOLS |= {"฿": "THB", "₺": "TRY", "₪": "ILS"}
# Letters written before "$" ("CA$", "AUD $"): the dollar they name.
_DOLLAR_LETTERS = {
    **dict.fromkeys(("US", "USD"), "USD"),
    **dict.fromkeys(("C", "CA", "CAN", "CAD"), "CAD"),
    **dict.fromkeys(("A", "AU", "AUD"), "AUD"),
    **dict.fromkeys(("NZ", "NZD"), "NZD"),
    **dict.fromkeys(("MX", "MEX", "MXN"), "MXN"),
    **dict.fromkeys(("HK", "HKD"), "HKD"),
    **dict.fromkeys(("S", "SG", "SGD"), "SGD"),
    "R": "BRL",
}
_CODES = _words(
    "USD EUR GBP CAD AUD NZD MXN CHF INR JPY CNY HKD SGD SEK NOK DKK PLN CZK HUF BRL ZAR AED "
    "THB TRY KRW ILS PHP"
)
_LETTER_PREFIXES = {"RS": "INR", "RMB": "CNY"}
# Codes that are also medical abbreviations (international normalised ratio, coronary artery
# disease, a defibrillator): "INR 2.5" is a blood test, so they name money only from 10 up.
_CLASHING_CODES = frozenset({"INR", "CAD", "AED"})
_WORDS = {
    **dict.fromkeys(("dollar", "buck"), "USD"),
    "euro": "EUR",
    **dict.fromkeys(("pound", "sterling"), "GBP"),
    "franc": "CHF",
    "peso": "MXN",
    "rupee": "INR",
    "yen": "JPY",
    "yuan": "CNY",
    "baht": "THB",
}
_ADJECTIVES = {
    **dict.fromkeys(("us", "u.s.", "american"), "USD"),
    "canadian": "CAD",
    "australian": "AUD",
    "new zealand": "NZD",
    "singapore": "SGD",
    "hong kong": "HKD",
    "mexican": "MXN",
    "swiss": "CHF",
    "british": "GBP",
    "indian": "INR",
    "japanese": "JPY",
    "chinese": "CNY",
}

_SYMBOL_RE = "|".join(re.escape(symbol) for symbol in _SYMBOLS)
_CODE_RE = "|".join(sorted(_CODES))
_DOLLAR_RE = "|".join(sorted((k for k in _DOLLAR_LETTERS if len(k) > 1), key=len, reverse=True))
_PREFIX = (
    rf"(?<![A-Za-z])(?:(?:U\.S\.|{_DOLLAR_RE}){_SP}?\$|[CASR]\$|(?:{_CODE_RE}|RMB)(?![A-Za-z])|Rs\.?)"
    rf"|{_SYMBOL_RE}"
)
_ADJECTIVE_RE = "|".join(re.escape(a).replace("\\ ", " ").replace(" ", r"\s+") for a in _ADJECTIVES)
_WORD_RE = (
    rf"(?i:(?:(?P<adjective>{_ADJECTIVE_RE})\s+)?"
    r"(?P<word>dollars?|bucks?|euros?|pounds?(?:\s+sterling)?|sterling|francs?|pesos?|rupees?"
    r"|yen|yuan|baht)\b)"
)
# A symbol or code after the amount belongs to it only if no number follows ("2019 €300").
_POSTFIX = rf"(?:{_SYMBOL_RE}|(?<![A-Za-z])(?:{_CODE_RE})\b)(?!{_SP}?\d)|{_WORD_RE}"

# ---- Amounts ----------------------------------------------------------------------------------

_NUMBER = (
    r"(?:\d{1,2}(?:,\d{2})+,\d{3}"  # 1,50,000: Indian lakh grouping
    rf"|\d{{1,3}}(?P<sep>[,.'’]|{_SP})\d{{3}}(?:(?P=sep)\d{{3}})*"  # 1,500  1.500  1 500
    r"|\d+)"
    r"(?:[.,]\d+)?"
    r"(?!\d|[.,'’]\d)"
)
_SCALES = {"k": 1_000, "thousand": 1_000, "m": 10**6, "mn": 10**6, "million": 10**6}
_SCALES |= {"bn": 10**9, "billion": 10**9}
_SCALE = (
    r"(?:(?P<scale>[kKmM]|mn|bn)(?![A-Za-z\d])"
    rf"|{_SP}?(?P<scale_word>(?i:thousand|million|billion))\b)"
)
_AMOUNT = re.compile(
    rf"(?:(?P<prefix>{_PREFIX}){_SP}?|(?<![\w.,]))"
    rf"(?P<number>{_NUMBER})(?!{_SP}?%)"
    rf"(?:{_SCALE})?"
    rf"(?:{_SP}?(?P<postfix>{_POSTFIX}))?"
)
_WEIGHT_BEFORE = re.compile(
    r"(?i)\b(?:los[et]|loses|losing|shed(?:s|ding)?|weigh(?:s|ed|ing)?|gain(?:s|ed|ing)?"
    r"|drop(?:s|ped|ping)?|heavier|lighter)\b"
)
_WEIGHT_AFTER = re.compile(r"(?i)\s+of\s+(?:body\s+)?(?:fat|weight|muscle)\b")


@dataclass(frozen=True)
class _Amount:
    number: Decimal  # as written, before any "k" or "million"
    scale: int
    currency: str  # "" when none is written next to it
    start: int
    end: int

    @property
    def value(self) -> Decimal:
        return self.number * self.scale


def _amounts(text: str) -> list[_Amount]:
    """Every number in the text, with the currency and scale written next to it, if any."""
    amounts = []
    for match in _AMOUNT.finditer(text):
        written_scale = (match["scale"] or match["scale_word"] or "").lower()
        number = _number(match["number"], scaled=bool(written_scale))
        scale = _SCALES.get(written_scale, 1)
        amounts.append(
            _Amount(
                number=number,
                scale=scale,
                currency=_currency(match, text=text, value=number * scale),
                start=match.start(),
                end=match.end(),
            )
        )
    return amounts


def _number(written: str, *, scaled: bool) -> Decimal:
    """1,500 / 1.500 / 1 500 / 1'500 -> 1500; 1,500.50 / 1.500,50 -> 1500.50; 2.5 -> 2.5.

    A lone "." or "," before exactly three digits groups thousands, as it does in prices
    ("€7.000"), except that "1.250 million" is a decimal: nobody writes thousands of millions
    that way."""
    digits = re.sub(rf"['’]|{_SP}", "", written)
    marks = [c for c in digits if c in ",."]
    if not marks:
        return Decimal(digits)
    last = digits.rfind(marks[-1])
    tail = len(digits) - last - 1
    grouping = len(marks) > 1 and len(set(marks)) == 1
    lone_group = len(marks) == 1 and tail == 3 and digits[:last] != "0"
    if grouping or (lone_group and (not scaled or marks[-1] == ",")):
        return Decimal(digits.replace(",", "").replace(".", ""))
    whole = digits[:last].replace(",", "").replace(".", "")
    return Decimal(f"{whole}.{digits[last + 1 :]}")


def _currency(match: re.Match, *, text: str, value: Decimal) -> str:
    before = _prefix_currency(match["prefix"] or "")
    after = _postfix_currency(match, text=text)
    # "$300 USD": the generic "$" gives way to the currency written out after it.
    code = after if after and (not before or match["prefix"] == "$") else before
    written = f"{match['prefix'] or ''}{match['postfix'] or ''}".strip().upper()
    if code in _CLASHING_CODES and code in written and value < 10:
        return ""
    return code


def _prefix_currency(prefix: str) -> str:
    compact = re.sub(rf"\.|{_SP}", "", prefix)
    if compact in _SYMBOLS:
        return _SYMBOLS[compact]
    if compact.endswith("$"):
        return _DOLLAR_LETTERS.get(compact[:-1], "")
    if compact.upper() in _LETTER_PREFIXES:
        return _LETTER_PREFIXES[compact.upper()]
    return compact if compact in _CODES else ""


def _postfix_currency(match: re.Match, *, text: str) -> str:
    postfix = match["postfix"]
    if not postfix:
        return ""
    if match["word"] is None:
        return _SYMBOLS.get(postfix) or postfix
    word = match["word"].lower().split()[0].rstrip("s")
    adjective = re.sub(r"\s+", " ", (match["adjective"] or "").lower())
    bare_pounds = word == "pound" and not adjective and "sterling" not in match["word"].lower()
    if bare_pounds and _weighs(text, start=match.start(), end=match.end()):
        return ""
    return _ADJECTIVES.get(adjective) or _WORDS[word]


def _weighs(text: str, *, start: int, end: int) -> bool:
    """Whether "pounds" here is a weight ("lose 20 pounds"), not money."""
    return bool(
        _WEIGHT_BEFORE.search(text, max(0, start - 40), start) or _WEIGHT_AFTER.match(text, end)
    )


# ---- Phrases around amounts -------------------------------------------------------------------

_LEAD = re.compile(
    r"(?i:(?<!\w)(?:"
    r"(?P<between>between)"
    r"|(?P<low>from|starting\s+(?:at|from)|starts?\s+at|over|more\s+than|above|at\s+least"
    r"|upwards\s+of|in\s+excess\s+of|as\s+(?:little|low)\s+as|a\s+minimum\s+of|minimum(?:\s+of)?)"
    r"|(?P<high>up\s+to|under|less\s+than|below|no\s+more\s+than|at\s+most|as\s+much\s+as"
    r"|a\s+maximum\s+of|maximum(?:\s+of)?|not\s+exceeding|capped\s+at)"
    r"|about|around|approximately|approx\.|roughly|circa|ca\.|some|nearly|almost|close\s+to"
    r"))\s*\Z"
    r"|[~≈]\s*\Z"
)
_CONNECTOR = re.compile(
    rf"(?:{_SP}*\([^()\n]{{0,80}}\))?{_SP}*"  # "from $1,500 (2 injections) to $10,000"
    rf"(?:[-‐‑‒–—−]|(?i:(?P<and>and)|to|through|thru|up{_SP}+to)\b){_SP}*"
)
_OPEN_ENDED = re.compile(
    # "$5,000+", but not "$5,000+VAT" or "$5,000 + $300".
    rf"\+(?!\w|{_SP}*(?:\d|(?i:vat|tax|gst|hst)\b))"
    rf"|{_SP}+(?i:(?P<up>and{_SP}+(?:up|above|over)|or{_SP}+more|minimum)"
    rf"|(?P<down>or{_SP}+(?:less|under)|max(?:imum)?))\b"
)
_PER = re.compile(
    rf"(?:{_SP}*/{_SP}*|{_SP}+(?P<how>(?i:per|a|an|each|every)){_SP}+)"
    rf"(?P<unit>[^\W\d_]+)(?:{_SP}+(?P<then>[^\W\d_]+))?"
)
_PER_ADVERB = re.compile(rf"{_SP}+(?P<unit>(?i:monthly|weekly|daily|nightly|yearly|annually))\b")
_WORD_AFTER = re.compile(rf"{_SP}*(?P<word>[^\W\d_]+)")

_UNITS = _words(
    "session injection treatment infusion month week day year night visit vial course dose "
    "cycle knee joint hip shoulder area procedure consultation person patient hour package "
    "round shot appointment bottle jar box pack capsule tablet program programme protocol kit"
)
_UNIT_ALIASES = {
    **dict.fromkeys(("mo", "mos", "mth", "monthly"), "month"),
    **dict.fromkeys(("wk", "weekly"), "week"),
    **dict.fromkeys(("yr", "annum", "yearly", "annually"), "year"),
    **{"daily": "day", "nightly": "night", "hr": "hour", "h": "hour"},
    **{"inj": "injection", "tx": "treatment", "pp": "person"},
}
# Words that may sit between "per" and the unit: "per single injection", "each extra session".
_UNIT_MODIFIERS = _words("single one individual additional extra treatment full complete")
_NOT_UNITS = _words("the our your their its this that these those his her my cent")
# Words a bare second amount may be followed by and still be a price ("€7,000 to 31,000 per
# knee"), where any other word makes it a count ("$50 to 100 patients").
_WORDS_AFTER_A_PRICE = _words(
    "per a an each every for and or depending including incl plus excluding excl in at with "
    "is are was were total overall on which that but so if when while the vs versus compared "
    "whereas respectively"
)


def extract_prices(text: str) -> list[PriceQuote]:
    """The prices quoted in `text`, in the order they appear."""
    amounts = _amounts(text)
    quotes: list[PriceQuote] = []
    index = 0
    while index < len(amounts):
        floor = quotes[-1].end if quotes else 0
        quote, used = _quote_at(text, amounts=amounts, index=index, floor=floor)
        if quote is not None:
            quotes.append(quote)
        index += used
    return quotes


def _quote_at(
    text: str, *, amounts: list[_Amount], index: int, floor: int
) -> tuple[PriceQuote | None, int]:
    """The quote starting at `amounts[index]`, and how many amounts it takes up."""
    first = amounts[index]
    lead = _LEAD.search(text, max(floor, first.start - 40), first.start)
    between = bool(lead and lead["between"])
    span = _range(text, amounts=amounts, index=index, between=between)
    minimum: Decimal | None
    maximum: Decimal | None
    if span is not None:
        minimum, maximum, currency, last = span
        end, used = amounts[last].end, last - index + 1
    elif first.currency:
        lead = None if between else lead
        minimum, maximum, end = _bounds(text, lead=lead, amount=first.value, end=first.end)
        currency, used = first.currency, 1
    else:
        return None, 1
    per, end = _per(text, end)
    start = lead.start() if lead else first.start
    quote = PriceQuote(
        minimum=_plain(minimum),
        maximum=_plain(maximum),
        currency=currency,
        per=per,
        start=start,
        end=end,
        text=text[start:end],
    )
    return quote, used


def _range(
    text: str, *, amounts: list[_Amount], index: int, between: bool
) -> tuple[Decimal, Decimal, str, int] | None:
    """Low, high, currency and the index of the second amount where `amounts[index]` opens a
    range ("$5,000–$8,000", "from $1,500 (2 injections) to $10,000"), else None."""
    first = amounts[index]
    connector = _CONNECTOR.match(text, first.end)
    if connector is None or (connector["and"] and not between):
        return None
    # The next amount after the connector, passing any inside a parenthesis before it.
    last = next(
        (i for i in range(index + 1, len(amounts)) if amounts[i].start >= connector.end()), None
    )
    if last is None or amounts[last].start != connector.end():
        return None
    second = amounts[last]
    if first.currency and second.currency and first.currency != second.currency:
        return None
    currency = first.currency or second.currency
    if not currency or (not second.currency and not _price_ends(text, second.end)):
        return None
    low = first.value
    # "$5-8k": a scale written once applies to both, where that keeps the range in order.
    if first.scale == 1 and second.scale > 1 and first.number * second.scale <= second.value:
        low = first.number * second.scale
    if low > second.value:
        return None
    return low, second.value, currency, last


def _price_ends(text: str, end: int) -> bool:
    following = _WORD_AFTER.match(text, end)
    return following is None or following["word"].lower() in _WORDS_AFTER_A_PRICE


def _bounds(
    text: str, *, lead: re.Match | None, amount: Decimal, end: int
) -> tuple[Decimal | None, Decimal | None, int]:
    """A single amount's minimum and maximum: "from $X" and "$X+" leave the top open, "up to
    $X" and "$X or less" the bottom."""
    minimum: Decimal | None = amount
    maximum: Decimal | None = amount
    if lead and lead["low"]:
        maximum = None
    elif lead and lead["high"]:
        minimum = None
    open_ended = _OPEN_ENDED.match(text, end)
    if open_ended:
        if open_ended["down"]:
            minimum, maximum = None, amount
        else:
            minimum, maximum = amount, None
        end = open_ended.end()
    return minimum, maximum, end


def _per(text: str, end: int) -> tuple[str, int]:
    """What the price is for, from "per session", "/mo", "a month", "each knee", "monthly"."""
    adverb = _PER_ADVERB.match(text, end)
    if adverb:
        return _unit(adverb["unit"]), adverb.end()
    phrase = _PER.match(text, end)
    if phrase is None:
        return "", end
    unit, then = phrase["unit"].lower(), phrase["then"]
    if unit in _UNIT_MODIFIERS and then and _unit(then) in _UNITS:
        return _unit(then), phrase.end("then")
    loose = phrase["how"] is None or phrase["how"].lower() == "per"
    # "per" and "/" name a unit whatever follows ("per knee"); after "a", "an" or "each" only
    # a known unit counts, so that "$300 a great deal" has none.
    if unit in _NOT_UNITS or not (loose or _unit(unit) in _UNITS):
        return "", end
    return _unit(unit), phrase.end("unit")


def _unit(word: str) -> str:
    unit = _UNIT_ALIASES.get(word.lower(), word.lower())
    if unit not in _UNITS and unit.endswith("s") and unit[:-1] in _UNITS:
        return unit[:-1]
    return unit


def _plain(amount: Decimal | None) -> Decimal | None:
    """2.5 * 1000 -> 2500, not 2500.0; 1,500.00 -> 1500; 1.500,5 -> 1500.50; 12.99 stays."""
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return amount.quantize(Decimal("0.01"))
    return amount.normalize()
