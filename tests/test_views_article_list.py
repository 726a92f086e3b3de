"""The article list page: search, filters, per-user counts, last activity and paging."""

import pytest
from django.urls import reverse

from claims import services, views
from claims.models import Article

pytestmark = pytest.mark.django_db
LIST = reverse("claims:article_list")
EVERYONES_COLUMN = '<th scope="col" class="num">Everyone\'s</th>'


def clinic_text(number: int) -> str:
    return f"Clinic page {number}. Our injections repair cartilage. Sessions cost ${number},000."


def tag_first_sentence(article: Article, *, author, tag: str = "unsupported") -> None:
    services.annotation_create(
        author=author,
        draft=services.AnnotationDraft(article_id=article.pk, tag=tag, sentences=(0, 0)),
    )


def rows(response) -> list[tuple]:
    return [(a.title, a.mine_count, a.annotation_count, a.status) for a in response.context["page"]]


def test_it_counts_my_annotations_and_hides_everyones_column_from_reviewers(
    client, reviewer, other_reviewer, make_article
):
    article = make_article(clinic_text(1), title="Knees")
    tag_first_sentence(article, author=reviewer)
    tag_first_sentence(article, author=other_reviewer)
    client.force_login(reviewer)
    response = client.get(LIST)
    assert rows(response) == [("Knees", 1, 1, "in_review")]
    assert EVERYONES_COLUMN not in response.text


def test_it_shows_editors_everyones_count(client, editor, reviewer, other_reviewer, make_article):
    article = make_article(clinic_text(1), title="Knees")
    tag_first_sentence(article, author=reviewer)
    tag_first_sentence(article, author=other_reviewer, tag="overstated")
    client.force_login(editor)
    response = client.get(LIST)
    assert [(a.mine_count, a.annotation_count) for a in response.context["page"]] == [(0, 2)]
    assert EVERYONES_COLUMN in response.text


def test_it_filters_by_status_publisher_and_a_tag_i_can_see(
    client, reviewer, other_reviewer, make_article
):
    knees = make_article(clinic_text(1), title="Knees", publisher="RegenWell")
    spine = make_article(clinic_text(2), title="Spine", publisher="NovaStem")
    hair = make_article(clinic_text(3), title="Hair", publisher="NovaStem")
    services.article_update(article=hair, status="reviewed")
    tag_first_sentence(knees, author=reviewer, tag="price-claim")
    tag_first_sentence(spine, author=other_reviewer, tag="price-claim")
    client.force_login(reviewer)

    def titles(**query) -> list[str]:
        return [a.title for a in client.get(LIST, query).context["page"]]

    assert titles(status="reviewed") == ["Hair"]
    assert titles(publisher="NovaStem") == ["Hair", "Spine"]
    # Omar's tag on "Spine" is not Rita's to see.
    assert titles(tag="price-claim") == ["Knees"]
    assert titles(q="spine") == ["Spine"]


def test_it_drops_an_unknown_filter_value_and_says_so(client, reviewer, make_article):
    make_article(clinic_text(1), title="Knees")
    client.force_login(reviewer)
    response = client.get(LIST, {"status": "approved"})
    assert response.status_code == 200
    assert [a.title for a in response.context["page"]] == ["Knees"]
    assert "Select a valid choice." in response.text


def test_it_dates_last_activity_by_the_latest_annotation(client, reviewer, make_article):
    article = make_article(clinic_text(1))
    tag_first_sentence(article, author=reviewer)
    latest = article.annotations.get().updated_at
    client.force_login(reviewer)
    listed = client.get(LIST).context["page"][0]
    assert listed.last_activity >= latest


def test_it_keeps_the_filters_in_the_page_links(client, reviewer, make_article, monkeypatch):
    for number in range(3):
        make_article(clinic_text(number), publisher="NovaStem")
    client.force_login(reviewer)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    response = client.get(LIST, {"publisher": "NovaStem"})
    assert "?publisher=NovaStem&amp;page=2" in response.text


def test_it_lists_a_page_in_a_fixed_number_of_queries(
    client, reviewer, make_article, django_assert_num_queries
):
    for number in range(12):
        article = make_article(clinic_text(number))
        tag_first_sentence(article, author=reviewer)
    client.force_login(reviewer)
    # session, user, roles, tags, publishers, count, page
    with django_assert_num_queries(7):
        client.get(LIST)
