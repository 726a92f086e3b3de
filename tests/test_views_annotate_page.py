"""The annotation page as the server sends it: blocks and sentences, the data annotate.js
reads (the reviewer's assignment among it), the views and links each role gets, who may open
it, and the headers that keep uploaded text inert."""

import json
import re

import pytest
from django.urls import reverse

from claims.models import Assignment, Sentence, Tag
from claims.services.annotations import AnnotationDraft, annotation_create
from claims.services.read_through import read_through_mark
from claims.services.review import (
    adjudication_finish,
    assignment_mark,
    assignments_create,
    decision_make,
)

pytestmark = pytest.mark.django_db

ARTICLE_MD = (
    "# Regrow your cartilage\n\n"
    "Our stem cells rebuild worn knees. Most patients walk pain-free in weeks.\n\n"
    "- No surgery.\n"
    "- No downtime.\n"
)


def page_for(client, user, article):
    client.force_login(user)
    return client.get(reverse("claims:article_detail", args=[article.pk]))


def page_data(response) -> dict:
    found = re.search(
        r'<script id="article-data" type="application/json">(.*?)</script>', response.text, re.S
    )
    return json.loads(found.group(1))


def test_it_renders_every_sentence_as_an_element_with_its_offsets(client, reviewer, make_article):
    article = make_article(ARTICLE_MD, filename="knees.md")
    response = page_for(client, reviewer, article)
    assert response.status_code == 200
    for sentence in Sentence.objects.filter(article=article):
        element = (
            f'<span class="s" id="s{sentence.index}" tabindex="-1" '
            f'data-start="{sentence.start}" data-end="{sentence.end}">{sentence.text}</span>'
        )
        assert element in response.text
        assert article.text[sentence.start : sentence.end] == sentence.text


def test_it_renders_headings_paragraphs_and_list_items_as_blocks(client, reviewer, make_article):
    article = make_article(ARTICLE_MD, filename="knees.md")
    text = page_for(client, reviewer, article).text
    assert '<h2 class="block kind-heading"><span class="s" id="s0"' in text
    assert '<p class="block kind-paragraph"><span class="s" id="s1"' in text
    assert text.count('<p class="block kind-list_item">') == 2


def test_it_hands_the_script_the_vocabulary_and_the_api_addresses(client, reviewer, make_article):
    article = make_article()
    Tag.objects.filter(slug="price-claim").update(archived=True)
    data = page_data(page_for(client, reviewer, article))
    assert [t["slug"] for t in data["tags"]] == ["unsupported", "overstated", "cited-case-report"]
    assert data["tags"][0]["shortcut"] == "1"
    assert data["article"] == {
        "id": article.pk,
        "status": "new",
        "title": article.title,
        "suggestions_blind": False,
    }
    assert data["user"] == {
        "username": reviewer.username,
        "can_annotate": True,
        "can_see_history": False,
        "sees_all": False,
        "is_editor": False,
        "is_reviewer": True,
    }
    assert data["api"] == {
        "annotations": "/api/v1/annotations/",
        "article": f"/api/v1/articles/{article.pk}/",
        "suggestions": f"/api/v1/articles/{article.pk}/suggestions/",
        "suggestions_accept": f"/api/v1/articles/{article.pk}/suggestions/accept/",
        "suggestions_reopen": f"/api/v1/articles/{article.pk}/suggestions/reopen/",
        "suggestion": "/api/v1/suggestions/{id}/{action}/",
        "reply_counts": f"/api/v1/articles/{article.pk}/reply-counts/",
        "replies": "/api/v1/replies/",
    }
    assert data["reviewers"] == []
    assert data["assignment"] is None


def test_it_lists_the_articles_reviewers_for_editors_only(
    client, reviewer, other_reviewer, editor, reader, make_article
):
    article = make_article()
    for author in (other_reviewer, reviewer):
        annotation_create(
            author=author,
            draft=AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(1, 1)),
        )
    assert page_data(page_for(client, editor, article))["reviewers"] == ["omar", "rita"]
    assert page_data(page_for(client, reader, article))["reviewers"] == ["omar", "rita"]
    assert page_data(page_for(client, reviewer, article))["reviewers"] == []


def test_it_gives_every_role_the_suggestions_switch_and_editors_the_blind_one(
    client, reviewer, editor, reader, make_article
):
    article = make_article()
    show = '<input type="checkbox" id="suggestions-toggle" checked> Show suggestions'
    blind_note = "Suggestions are hidden for this review (blind pass)"
    for user in (reviewer, reader):
        text = page_for(client, user, article).text
        assert show in text
        assert blind_note in text  # hidden until the suggestions' answer says blind
        assert 'id="reviewers-see-suggestions"' not in text
    text = page_for(client, editor, article).text
    assert show in text
    assert '<input type="checkbox" id="reviewers-see-suggestions" checked>' in text


def test_it_shows_editors_an_article_kept_blind_as_not_seen_by_reviewers(
    client, editor, make_article
):
    article = make_article()
    article.suggestions_blind = True
    article.save(update_fields=["suggestions_blind"])
    response = page_for(client, editor, article)
    assert '<input type="checkbox" id="reviewers-see-suggestions">' in response.text
    assert page_data(response)["article"]["suggestions_blind"] is True


def test_it_lists_the_suggestion_keys_in_the_shortcuts(client, reviewer, make_article):
    text = page_for(client, reviewer, make_article()).text
    for key in (
        "<dt><kbd>a</kbd></dt>",
        "<dt><kbd>x</kbd></dt>",
        "<kbd>Shift</kbd> + <kbd>a</kbd>",
    ):
        assert key in text


def test_it_tells_the_script_a_reader_cannot_annotate(client, reader, make_article):
    data = page_data(page_for(client, reader, make_article()))
    assert data["user"]["can_annotate"] is False


def test_it_escapes_markup_in_the_article_text(client, reviewer, make_article):
    hostile = 'Try it now. <script>alert("x")</script> <img src=x onerror=alert(1)> works.'
    response = page_for(client, reviewer, make_article(hostile))
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text


def test_it_runs_no_inline_script_and_forbids_it_by_policy(client, reviewer, make_article):
    response = page_for(client, reviewer, make_article())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    executable = [
        (attrs, body) for attrs, body in scripts if 'type="application/json"' not in attrs
    ]
    assert executable == [
        (' type="module" src="/static/claims/annotate.js"', ""),
        (' type="module" src="/static/claims/seen_elsewhere.js"', ""),
    ]


def test_it_refuses_a_signed_in_user_without_a_role(client, outsider, make_article):
    assert page_for(client, outsider, make_article()).status_code == 403


def test_it_answers_404_for_a_missing_article(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("claims:article_detail", args=[999_999]))
    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, make_article):
    response = client.get(reverse("claims:article_detail", args=[make_article().pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_uploads_from_a_reader(client, reader):
    client.force_login(reader)
    response = client.post(reverse("claims:article_upload"), {"text": "Stem cells cure all."})
    assert response.status_code == 403


def test_it_sends_the_annotation_page_in_a_fixed_number_of_queries(
    client, reviewer, make_article, django_assert_num_queries
):
    article = make_article(ARTICLE_MD * 20, filename="knees.md")
    client.force_login(reviewer)
    # session, user, roles, article, the reviewer's assignment, tags, the read-through,
    # sentences
    with django_assert_num_queries(8):
        client.get(reverse("claims:article_detail", args=[article.pk]))


# --- The reviewer's assignment ------------------------------------------------------------------


def assigned(article, reviewer, editor, *, done: bool = False) -> Assignment:
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor)
    assignment = Assignment.objects.get(article=article, reviewer=reviewer)
    if done:
        assignment_mark(assignment=assignment, done=True, user=reviewer)
    return assignment


def test_it_gives_an_assigned_reviewer_the_button_that_marks_their_review_done(
    client, reviewer, editor, make_article
):
    article = make_article()
    assignment = assigned(article, reviewer, editor)
    response = page_for(client, reviewer, article)
    assert page_data(response)["assignment"] == {
        "id": assignment.pk,
        "done": False,
        "url": f"/api/v1/assignments/{assignment.pk}/",
    }
    assert '<button type="button" id="review-button">Mark my review done</button>' in response.text
    assert 'id="assignment-state">Assigned to you</span>' in response.text


def test_it_offers_to_reopen_a_review_marked_done(client, reviewer, editor, make_article):
    article = make_article()
    assigned(article, reviewer, editor, done=True)
    response = page_for(client, reviewer, article)
    assert page_data(response)["assignment"]["done"] is True
    assert '<button type="button" id="review-button">Reopen my review</button>' in response.text
    assert 'id="assignment-state">Your review is done</span>' in response.text


def test_it_gives_no_review_button_to_an_unassigned_reviewer_or_an_editor(
    client, reviewer, other_reviewer, editor, make_article
):
    article = make_article()
    assigned(article, other_reviewer, editor)
    for user in (reviewer, editor):
        response = page_for(client, user, article)
        assert page_data(response)["assignment"] is None
        assert 'id="review-button"' not in response.text
        assert "Mark article reviewed" not in response.text
        # Not assigned, still free to annotate.
        assert page_data(response)["user"]["can_annotate"] is True


# --- Views and links by role --------------------------------------------------------------------

FINAL_OPTION = '<option value=":final">Final</option>'
EVERYONE_OPTION = '<option value="*">Everyone</option>'


def adjudicated(article, editor):
    decision_make(article=article, sentence=1, tag="overstated", accept=True, editor=editor)
    return adjudication_finish(article=article, editor=editor)


def test_it_offers_reviewers_the_final_view_only_once_the_article_is_adjudicated(
    client, reviewer, editor, make_article
):
    article = make_article()
    annotation_create(
        author=reviewer,
        draft=AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(1, 1)),
    )
    assert 'id="view-select"' not in page_for(client, reviewer, article).text

    adjudicated(article, editor)
    after = page_for(client, reviewer, article)
    assert FINAL_OPTION in after.text
    assert EVERYONE_OPTION not in after.text


def test_it_offers_editors_and_readers_everyone_and_the_final_view_at_any_time(
    client, editor, reader, make_article
):
    article = make_article()
    for user in (editor, reader):
        text = page_for(client, user, article).text
        assert EVERYONE_OPTION in text
        assert FINAL_OPTION in text


def test_it_links_editors_to_the_adjudication_and_the_history(
    client, reviewer, editor, reader, make_article
):
    article = make_article()
    adjudicate = f'<a href="/articles/{article.pk}/adjudicate/">Adjudicate</a>'
    history = f'<a href="/articles/{article.pk}/history/">History</a>'
    response = page_for(client, editor, article)
    assert adjudicate in response.text
    assert history in response.text
    assert page_data(response)["user"]["can_see_history"] is True
    for user in (reviewer, reader):
        response = page_for(client, user, article)
        assert adjudicate not in response.text
        assert history not in response.text
        assert page_data(response)["user"]["can_see_history"] is False


def test_it_sends_an_editor_the_annotation_page_in_a_fixed_number_of_queries(
    client, reviewer, editor, make_article, django_assert_num_queries
):
    article = make_article(ARTICLE_MD * 20, filename="knees.md")
    annotation_create(
        author=reviewer,
        draft=AnnotationDraft(article_id=article.pk, tag="overstated", sentences=(1, 1)),
    )
    client.force_login(editor)
    # session, user, roles, article, tags, the article's reviewers, the read-through,
    # sentences
    with django_assert_num_queries(8):
        client.get(reverse("claims:article_detail", args=[article.pk]))


def test_it_gives_the_page_how_far_the_user_has_read_and_readers_no_read_through(
    client, reviewer, reader, make_article
):
    article = make_article()
    read_through_mark(article=article, reviewer=reviewer, read_up_to=1)
    response = page_for(client, reviewer, article)
    assert page_data(response)["read_through"] == {
        "url": f"/api/v1/articles/{article.pk}/read-through/",
        "read_up_to": 1,
    }
    assert 'id="read-button"' in response.text

    response = page_for(client, reader, article)
    assert page_data(response)["read_through"] is None
    assert 'id="read-button"' not in response.text
