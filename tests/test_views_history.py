"""An article's history page: every event oldest first, with the tag, sentence and change each
is about, deleted annotations included; editors only; paged in a fixed number of queries."""

import re

import pytest
from django.urls import reverse

from claims.models import Annotation, Article
from claims.review import views
from claims.services.annotations import annotation_delete, annotation_update
from claims.services.review import adjudication_finish, assignments_create, decision_make
from claims.services.threads import reply_create, reply_delete, reply_edit
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

CLINIC = (
    "Stem cells regrow cartilage.\n"
    "A 70-year-old runner was pain-free in 6 weeks.\n"
    "Treatment costs $9,800.\n"
)


def history_url(article: Article) -> str:
    return reverse("claims:article_history", args=[article.pk])


def body_rows(html: str) -> list[list[str]]:
    """The table's body rows as lists of cell texts, tags stripped and spaces squeezed."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in row] for row in cells]


@pytest.fixture
def article(make_article) -> Article:
    return make_article(CLINIC, title="Knee clinic")


def test_it_lists_every_event_oldest_first_including_a_deleted_annotations(
    client, reviewer, editor, article
):
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor)
    runner = annotate_phrase(reviewer, article, "overstated", "pain-free in 6 weeks", note="n=1")
    annotation_update(annotation=runner, user=runner.author, tag="cited-case-report")
    annotation_update(annotation=runner, user=runner.author, note="One runner is not evidence.")
    annotation_delete(annotation=runner, user=runner.author)
    client.force_login(editor)

    rows = body_rows(client.get(history_url(article)).text)

    whats = [(row[1], row[2], row[3], row[4], row[5]) for row in rows]
    ident = str(runner.pk)
    assert whats == [
        ("edna", "Assigned", "", "", ""),
        ("rita", "Created", ident, "Overstated", "2"),
        ("rita", "Changed", ident, "Cited case report", "2"),
        ("rita", "Changed", ident, "Cited case report", "2"),
        ("rita", "Deleted", ident, "Cited case report", "2"),
    ]
    details = [row[6] for row in rows]
    assert details[0] == "Reviewer: rita"
    assert details[1] == "pain-free in 6 weeks Note: n=1"
    assert details[2] == "tag: Overstated → Cited case report"
    assert details[3] == "note: n=1 → One runner is not evidence."
    # The annotation is gone; what it was stays readable.
    assert not Annotation.objects.filter(pk=runner.pk).exists()
    assert details[4] == "pain-free in 6 weeks Note: One runner is not evidence."


def test_it_shows_an_empty_note_as_none_and_escapes_what_reviewers_wrote(
    client, reviewer, editor, article
):
    claim = annotate_phrase(reviewer, article, "unsupported", "regrow cartilage")
    annotation_update(annotation=claim, user=claim.author, note="<script>alert(1)</script>")
    client.force_login(editor)
    html = client.get(history_url(article)).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert body_rows(html)[1][6] == "note: (none) → &lt;script&gt;alert(1)&lt;/script&gt;"


def test_it_names_the_tag_of_a_change_whose_annotation_was_made_on_an_earlier_page(
    client, reviewer, editor, article, monkeypatch
):
    price = annotate_phrase(reviewer, article, "price-claim", "$9,800")
    annotate_phrase(reviewer, article, "overstated", "regrow cartilage")
    annotation_update(annotation=price, user=price.author, note="No currency stated.")
    monkeypatch.setattr(views, "HISTORY_PAGE_SIZE", 2)
    client.force_login(editor)

    response = client.get(history_url(article), {"page": 2})

    [change] = body_rows(response.text)
    assert change[2:6] == ["Changed", str(price.pk), "Price claim", "3"]
    assert "Page 2 of 2 (3 events)" in response.text


def test_it_lists_adjudication_decisions_with_their_sentence(client, reviewer, editor, article):
    annotate_phrase(reviewer, article, "overstated", "Stem cells regrow cartilage.")
    decision_make(article=article, sentence=0, tag="overstated", accept=True, editor=editor)
    decision_make(article=article, sentence=2, tag="price-claim", accept=False, editor=editor)
    adjudication_finish(article=article, editor=editor)
    client.force_login(editor)

    rows = body_rows(client.get(history_url(article)).text)

    final = Annotation.objects.get(final=True)
    assert [row[1:6] for row in rows[1:]] == [
        ["edna", "Accepted", str(final.pk), "Overstated", "1"],
        ["edna", "Rejected", "", "Price claim", "3"],
        ["edna", "Adjudication finished", "", "", ""],
    ]


def test_it_says_when_nothing_has_happened_yet(client, editor, article):
    client.force_login(editor)
    response = client.get(history_url(article))
    assert response.status_code == 200
    assert "Nothing has happened to this article yet." in response.text


def test_it_refuses_the_history_to_reviewers_readers_and_users_without_a_role(
    client, reviewer, reader, outsider, article
):
    annotate_phrase(reviewer, article, "overstated", "regrow cartilage")
    for user in (reviewer, reader, outsider):
        client.force_login(user)
        assert client.get(history_url(article)).status_code == 403


def test_it_sends_anonymous_visitors_to_sign_in(client, article):
    response = client.get(history_url(article))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_404_for_the_history_of_a_missing_article(client, editor):
    client.force_login(editor)
    assert client.get(reverse("claims:article_history", args=[999_999])).status_code == 404


def test_it_answers_405_to_a_post(client, editor, article):
    client.force_login(editor)
    assert client.post(history_url(article)).status_code == 405


def test_it_renders_a_page_of_history_in_a_fixed_number_of_queries(
    client, reviewer, other_reviewer, editor, article, django_assert_num_queries, monkeypatch
):
    for author in (reviewer, other_reviewer):
        for phrase in ("regrow cartilage", "pain-free", "$9,800"):
            made = annotate_phrase(author, article, "overstated", phrase)
            annotation_update(
                annotation=made, user=made.author, note=f"{author.username} on {phrase}"
            )
            annotation_delete(annotation=made, user=made.author)
    assignments_create(articles=[article], reviewers=[reviewer, other_reviewer], editor=editor)
    monkeypatch.setattr(views, "HISTORY_PAGE_SIZE", 8)
    client.force_login(editor)
    for page in (1, 2, 3):
        # session, user, roles, article, count, events, their annotations' earlier events,
        # sentences, tags
        with django_assert_num_queries(9):
            response = client.get(history_url(article), {"page": page})
        assert len(body_rows(response.text)) == (8, 8, 4)[page - 1]


def test_it_lists_a_threads_replies_and_a_decisions_comment(client, reviewer, editor, article):
    runner = annotate_phrase(reviewer, article, "overstated", "pain-free in 6 weeks")
    question = reply_create(annotation=runner, author=editor, body="One runner?")
    reply_edit(reply=question, user=editor, body="Only one runner?")
    answer = reply_create(annotation=runner, author=reviewer, body="Yes, <b>one</b>.")
    reply_delete(reply=answer, user=reviewer)
    decide = {"article": article, "sentence": 1, "tag": "overstated", "editor": editor}
    decision_make(**decide, accept=True, comment="A single case proves nothing.")
    client.force_login(editor)

    html = client.get(history_url(article)).text
    rows = body_rows(html)

    ident = str(runner.pk)
    assert [row[1:7] for row in rows[1:5]] == [
        ["edna", "Replied", ident, "Overstated", "2", "Reply: One runner?"],
        ["edna", "Reply edited", ident, "Overstated", "2", "body: One runner? → Only one runner?"],
        ["rita", "Replied", ident, "Overstated", "2", "Reply: Yes, &lt;b&gt;one&lt;/b&gt;."],
        ["rita", "Reply deleted", ident, "Overstated", "2", "Reply: Yes, &lt;b&gt;one&lt;/b&gt;."],
    ]
    assert rows[-1][1:7] == [
        "edna",
        "Decision commented",
        "",
        "Overstated",
        "2",
        "comment: (none) → A single case proves nothing.",
    ]
