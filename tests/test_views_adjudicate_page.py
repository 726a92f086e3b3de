"""The adjudication page as the server sends it: the grid of reviewers' tags readable without
a script, the decisions' states, the agreement figures, who may open it, and a query count
that does not grow with the grid."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Article
from claims.services.annotations import AnnotationDraft, annotation_create
from claims.services.review import (
    adjudication_finish,
    assignment_mark,
    assignments_create,
    decision_make,
    decisions_accept_unanimous,
)
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

# Six sentences, one per line.
CLINIC_PAGE = (
    "Our stem cells cure arthritis for good.\n"
    "The treatment has no side effects at all.\n"
    "A 52-year-old woman was symptom-free after 4 infusions.\n"
    "Book a free consultation today.\n"
    "Treatment costs from $1,500 to $10,000.\n"
    "Results are guaranteed or your money back.\n"
)
CURE = "Our stem cells cure arthritis"
SAFE = "no side effects"
PRICE = "costs from $1,500"


@pytest.fixture
def article(make_article) -> Article:
    article = make_article(CLINIC_PAGE, title="Cartilage regrowth")
    assert article.sentences.count() == 6
    return article


@pytest.fixture
def reviewed(article, reviewer, other_reviewer) -> Article:
    """Both reviewers call sentence 1 overstated; only rita prices sentence 5, only omar calls
    sentence 2 unsupported."""
    for author in (reviewer, other_reviewer):
        annotate_phrase(author, article, "overstated", CURE)
    annotate_phrase(reviewer, article, "price-claim", PRICE)
    annotate_phrase(other_reviewer, article, "unsupported", SAFE)
    return article


def page_for(client, user, article_id: int):
    client.force_login(user)
    return client.get(reverse("claims:article_adjudicate", args=[article_id]))


def grid_row(html: str, index: int) -> str:
    found = re.search(rf'<tr id="row-{index}".*?</tr>', html, re.S)
    assert found, f"no grid row for sentence {index}"
    return found.group(0)


def proposal(html: str, index: int, tag: str) -> str:
    found = re.search(rf'<li class="proposal" id="p-{index}-{tag}".*?</li>', html, re.S)
    assert found, f"no proposal of {tag} for sentence {index}"
    return found.group(0)


def text_of(fragment: str) -> str:
    """The fragment's words as a reader gets them: no tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def page_data(response) -> dict:
    found = re.search(
        r'<script id="adjudication-data" type="application/json">(.*?)</script>',
        response.text,
        re.S,
    )
    return json.loads(found.group(1))


def test_it_shows_editors_a_row_per_tagged_sentence_with_each_reviewers_tags(
    client, editor, reviewed
):
    response = page_for(client, editor, reviewed.pk)
    assert response.status_code == 200
    html = response.text
    assert re.findall(r'<tr id="row-(\d+)"', html) == ["0", "1", "4"]
    assert re.findall(r'<th scope="col" class="coder">(\w+)</th>', html) == ["omar", "rita"]
    cure = text_of(grid_row(html, 0))
    assert cure.startswith("Sentence 1 Our stem cells cure arthritis for good.")
    # omar's column, then rita's: the tag names in words beside their colours, each with the
    # words the reviewer chose.
    assert f"Overstated {CURE} Overstated {CURE} Overstated 2 of 2" in cure
    assert text_of(grid_row(html, 1)).startswith(
        f"Sentence 2 Disagreement The treatment has {SAFE} at all. Unsupported {SAFE} No tag"
    )
    assert text_of(grid_row(html, 4)).startswith(
        f"Sentence 5 Disagreement Treatment {PRICE} to $10,000. No tag Price claim {PRICE}"
    )
    assert '<rect width="10" height="10" fill="#' in grid_row(html, 0)


def test_it_shows_each_reviewers_note_and_marks_their_exact_words_in_the_sentence(
    client, editor, article, reviewer, other_reviewer
):
    annotate_phrase(reviewer, article, "overstated", SAFE, note="Absolute: <no> risk at all")
    annotation_create(
        author=other_reviewer,
        draft=AnnotationDraft(
            article_id=article.pk, tag="unsupported", sentences=(1, 1), note="No trial cited"
        ),
    )
    row = grid_row(page_for(client, editor, article.pk).text, 1)

    sentence = re.search(r'<td class="sentence-text">(.*?)</td>', row, re.S).group(1).strip()
    assert sentence == (
        'The treatment has <mark class="reviewer-span" title="rita: Overstated">'
        "no side effects</mark> at all."
    )
    omar, rita = re.findall(r'<td class="coder-tags">(.*?)</td>', row, re.S)
    # omar tagged the whole sentence: no quote, only his note.
    assert "mark-quote" not in omar
    assert text_of(omar) == "Unsupported omar’s note: No trial cited"
    start = article.text.index(SAFE)
    where = f"Characters {start}–{start + len(SAFE)}"
    assert f'<q class="mark-quote" title="{where}">{SAFE}</q>' in rita
    # Notes are text, never markup.
    assert "Absolute: &lt;no&gt; risk at all" in rita


def test_it_marks_disagreements_in_words_as_well_as_in_colour(client, editor, reviewed):
    html = page_for(client, editor, reviewed.pk).text
    assert 'class="grid-row"' in grid_row(html, 0)
    assert "Disagreement" not in grid_row(html, 0)
    for index in (1, 4):
        row = grid_row(html, index)
        assert 'class="grid-row disagreement"' in row
        assert '<strong class="disagreement-label">Disagreement</strong>' in row


def test_it_lists_each_proposed_tag_with_who_gave_it_and_its_decision(client, editor, reviewed):
    decision_make(article=reviewed, sentence=1, tag="unsupported", accept=False, editor=editor)
    html = page_for(client, editor, reviewed.pk).text

    unanimous = proposal(html, 0, "overstated")
    assert text_of(unanimous).startswith("Overstated 2 of 2 (omar, rita) Pending")
    assert 'data-state="pending"' in unanimous
    assert unanimous.count('aria-pressed="false"') == 2

    rejected = proposal(html, 1, "unsupported")
    assert text_of(rejected).startswith("Unsupported 1 of 2 (omar) Rejected")
    assert re.search(r'class="accept" data-accept="true" aria-pressed="false"', rejected)
    assert re.search(r'class="reject" data-accept="false" aria-pressed="true"', rejected)
    assert "Accept Unsupported for sentence 2" in text_of(rejected)


def test_it_counts_what_is_pending_decided_and_disputed(client, editor, reviewed):
    decision_make(article=reviewed, sentence=4, tag="price-claim", accept=True, editor=editor)
    html = page_for(client, editor, reviewed.pk).text
    assert '<dd id="count-pending">2</dd>' in html
    assert '<dd id="count-decided">1</dd>' in html
    assert '<dd id="count-disagreements">2</dd>' in html
    assert 'Accept all unanimous (<span id="unanimous-count">1</span>)' in html
    assert 'data-state="accepted"' in proposal(html, 4, "price-claim")


def test_it_shows_the_articles_agreement_per_tag_and_over_all_tags(client, editor, reviewed):
    html = page_for(client, editor, reviewed.pk).text
    table = re.search(r'<table class="report-table agreement-table".*?</table>', html, re.S)
    rows = [text_of(row) for row in re.findall(r"<tr>.*?</tr>", table.group(0), re.S)]
    # Worked out by hand over 6 sentences. Overstated: both said yes once, no five times.
    # Unsupported and price claim: one lone yes each, so kappa and alpha are 0. All tags:
    # 18 units, 2 split 1-1; kappa (18·16 − 2·2 − 16·16)/(18² − 2·2 − 16·16) = 28/64;
    # alpha 1 − (4/36)/(2·4·32/(36·35)) = 0.453.
    assert rows[1:] == [
        "Unsupported 1 83% 0.00 0.00",
        "Overstated 1 100% 1.00 1.00",
        "Price claim 1 83% 0.00 0.00",
        "All tags 3 89% 0.44 0.45",
    ]
    assert "Agreement of omar, rita, sentence by sentence, over 6 sentences" in text_of(html)


def test_it_writes_a_dash_where_a_figure_is_undefined(
    client, editor, article, reviewer, other_reviewer
):
    # Two reviewers, both tagging every sentence the same: alpha is 0/0, kappa's pe is 1.
    for author in (reviewer, other_reviewer):
        annotation_create(
            author=author,
            draft=AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(0, 5)),
        )
    html = page_for(client, editor, article.pk).text
    assert "Overstated 6 100% — —" in text_of(html)


def test_it_says_agreement_needs_a_second_reviewer(client, editor, article, reviewer):
    annotate_phrase(reviewer, article, "overstated", CURE)
    html = page_for(client, editor, article.pk).text
    assert "agreement-table" not in html
    assert "Agreement needs two or more reviewers" in html
    assert "so far only rita." in text_of(html)


def test_it_shows_each_reviewers_assignment_and_who_is_not_done(
    client, editor, reviewer, other_reviewer, article
):
    assignments_create(articles=[article], reviewers=[reviewer, other_reviewer], editor=editor)
    assignment_mark(assignment=article.assignments.get(reviewer=reviewer), done=True, user=reviewer)
    html = page_for(client, editor, article.pk).text
    states = re.search(r'<ul class="reviewer-states".*?</ul>', html, re.S).group(0)
    assert re.findall(r"<strong>(\w+)</strong>: ([\w ]+)</li>", states) == [
        ("omar", "Still reviewing"),
        ("rita", "Review done"),
    ]
    assert "Not done yet: omar." in html


def test_it_disables_finish_and_says_why_while_tags_wait(client, editor, reviewed):
    html = page_for(client, editor, reviewed.pk).text
    assert re.search(r'<button type="button" id="finish-button"[^>]* disabled>', html)
    assert "Decide every proposed tag first: 3 still wait for a decision." in html


def test_it_shows_who_finished_the_adjudication_and_when(client, editor, reviewed):
    decisions_accept_unanimous(article=reviewed, editor=editor)
    for index, tag in ((1, "unsupported"), (4, "price-claim")):
        decision_make(article=reviewed, sentence=index, tag=tag, accept=False, editor=editor)
    adjudication_finish(article=reviewed, editor=editor)
    html = page_for(client, editor, reviewed.pk).text
    assert not re.search(r'id="finish-button"[^>]* disabled', html)
    assert "Every proposed tag has a decision." in html
    assert '<p id="adjudicated" class="adjudicated">' in html
    assert 'Adjudication finished by <span id="adjudicated-by">edna</span>' in html
    assert re.search(
        r'<span class="status status-reviewed" id="article-status">Reviewed</span>', html
    )


def test_it_says_so_when_nobody_has_tagged_the_article(client, editor, article):
    html = page_for(client, editor, article.pk).text
    assert "No reviewer has tagged this article yet" in html
    assert '<p id="adjudicated" class="adjudicated" hidden>' in html


def test_it_links_back_to_the_annotation_page_and_the_report(client, editor, reviewed):
    html = page_for(client, editor, reviewed.pk).text
    assert f'href="{reverse("claims:article_detail", args=[reviewed.pk])}"' in html
    assert f'href="{reverse("claims:article_report", args=[reviewed.pk])}"' in html


def test_it_hands_the_script_the_api_addresses_and_a_csrf_token(client, editor, reviewed):
    data = page_data(page_for(client, editor, reviewed.pk))
    base = f"/api/v1/articles/{reviewed.pk}/adjudication/"
    assert data["api"] == {
        "grid": base,
        "decisions": f"{base}decisions/",
        "unanimous": f"{base}unanimous/",
        "finish": f"{base}finish/",
    }
    assert data["article"] == {"id": reviewed.pk, "status": "in_review"}
    assert data["user"] == {"username": "edna"}
    assert data["csrf_token"]


@pytest.mark.parametrize("persona", ["reviewer", "reader", "outsider"])
def test_it_refuses_everyone_but_editors(client, request, persona, reviewed):
    response = page_for(client, request.getfixturevalue(persona), reviewed.pk)
    assert response.status_code == 403
    assert "Disagreement" not in response.text


def test_it_sends_anonymous_visitors_to_sign_in(client, reviewed):
    url = reverse("claims:article_adjudicate", args=[reviewed.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_it_answers_404_for_a_missing_article(client, editor):
    assert page_for(client, editor, 999_999).status_code == 404


def test_it_takes_no_writes(client, editor, reviewed):
    client.force_login(editor)
    url = reverse("claims:article_adjudicate", args=[reviewed.pk])
    assert client.post(url).status_code == 405


def test_its_query_count_does_not_grow_with_the_grid(
    client, editor, reviewer, other_reviewer, make_article
):
    small = make_article("One cure. Two cures.\n", title="Small")
    big = make_article("".join(f"Claim {n} cures everything.\n" for n in range(40)), title="Big")
    for author in (reviewer, other_reviewer):
        for article, last in ((small, 1), (big, 39)):
            annotation_create(
                author=author,
                draft=AnnotationDraft(
                    article_id=article.pk,
                    tag="overstated" if author == reviewer else "unsupported",
                    sentences=(0, last),
                ),
            )
    client.force_login(editor)
    counts = []
    for article in (small, big):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("claims:article_adjudicate", args=[article.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.text.count('<tr id="row-') == 40
    assert counts[1] == counts[0]
