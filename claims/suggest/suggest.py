"""Tag suggestions for a document's sentences, each with a score and a one-line reason."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import scipy.sparse as sp

from claims.prices import PriceQuote
from claims.suggest.features import SentenceContext, SentenceIn, contexts_for, evidence_in
from claims.suggest.model import SCORE_DECIMALS, SuggesterModel, shown

# Below this score a tag is not worth listing even among the hidden suggestions.
HIDDEN_FLOOR = 0.2


@dataclass(frozen=True)
class Suggestion:
    sentence: int  # index into the sentences given to suggest()
    tag: str  # slug
    score: float  # 0..1, rounded to 3 places
    reason: str
    shown: bool  # score >= the tag's threshold


def suggest(
    model: SuggesterModel, sentences: Sequence[SentenceIn], *, include_hidden: bool = False
) -> list[Suggestion]:
    """Suggestions by sentence, then by the model's tag order: those at or above each tag's
    threshold, and with `include_hidden` also those from HIDDEN_FLOOR up."""
    if not sentences:
        return []
    contexts = contexts_for(sentences)
    matrix = model.matrix(contexts)
    scores = model.probabilities(matrix)
    suggestions = []
    for index, context in enumerate(contexts):
        for column, (slug, tag) in enumerate(model.tags.items()):
            score = round(float(scores[index, column]), SCORE_DECIMALS)
            visible = shown(score, tag.threshold)
            if visible or (include_hidden and score >= HIDDEN_FLOOR):
                reason = reason_for(context, slug) or _words_reason(model, matrix, index, slug)
                suggestions.append(Suggestion(index, slug, score, reason, visible))
    return suggestions


# The markers that explain each tag, strongest first, and how a reason names them.
_REASONS: dict[str, list[tuple[str, str]]] = {
    "overstated": [
        ("absolute", "absolute wording"),
        ("superlative", "superlative"),
        ("standing", "claim to standing"),
        ("outcome_boast", "boasted outcome"),
        ("universal", "generalises to everyone"),
        ("comparative", "comparison with no evidence"),
        ("proof_claim", "held up as proof"),
        ("success_rate", "undefined success rate"),
        ("small_n", "generalises from a small series"),
        ("percent", "figure with no baseline"),
    ],
    "cited-case-report": [
        ("age", "single case"),
        ("name_age", "single case"),
        ("case_study", "case report"),
        ("a_patient", "single case"),
        ("treated_n", "case series"),
        ("survey", "customer survey"),
        ("small_n", "small series"),
        ("quoted_speech", "testimonial"),
        ("first_person", "testimonial"),
        ("after_sessions", "anecdotal outcome"),
    ],
    "unsupported": [
        ("generic_appeal", "a generic appeal is not evidence"),
        ("efficacy", "no evidence given"),
        ("safety", "safety claim with no evidence"),
        ("mechanism", "mechanism claim with no evidence"),
        ("comparison", "runs down other treatments"),
    ],
    "price-claim": [
        ("price_word", "price wording"),
        ("promotion", "price offer"),
        ("price_compare", "price comparison"),
        ("currency", "currency"),
    ],
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_QUOTE_LENGTH = 40


def reason_for(context: SentenceContext, slug: str) -> str:
    """One short line from the strongest rule evidence for the tag; "" when there is none."""
    evidence = evidence_in(context.text)
    if slug == "price-claim" and evidence.prices:
        return "price: " + ", ".join(format_price(quote) for quote in evidence.prices[:3])
    for marker, label in _REASONS.get(slug, []):
        if marker in evidence.found:
            return f"{label}: {_quoted(evidence.found[marker])}"
    if slug == "cited-case-report" and _continues_story(context):
        return f"continues a case story: {_quoted(context.previous_text)}"
    return ""


def _words_reason(model: SuggesterModel, matrix: sp.csr_matrix, row: int, slug: str) -> str:
    words = model.top_words(matrix, row, slug)
    return "words: " + ", ".join(map(_quoted, words)) if words else "overall wording"


def _continues_story(context: SentenceContext) -> bool:
    found = evidence_in(context.previous_text).found if context.previous_text else {}
    story = ("age", "name_age", "a_patient", "case_study", "first_person")
    return any(marker in found for marker in story)


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _QUOTE_LENGTH:
        text = text[: _QUOTE_LENGTH - 1].rstrip() + "…"
    return f"'{text}'"


def format_price(quote: PriceQuote) -> str:
    """ "$2,000–$9,000", "from €1,500", "up to CHF 8,400", with " per session" when stated."""
    low, high = quote.minimum, quote.maximum
    if low is not None and high is not None and low != high:
        text = f"{_amount(low, quote.currency)}–{_amount(high, quote.currency)}"
    elif low is not None and high is not None:
        text = _amount(low, quote.currency)
    elif low is not None:
        text = f"from {_amount(low, quote.currency)}"
    else:
        assert high is not None  # a quote has at least one bound
        text = f"up to {_amount(high, quote.currency)}"
    return f"{text} per {quote.per}" if quote.per else text


def _amount(value: Decimal, currency: str) -> str:
    number = f"{value:,.2f}" if value != value.to_integral_value() else f"{value:,.0f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"
