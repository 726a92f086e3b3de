"""The article list page: search, filters, per-user counts, last activity and paging; each
reviewer's assignments, and the editors' form that assigns articles to reviewers."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from claims import views
from claims.models import Article, Assignment, Event
from claims.review.selectors import adjudication_grid
from claims.services.annotations import AnnotationDraft, annotation_create
from claims.services.articles import article_update
from claims.services.read_through import read_through_mark
from claims.services.review import assignment_mark, assignments_create, decision_make

pytestmark = pytest.mark.django_db
LIST = reverse("claims:article_list")
ASSIGN = reverse("claims:assign")
EVERYONES_COLUMN = '<th scope="col" class="num">Everyone\'s</th>'
ASSIGNED_COLUMN = '<th scope="col">Assigned</th>'


def clinic_text(number: int) -> str:
    return f"Clinic page {number}. Our injections repair cartilage. Sessions cost ${number},000."


def tag_first_sentence(article: Article, *, author, tag: str = "unsupported") -> None:
    annotation_create(
        author=author,
        draft=AnnotationDraft(article_id=article.pk, tag=tag, sentences=(0, 0)),
    )


def assign(article: Article, *reviewers, editor, done: bool = False) -> None:
    assignments_create(articles=[article], reviewers=list(reviewers), editor=editor)
    if done:
        for assignment in Assignment.objects.filter(article=article, reviewer__in=reviewers):
            assignment_mark(assignment=assignment, done=True, user=assignment.reviewer)


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
    article_update(article=hair, status="reviewed")
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


# --- Assignments on the list ------------------------------------------------------------------


def test_it_shows_a_reviewer_which_articles_are_assigned_to_them_and_which_they_finished(
    client, reviewer, editor, make_article
):
    open_one = make_article(clinic_text(1), title="Knees")
    done_one = make_article(clinic_text(2), title="Spine")
    make_article(clinic_text(3), title="Hair")
    assign(open_one, reviewer, editor=editor)
    assign(done_one, reviewer, editor=editor, done=True)
    client.force_login(reviewer)
    response = client.get(LIST)
    text = response.text
    assert text.count("Assigned to you") == 1
    assert text.count("Your review is done") == 1
    assert '<tr class="assigned-open">' in text
    assert '<tr class="assigned-done">' in text
    marks = {a.title: a.assignment for a in response.context["page"]}
    assert marks == {"Knees": 0, "Spine": 1, "Hair": 2}


def test_it_lists_my_open_assignments_first_then_the_done_ones_then_the_rest(
    client, reviewer, other_reviewer, editor, make_article
):
    titles = ["Oldest", "Older", "Middle", "Newer", "Newest"]
    made = {title: make_article(clinic_text(n), title=title) for n, title in enumerate(titles)}
    assign(made["Oldest"], reviewer, editor=editor)
    assign(made["Middle"], reviewer, editor=editor, done=True)
    assign(made["Newer"], other_reviewer, editor=editor)
    client.force_login(reviewer)
    listed = [a.title for a in client.get(LIST).context["page"]]
    assert listed == ["Oldest", "Middle", "Newest", "Newer", "Older"]


def test_it_narrows_the_list_to_the_articles_assigned_to_me(
    client, reviewer, other_reviewer, editor, make_article
):
    knees = make_article(clinic_text(1), title="Knees")
    spine = make_article(clinic_text(2), title="Spine")
    make_article(clinic_text(3), title="Hair")
    assign(knees, reviewer, editor=editor, done=True)
    assign(spine, reviewer, editor=editor)
    assign(spine, other_reviewer, editor=editor)
    client.force_login(other_reviewer)
    response = client.get(LIST, {"assigned": "on"})
    assert [a.title for a in response.context["page"]] == ["Spine"]
    assert 'name="assigned" id="id_assigned" checked' in response.text
    client.force_login(reviewer)
    assert [a.title for a in client.get(LIST, {"assigned": "on"}).context["page"]] == [
        "Spine",
        "Knees",
    ]


def test_it_shows_editors_who_is_assigned_and_who_is_done(
    client, reviewer, other_reviewer, editor, make_article
):
    knees = make_article(clinic_text(1), title="Knees")
    make_article(clinic_text(2), title="Spine")
    assign(knees, reviewer, editor=editor, done=True)
    assign(knees, other_reviewer, editor=editor)
    client.force_login(editor)
    text = client.get(LIST).text
    assert ASSIGNED_COLUMN in text
    assert (
        '<td class="assignees">omar'
        ' <span class="read-share" title="0 of 3 sentences read">0% read</span>, '
        'rita <span class="done" title="review done">✓</span>'
        ' <span class="read-share" title="0 of 3 sentences read">0% read</span></td>'
    ) in text
    assert '<td class="assignees"><span class="muted">—</span></td>' in text


def test_it_offers_the_assign_form_to_editors_only(client, reviewer, editor, reader, make_article):
    article = make_article(clinic_text(1))
    checkbox = f'<input type="checkbox" name="articles" value="{article.pk}" form="assign-form"'
    client.force_login(editor)
    text = client.get(LIST, {"publisher": "RegenWell Institute"}).text
    assert f'action="{ASSIGN}?publisher=RegenWell+Institute" id="assign-form"' in text
    assert checkbox in text
    # Reviewers are ticked, not picked with Ctrl-click from a multiple select box.
    assert '<input type="checkbox" name="reviewers" value="rita"' in text
    assert '<select name="reviewers"' not in text
    assert (
        '<input type="checkbox" name="blind" id="id_blind"> Blind: reviewers see no suggestions'
        in text
    )
    for user in (reviewer, reader):
        client.force_login(user)
        text = client.get(LIST).text
        assert 'id="assign-form"' not in text
        assert checkbox not in text
        assert ASSIGNED_COLUMN not in text


def test_it_lists_an_editors_page_in_a_fixed_number_of_queries(
    client, reviewer, other_reviewer, editor, make_article, django_assert_num_queries
):
    for number in range(12):
        article = make_article(clinic_text(number))
        assign(article, reviewer, other_reviewer, editor=editor, done=number % 2 == 0)
        read_through_mark(article=article, reviewer=reviewer, read_up_to=number % 3)
    client.force_login(editor)
    # session, user, roles, tags, publishers, count, page, the page's assignments, reviewers,
    # the page's open disagreements
    with django_assert_num_queries(10):
        response = client.get(LIST)
    assert response.text.count('<td class="assignees">omar') == 12
    assert response.text.count('title="3 of 3 sentences read">100% read') == 4


def test_it_shows_editors_how_much_of_each_article_each_reviewer_has_read(
    client, reviewer, other_reviewer, editor, make_article
):
    knees = make_article(clinic_text(1), title="Knees")
    assign(knees, reviewer, other_reviewer, editor=editor)
    read_through_mark(article=knees, reviewer=reviewer, read_up_to=2)
    read_through_mark(article=knees, reviewer=other_reviewer, read_up_to=0)
    client.force_login(editor)
    text = client.get(LIST).text
    assert '<span class="read-share" title="1 of 3 sentences read">33% read</span>' in text
    assert '<span class="read-share" title="3 of 3 sentences read">100% read</span>' in text


def tag_sentence(article: Article, index: int, *, author, tag: str) -> None:
    draft = AnnotationDraft(article_id=article.pk, tag=tag, sentences=(index, index))
    annotation_create(author=author, draft=draft)


def test_it_counts_each_articles_open_disagreements_as_the_adjudication_grid_marks_them(
    client, reviewer, other_reviewer, editor, make_article
):
    two = make_article(clinic_text(1), title="Two reviewers")
    for author in (reviewer, other_reviewer):  # agreed: no disagreement
        tag_sentence(two, 1, author=author, tag="overstated")
    tag_sentence(two, 2, author=reviewer, tag="price-claim")  # open
    tag_sentence(two, 0, author=other_reviewer, tag="unsupported")  # decided below
    decision_make(article=two, sentence=0, tag="unsupported", accept=False, editor=editor)
    alone = make_article(clinic_text(2), title="One reviewer")
    tag_sentence(alone, 0, author=reviewer, tag="unsupported")
    tag_sentence(alone, 2, author=reviewer, tag="price-claim")
    tag_sentence(alone, 2, author=reviewer, tag="overstated")
    # Tagged nothing but marked done: omar disagrees with every tag rita gave.
    silent = make_article(clinic_text(3), title="One silent reviewer")
    tag_sentence(silent, 1, author=reviewer, tag="overstated")
    assign(silent, other_reviewer, editor=editor, done=True)
    make_article(clinic_text(4), title="Untouched")
    client.force_login(editor)

    page = client.get(LIST).context["page"]

    counts = {article.title: article.open_disagreements for article in page}
    assert counts == {
        "Two reviewers": 1,
        "One reviewer": 2,
        "One silent reviewer": 1,
        "Untouched": 0,
    }
    for article in page:
        grid = adjudication_grid(article=article)
        open_rows = [
            row
            for row in grid.rows
            if any(p.by and not p.unanimous and p.accepted is None for p in row.proposals)
        ]
        assert len(open_rows) == counts[article.title], article.title


def test_it_counts_open_disagreements_in_one_query_for_any_number_of_articles(
    client, reviewer, other_reviewer, editor, make_article, django_assert_max_num_queries
):
    client.force_login(editor)
    queries_for = {}
    for number in range(8):
        article = make_article(clinic_text(number))
        tag_sentence(article, 1, author=reviewer, tag="overstated")
        tag_sentence(article, 2, author=other_reviewer, tag="price-claim")
        if number in (0, 7):
            with django_assert_max_num_queries(10) as queries:
                response = client.get(LIST)
            queries_for[number + 1] = len(queries)
    assert queries_for[1] == queries_for[8]
    assert response.text.count('<td class="num disagreements"><a href=') == 8


# --- Assigning -------------------------------------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def pairs() -> set[tuple[str, str]]:
    return set(Assignment.objects.values_list("article__title", "reviewer__username"))


def test_it_assigns_the_ticked_articles_to_the_chosen_reviewers(
    client, reviewer, other_reviewer, editor, make_article
):
    knees = make_article(clinic_text(1), title="Knees")
    spine = make_article(clinic_text(2), title="Spine")
    make_article(clinic_text(3), title="Hair")
    client.force_login(editor)
    response = client.post(
        f"{ASSIGN}?status=new&page=1",
        {"articles": [knees.pk, spine.pk], "reviewers": ["rita", "omar"]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?status=new&page=1"
    assert messages_of(response) == ["Assigned 2 articles to omar and rita (4 new assignments)."]
    assert pairs() == {("Knees", "rita"), ("Knees", "omar"), ("Spine", "rita"), ("Spine", "omar")}
    assert set(Assignment.objects.values_list("assigned_by__username", flat=True)) == {"edna"}
    assert Event.objects.filter(kind=Event.Kind.ASSIGNED).count() == 4


def test_it_assigns_blind_when_the_box_is_ticked_and_not_otherwise(
    client, reviewer, other_reviewer, editor, make_article
):
    knees = make_article(clinic_text(1), title="Knees")
    spine = make_article(clinic_text(2), title="Spine")
    client.force_login(editor)
    response = client.post(ASSIGN, {"articles": [knees.pk], "reviewers": ["rita"], "blind": "on"})
    assert messages_of(response) == [
        "Assigned 1 article to rita (1 new assignment, blind: no suggestions shown)."
    ]
    client.post(ASSIGN, {"articles": [spine.pk], "reviewers": ["omar"]})
    blind = Assignment.objects.values_list("article__title", "reviewer__username", "blind")
    assert set(blind) == {("Knees", "rita", True), ("Spine", "omar", False)}


def test_it_counts_only_the_new_assignments_when_some_existed(
    client, reviewer, other_reviewer, editor, make_article
):
    knees = make_article(clinic_text(1), title="Knees")
    assign(knees, reviewer, editor=editor, done=True)
    client.force_login(editor)
    response = client.post(ASSIGN, {"articles": [knees.pk], "reviewers": ["rita", "omar"]})
    assert response["Location"] == LIST
    assert messages_of(response) == ["Assigned 1 article to omar and rita (1 new assignment)."]
    assert pairs() == {("Knees", "rita"), ("Knees", "omar")}
    # Rita's finished review stays finished.
    assert Assignment.objects.get(reviewer=reviewer).done_at is not None


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"articles": ["999999"], "reviewers": ["rita"]}, "There is no article 999999."),
        ({"articles": ["knees"], "reviewers": ["rita"]}, "“knees” is not an article number."),
        ({"articles": ["KNEES"], "reviewers": ["nobody"]}, "“nobody” is not a reviewer."),
        ({"articles": ["KNEES"], "reviewers": ["edna"]}, "“edna” is not a reviewer."),
        ({"reviewers": ["rita"]}, "Tick at least one article to assign."),
        ({"articles": ["KNEES"]}, "Choose at least one reviewer."),
    ],
)
def test_it_assigns_nothing_and_says_why_when_the_form_is_wrong(
    client, reviewer, editor, make_article, form, message
):
    knees = make_article(clinic_text(1), title="Knees")
    posted = {
        field: [str(knees.pk) if value == "KNEES" else value for value in values]
        for field, values in form.items()
    }
    client.force_login(editor)
    response = client.post(f"{ASSIGN}?q=knee", posted)
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?q=knee"
    assert messages_of(response) == [f"Nothing was assigned: {message}"]
    assert not Assignment.objects.exists()
    assert not Event.objects.filter(kind=Event.Kind.ASSIGNED).exists()


def test_it_assigns_nothing_when_one_of_several_articles_is_unknown(
    client, reviewer, editor, make_article
):
    knees = make_article(clinic_text(1), title="Knees")
    client.force_login(editor)
    response = client.post(
        ASSIGN, {"articles": [knees.pk, 999999], "reviewers": ["rita"]}, follow=True
    )
    assert (
        '<li class="message-error">Nothing was assigned: There is no article 999999.</li>'
        in response.text
    )
    assert not Assignment.objects.exists()


def test_it_shows_the_outcome_of_assigning_on_the_list(client, reviewer, editor, make_article):
    knees = make_article(clinic_text(1), title="Knees")
    client.force_login(editor)
    response = client.post(ASSIGN, {"articles": [knees.pk], "reviewers": ["rita"]}, follow=True)
    assert "Assigned 1 article to rita (1 new assignment)." in response.text
    assert (
        '<td class="assignees">rita'
        ' <span class="read-share" title="0 of 3 sentences read">0% read</span></td>'
    ) in response.text


def test_it_refuses_assigning_to_reviewers_and_readers(client, reviewer, reader, make_article):
    knees = make_article(clinic_text(1))
    for user in (reviewer, reader):
        client.force_login(user)
        response = client.post(ASSIGN, {"articles": [knees.pk], "reviewers": ["rita"]})
        assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_it_sends_anonymous_visitors_to_sign_in_instead_of_assigning(
    client, reviewer, make_article
):
    knees = make_article(clinic_text(1))
    response = client.post(ASSIGN, {"articles": [knees.pk], "reviewers": ["rita"]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Assignment.objects.exists()


def test_it_answers_405_to_a_get_of_the_assign_address(client, editor):
    client.force_login(editor)
    assert client.get(ASSIGN).status_code == 405


def test_the_navigation_links_to_the_vocabulary_for_every_role(client, reviewer, editor):
    for user in (reviewer, editor):
        client.force_login(user)
        response = client.get(LIST)
        assert '<a href="/vocabulary/">Vocabulary</a>' in response.text
