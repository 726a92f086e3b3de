"""The Markdown report: a section per article, the quote and note of each annotation."""

import pytest
from django.urls import reverse

from claims.exports.markdown import escaped, quoted
from tests.helpers import annotate_phrase


def _report(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.getvalue().decode("utf-8")


@pytest.mark.django_db
def test_it_writes_an_article_section_with_each_annotation(client, editor, reviewer, make_article):
    article = make_article(title="Knees", source_url="https://regenwell.example/knees")
    tagged = annotate_phrase(reviewer, article, "overstated", "no side effects", "Says who?")
    made = tagged.created_at.strftime("%Y-%m-%d %H:%M UTC")
    start = article.text.index("no side effects")

    report = _report(client, editor, reverse("claims:article_export", args=[article.pk, "md"]))

    assert report == (
        "# Annotations on “Knees”\n\n"
        "## Knees\n\n"
        f"RegenWell Institute · <https://regenwell.example/knees> · article {article.pk}\n\n"
        "### 1. Overstated\n\n"
        "> no side effects\n\n"
        f"Reviewer rita · {made} · characters {start}–{start + 15}\n\n"
        "Note: Says who?\n\n"
    )


@pytest.mark.django_db
def test_it_gives_each_article_of_the_corpus_its_own_section(
    client, editor, reviewer, make_article
):
    knees = make_article(title="Knees")
    ozone = make_article(text="Ozone cures all. Call now.", title="Ozone", publisher="PureLife")
    annotate_phrase(reviewer, knees, "overstated", "no side effects")
    annotate_phrase(reviewer, knees, "price-claim", "$10,000")
    annotate_phrase(reviewer, ozone, "overstated", "Ozone cures all.")

    report = _report(client, editor, reverse("claims:corpus_export", args=["md"]))

    assert report.startswith("# Claimscope annotations\n\n")
    assert report.count("\n## ") == 2
    assert report.index("## Knees") < report.index("### 2. Price claim") < report.index("## Ozone")


@pytest.mark.django_db
def test_it_says_when_there_is_nothing_to_report(client, reviewer, make_article):
    article = make_article()

    report = _report(client, reviewer, reverse("claims:article_export", args=[article.pk, "md"]))

    assert report.endswith("No annotations.\n")


def test_it_keeps_notes_from_turning_into_markdown():
    note = "# Not a heading\n- not a list\n1. not a list\n*not emphasis* [not](a link) <b>"

    assert escaped(note) == (
        "\\# Not a heading\n\\- not a list\n1\\. not a list\n"
        "\\*not emphasis\\* \\[not\\](a link) \\<b\\>"
    )


def test_it_quotes_every_line_of_a_multi_line_quote():
    assert quoted("First line\n\nThird line") == "> First line\n>\n> Third line"
