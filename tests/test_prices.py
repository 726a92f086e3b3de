"""Prices read out of price-claim sentences: amounts, ranges, currencies and units."""

from decimal import Decimal

import pytest

from claims.prices import extract_prices

NBSP, THIN, NARROW_NBSP = "\u00a0", "\u2009", "\u202f"


def D(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def form(sentence: str, *expected: tuple[str | None, str | None, str, str], id: str):
    """One sentence and the (minimum, maximum, currency, per) of each price in it."""
    return pytest.param(sentence, expected, id=id)


FORMS = [
    # Thousands and decimals
    form(
        "A full protocol at our Cancún centre costs $300,000.",
        ("300000", "300000", "USD", ""),
        id="dollars-with-comma-thousands",
    ),
    form(
        "Each vial of exosome serum is $1,499.99 plus shipping.",
        ("1499.99", "1499.99", "USD", ""),
        id="dollars-and-cents",
    ),
    form(
        "The full course at our partner clinic in Munich is 7.000 EUR.",
        ("7000", "7000", "EUR", ""),
        id="dot-groups-thousands-code-after",
    ),
    form(
        "A single ozone infusion is €89,50 at the Vienna practice.",
        ("89.50", "89.50", "EUR", ""),
        id="comma-as-decimal-mark",
    ),
    form(
        "The regenerative package is €12.500,00 including the hotel.",
        ("12500", "12500", "EUR", ""),
        id="dot-thousands-comma-decimals",
    ),
    form(
        "Knee treatment: 4 500 € for both sides.",
        ("4500", "4500", "EUR", ""),
        id="space-thousands-symbol-after",
    ),
    form(
        f"Prices start at 3{NBSP}900{NBSP}€ per knee.",
        ("3900", None, "EUR", "knee"),
        id="no-break-space-thousands",
    ),
    form(
        f"CHF 12{THIN}000 per treatment cycle, all inclusive.",
        ("12000", "12000", "CHF", "cycle"),
        id="thin-space-thousands",
    ),
    form(
        f"Both hips: 6{NARROW_NBSP}000 € in total.",
        ("6000", "6000", "EUR", ""),
        id="narrow-no-break-space-thousands",
    ),
    form(
        "Financing covers US $12,000 per patient.",
        ("12000", "12000", "USD", "patient"),
        id="us-then-space-then-dollar",
    ),
    form(
        "The Lugano clinic charges CHF 8'400 per infusion.",
        ("8400", "8400", "CHF", "infusion"),
        id="swiss-apostrophe-thousands",
    ),
    form(
        "Stem cell therapy for autism costs ₹4,50,000 per course in Delhi.",
        ("450000", "450000", "INR", "course"),
        id="indian-lakh-grouping",
    ),
    # Scales
    form(
        "Our London partners quote £2.5k per session.",
        ("2500", "2500", "GBP", "session"),
        id="k-suffix-with-decimal",
    ),
    form(
        "Expect to pay $15K for the full protocol.",
        ("15000", "15000", "USD", ""),
        id="capital-k-suffix",
    ),
    form(
        "The platinum programme was listed at $1.2 million.",
        ("1200000", "1200000", "USD", ""),
        id="million-word",
    ),
    form(
        "A lifetime membership is advertised at $1.5M.",
        ("1500000", "1500000", "USD", ""),
        id="m-suffix",
    ),
    form(
        "Patients paid 20 thousand dollars out of pocket.",
        ("20000", "20000", "USD", ""),
        id="thousand-word-then-dollars",
    ),
    # Ranges
    form(
        "Prices range from $1,500 (2 injections) to $10,000.",
        ("1500", "10000", "USD", ""),
        id="from-to-with-a-parenthesis-between",
    ),
    form(
        "Treatment costs between €7,000 and €31,000*.",
        ("7000", "31000", "EUR", ""),
        id="between-and-with-footnote-mark",
    ),
    form(
        "A course of infusions runs $5,000–$8,000.", ("5000", "8000", "USD", ""), id="en-dash-range"
    ),
    form(
        "Expect $5,000 - $8,000 per knee.",
        ("5000", "8000", "USD", "knee"),
        id="hyphen-range-with-spaces",
    ),
    form(
        "Most patients spend $5-8k on the protocol.",
        ("5000", "8000", "USD", ""),
        id="k-suffix-shared-by-both-ends",
    ),
    form(
        "Hospitals abroad charge $1.2-1.5 million for the same procedure.",
        ("1200000", "1500000", "USD", ""),
        id="million-shared-by-both-ends",
    ),
    form(
        "Costs in Germany: €7,000 to 31,000 per knee.",
        ("7000", "31000", "EUR", "knee"),
        id="currency-carries-to-the-second-amount",
    ),
    form(
        "A 10-day stay costs 5.000–8.000 EUR.",
        ("5000", "8000", "EUR", ""),
        id="currency-after-the-second-amount",
    ),
    form(
        "Sessions cost from 1,500 to 10,000 dollars.",
        ("1500", "10000", "USD", ""),
        id="from-to-dollars-word",
    ),
    form(
        "Between US$4,000 and US$6,000 per shoulder.",
        ("4000", "6000", "USD", "shoulder"),
        id="between-us-dollars",
    ),
    form(
        "Packages go from $2,000 up to $9,500 per patient.",
        ("2000", "9500", "USD", "patient"),
        id="from-up-to-range",
    ),
    # Open bounds
    form("Full-body rejuvenation can cost up to $20,000.", (None, "20000", "USD", ""), id="up-to"),
    form("Exosome facials from $450.", ("450", None, "USD", ""), id="from-alone"),
    form("Plans starting at $99 a month.", ("99", None, "USD", "month"), id="starting-at"),
    form("Most single injections are under £600.", (None, "600", "GBP", ""), id="under"),
    form("Less than €2,000 for a complete course.", (None, "2000", "EUR", ""), id="less-than"),
    form("Some patients have paid over $50,000.", ("50000", None, "USD", ""), id="over"),
    form(
        "Families spend more than A$30,000 on travel and treatment.",
        ("30000", None, "AUD", ""),
        id="more-than-australian-dollars",
    ),
    form("Bespoke protocols: $25,000+.", ("25000", None, "USD", ""), id="trailing-plus"),
    form("Expect CA$12,000 or more per hip.", ("12000", None, "CAD", "hip"), id="or-more"),
    form("Budget at least $3,000 per cycle.", ("3000", None, "USD", "cycle"), id="at-least"),
    # Approximations
    form("The consultation is about $300.", ("300", "300", "USD", ""), id="about"),
    form("PRP top-ups are ~$300 each injection.", ("300", "300", "USD", "injection"), id="tilde"),
    form("Ozone runs around €950 per infusion.", ("950", "950", "EUR", "infusion"), id="around"),
    form(
        "Maintenance is approximately 2,400 USD per month.",
        ("2400", "2400", "USD", "month"),
        id="approximately-code-after",
    ),
    # Currencies written out
    form(
        "The Tijuana clinic lists USD 5,000 per session.",
        ("5000", "5000", "USD", "session"),
        id="code-before",
    ),
    form(
        "Payment of 5,000 USD is due before travel.", ("5000", "5000", "USD", ""), id="code-after"
    ),
    form(
        "Each ozone session is 300 € at our Lyon clinic.",
        ("300", "300", "EUR", ""),
        id="euro-sign-after",
    ),
    form("The detox week costs 300 euros a day.", ("300", "300", "EUR", "day"), id="euros-word"),
    form(
        "The hair-regrowth kit is 40 pounds per bottle.",
        ("40", "40", "GBP", "bottle"),
        id="pounds-word",
    ),
    form(
        "C$450/session at our Vancouver office.",
        ("450", "450", "CAD", "session"),
        id="c-dollar-slash-unit",
    ),
    form("Exosomes are CA$2,900 per vial.", ("2900", "2900", "CAD", "vial"), id="ca-dollar"),
    form("AU$7,500 covers both knees.", ("7500", "7500", "AUD", ""), id="au-dollar"),
    form(
        "US$3,200 per injection, paid upfront.",
        ("3200", "3200", "USD", "injection"),
        id="us-dollar",
    ),
    form(
        "MX$45,000 per treatment in Tijuana.",
        ("45000", "45000", "MXN", "treatment"),
        id="mx-dollar",
    ),
    form(
        "Expect 2,500 Canadian dollars per course.",
        ("2500", "2500", "CAD", "course"),
        id="canadian-dollars-words",
    ),
    form(
        "The Geneva programme is 9,000 Swiss francs.",
        ("9000", "9000", "CHF", ""),
        id="swiss-francs-words",
    ),
    form(
        "In Osaka it is ¥350,000 per infusion.",
        ("350000", "350000", "JPY", "infusion"),
        id="yen-sign",
    ),
    form(
        "Rs. 75,000 per session at the Mumbai branch.",
        ("75000", "75000", "INR", "session"),
        id="rupees-abbreviation",
    ),
    form("Only $300 USD per visit!", ("300", "300", "USD", "visit"), id="dollar-sign-and-code"),
    form(
        "Just $450 CAD per session.",
        ("450", "450", "CAD", "session"),
        id="dollar-sign-gives-way-to-cad",
    ),
    # Units
    form("Membership: $99/mo.", ("99", "99", "USD", "month"), id="slash-mo"),
    form("Supplements for $49 monthly.", ("49", "49", "USD", "month"), id="monthly"),
    form("Boosters are £1,200 per year.", ("1200", "1200", "GBP", "year"), id="per-year"),
    form(
        "$250 each additional session.",
        ("250", "250", "USD", "session"),
        id="each-additional-session",
    ),
    form(
        "$1,200 per treatment session.",
        ("1200", "1200", "USD", "session"),
        id="per-treatment-session",
    ),
    form("€180 per person, per night.", ("180", "180", "EUR", "person"), id="per-person"),
    form(
        "The laser costs $300 a great deal less than surgery.",
        ("300", "300", "USD", ""),
        id="a-followed-by-no-unit",
    ),
    # Several prices in one sentence
    form(
        "A consultation is $300 and the injection package is $5,000.",
        ("300", "300", "USD", ""),
        ("5000", "5000", "USD", ""),
        id="two-prices",
    ),
    form(
        "The same treatment costs $25,000 in the US but only €6,000 in Germany.",
        ("25000", "25000", "USD", ""),
        ("6000", "6000", "EUR", ""),
        id="price-comparison-between-places",
    ),
    form(
        "$50 to 100 patients a week see us.",
        ("50", "50", "USD", ""),
        id="a-count-is-not-the-top-of-a-range",
    ),
    form(
        "In 2019 €300 bought a full session.", ("300", "300", "EUR", ""), id="a-year-before-a-price"
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), FORMS)
def test_it_reads_each_form_of_price(sentence, expected):
    quotes = extract_prices(sentence)
    assert [(q.minimum, q.maximum, q.currency, q.per) for q in quotes] == [
        (D(minimum), D(maximum), currency, per) for minimum, maximum, currency, per in expected
    ]
    for quote in quotes:
        assert sentence[quote.start : quote.end] == quote.text


NOT_PRICES = [
    pytest.param("Founded in 2019, our clinic has treated thousands.", id="year"),
    pytest.param("Nearly half of the 17 patients saw 40% improvement.", id="percentages"),
    pytest.param("Call +1 (800) 555-0199 to book a free consultation.", id="phone-number"),
    pytest.param("Our nurses answer questions 24/7.", id="round-the-clock"),
    pytest.param("Long COVID-19 symptoms cleared in 3 weeks.", id="covid-19"),
    pytest.param("Over 10,000 patients treated since 2011.", id="a-count"),
    pytest.param("Offer valid until 31.12.2024.", id="dotted-date"),
    pytest.param("Published 2021-08-16 by our medical team.", id="iso-date"),
    pytest.param("World J Clin Cases. 2021 Aug 16;9(23):6798-6803.", id="reference-pages"),
    pytest.param("See doi.org/10.1234/abcd.5678 for the study.", id="doi"),
    pytest.param("Each infusion holds 100 million cells.", id="bare-number-with-scale"),
    pytest.param("Suitable for ages 18-65.", id="bare-range"),
    pytest.param("Take 5mg twice daily for 1,500 days.", id="dose-and-count"),
    pytest.param("Patients lose up to 30 pounds in a month.", id="pounds-of-weight"),
    pytest.param("Keep your INR 2.5 to 3.0 while on warfarin.", id="inr-blood-test"),
    pytest.param("Patients with CAD 3 years after bypass improved.", id="cad-heart-disease"),
    pytest.param("Book a free consultation today!", id="no-numbers"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("sentence", NOT_PRICES)
def test_it_finds_no_price_where_there_is_none(sentence):
    assert extract_prices(sentence) == []


def test_it_keeps_the_qualifier_and_the_unit_in_the_quoted_text():
    (quote,) = extract_prices("Prices start at $1,500 per knee.")
    assert quote.text == "start at $1,500 per knee"


def test_it_counts_offsets_in_code_points_past_emoji():
    sentence = "✅💉 Only $300 per session 👉 book now"
    (quote,) = extract_prices(sentence)
    assert (quote.start, quote.end) == (8, 24)
    assert quote.text == "$300 per session"


def test_it_keeps_the_whole_range_in_one_quote():
    sentence = "Prices range from $1,500 (2 injections) to $10,000."
    (quote,) = extract_prices(sentence)
    assert quote.text == "from $1,500 (2 injections) to $10,000"
