"""Simultaneous requests on PostgreSQL: the same annotation sent twice at once is stored once,
and the loser is told which annotation won; reviewers tagging while editors adjudicate lose
nothing, and two editors doing the same step at once do it once. Real threads, real
connections, no mocks."""

import threading

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, connections

from claims.models import EDITOR, Annotation, Article, Assignment, Decision, Event, ReadThrough
from claims.services.review import assignments_create, decision_make

pytestmark = [
    # Data migrations (roles, default tags) are restored after the flush between tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers; CI runs the suite on PostgreSQL",
    ),
]


def _at_once(requests: list) -> list:
    """Run the request functions in threads released together; their responses in order."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def run(number: int) -> None:
        barrier.wait()
        try:
            responses[number] = requests[number]()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_it_stores_one_of_two_identical_annotations_sent_at_once(api_for, reviewer, make_article):
    article = make_article()
    body = {"article": article.pk, "tag": "overstated", "sentences": [1, 1]}
    clients = [api_for(reviewer), api_for(reviewer)]
    responses = _at_once(
        [lambda c=c: c.post("/api/v1/annotations/", body, format="json") for c in clients]
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    stored = Annotation.objects.get()
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["annotation"] == stored.pk


def test_it_names_the_clashing_items_when_two_bulk_requests_overlap(
    api_for, reviewer, make_article
):
    article = make_article()
    shared = {"article": article.pk, "tag": "unsupported", "sentences": [2, 2]}
    first = [{"article": article.pk, "tag": "overstated", "sentences": [1, 1]}, shared]
    second = [{"article": article.pk, "tag": "price-claim", "sentences": [3, 3]}, shared]
    clients = [api_for(reviewer), api_for(reviewer)]
    responses = _at_once(
        [
            lambda: clients[0].post("/api/v1/annotations/bulk/", {"annotations": first}),
            lambda: clients[1].post("/api/v1/annotations/bulk/", {"annotations": second}),
        ]
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    errors = loser.json()["annotations"]
    assert errors[0] == {}
    assert errors[1]["code"] == "duplicate"
    assert "already given this span this tag" in errors[1]["detail"]
    # All or nothing: only the winner's two annotations are stored.
    assert Annotation.objects.count() == 2


# --- Several reviewers and editors on one article ----------------------------------------------

MANY_SENTENCES = "".join(f"Patient {n} walked pain-free after one injection. " for n in range(12))


@pytest.fixture
def second_editor(db) -> User:
    user = User.objects.create_user(username="eddie", password="correct horse battery")
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def _one_by_one(client, article: Article, tag: str, sentences: range) -> list:
    return [
        client.post(
            "/api/v1/annotations/",
            {"article": article.pk, "tag": tag, "sentences": [n, n]},
            format="json",
        )
        for n in sentences
    ]


def test_it_keeps_every_annotation_of_two_reviewers_tagging_at_once(
    api_for, reviewer, other_reviewer, make_article
):
    article = make_article(MANY_SENTENCES)
    rita, omar = api_for(reviewer), api_for(other_reviewer)
    items = [{"article": article.pk, "tag": "overstated", "sentences": [n, n]} for n in range(10)]

    responses = _at_once(
        [
            lambda: _one_by_one(rita, article, "overstated", range(10)),
            lambda: omar.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json"),
        ]
    )

    assert [r.status_code for r in responses[0]] == [201] * 10
    assert responses[1].status_code == 201
    stored = Annotation.objects.filter(article=article)
    assert stored.count() == 20
    assert set(stored.values_list("author__username", flat=True)) == {"omar", "rita"}
    created = Event.objects.filter(kind=Event.Kind.CREATED)
    assert sorted(created.values_list("annotation_id", flat=True)) == sorted(
        stored.values_list("pk", flat=True)
    )
    assert Article.objects.get().status == Article.Status.IN_REVIEW


def test_a_late_reviewers_work_survives_an_editor_adjudicating_at_the_same_moment(
    api_for, reviewer, other_reviewer, editor, make_article
):
    article = make_article(MANY_SENTENCES)
    for author in (reviewer, other_reviewer):
        _one_by_one(api_for(author), article, "overstated", range(5))
    omars = list(
        Annotation.objects.filter(author=other_reviewer)
        .order_by("start")
        .values_list("pk", flat=True)
    )
    edna, omar = api_for(editor), api_for(other_reviewer)
    adjudication = f"/api/v1/articles/{article.pk}/adjudication/"

    def edna_adjudicates() -> list:
        return [
            edna.post(adjudication + "unanimous/"),
            edna.post(
                adjudication + "decisions/",
                {"sentence": 0, "tag": "overstated", "accept": True},
                format="json",
            ),
            edna.post(
                adjudication + "decisions/",
                {"sentence": 6, "tag": "unsupported", "accept": False},
                format="json",
            ),
        ]

    def omar_changes_his_notes() -> list:
        return [
            omar.patch(f"/api/v1/annotations/{pk}/", {"note": f"late note {pk}"}, format="json")
            for pk in omars
        ]

    adjudicated, added, changed = _at_once(
        [
            edna_adjudicates,
            lambda: _one_by_one(omar, article, "price-claim", range(5, 10)),
            omar_changes_his_notes,
        ]
    )

    assert [r.status_code for r in adjudicated] == [200, 200, 200]
    assert [r.status_code for r in added] == [201] * 5
    assert [r.status_code for r in changed] == [200] * 5
    # Nothing the reviewer did is lost.
    assert Annotation.objects.filter(author=other_reviewer, final=False).count() == 10
    notes = Annotation.objects.filter(pk__in=omars).values_list("pk", "note")
    assert sorted(notes) == [(pk, f"late note {pk}") for pk in sorted(omars)]
    # One final annotation per sentence and tag, and only for the five unanimous tags.
    finals = Annotation.objects.filter(final=True)
    assert sorted(finals.values_list("start", "tag__slug")) == sorted(
        Annotation.objects.filter(author=reviewer).values_list("start", "tag__slug")
    )
    assert Decision.objects.filter(accepted=True).count() == 5
    # The late tags wait for a decision.
    grid = edna.get(adjudication).json()
    late = [
        (row["sentence"], p["accepted"])
        for row in grid["rows"]
        for p in row["proposals"]
        if p["tag"] == "price-claim"
    ]
    assert late == [(n, None) for n in range(5, 10)]
    assert grid["pending"] == 5
    assert Event.objects.filter(kind=Event.Kind.CREATED).count() == 15
    assert Event.objects.filter(kind=Event.Kind.CHANGED).count() == 5


def test_two_editors_accepting_the_same_tag_at_once_store_it_once(
    api_for, reviewer, editor, second_editor, make_article
):
    article = make_article()
    _one_by_one(api_for(reviewer), article, "overstated", range(1, 2))
    body = {"sentence": 1, "tag": "overstated", "accept": True}
    url = f"/api/v1/articles/{article.pk}/adjudication/decisions/"
    clients = [api_for(editor), api_for(second_editor)]

    responses = _at_once([lambda c=c: c.post(url, body, format="json") for c in clients])

    assert [r.status_code for r in responses] == [200, 200]
    assert Decision.objects.count() == 1
    assert Annotation.objects.filter(final=True).count() == 1
    assert Event.objects.filter(kind=Event.Kind.ACCEPTED).count() == 1
    assert {r.json()["id"] for r in responses} == {Decision.objects.get().pk}


def test_two_editors_accepting_the_unanimous_tags_at_once_accept_each_once(
    api_for, reviewer, other_reviewer, editor, second_editor, make_article
):
    article = make_article(MANY_SENTENCES)
    for author in (reviewer, other_reviewer):
        _one_by_one(api_for(author), article, "overstated", range(6))
    url = f"/api/v1/articles/{article.pk}/adjudication/unanimous/"
    clients = [api_for(editor), api_for(second_editor)]

    responses = _at_once([lambda c=c: c.post(url) for c in clients])

    assert sorted(r.json()["accepted"] for r in responses) == [0, 6]
    assert Annotation.objects.filter(final=True).count() == 6
    assert Event.objects.filter(kind=Event.Kind.ACCEPTED).count() == 6


def test_two_editors_finishing_at_once_finish_it_once(
    api_for, reviewer, editor, second_editor, make_article
):
    article = make_article()
    _one_by_one(api_for(reviewer), article, "overstated", range(1, 2))
    decision_make(article=article, sentence=1, tag="overstated", accept=True, editor=editor)
    url = f"/api/v1/articles/{article.pk}/adjudication/finish/"
    clients = [api_for(editor), api_for(second_editor)]

    responses = _at_once([lambda c=c: c.post(url) for c in clients])

    assert [r.status_code for r in responses] == [200, 200]
    finished = Event.objects.get(kind=Event.Kind.ADJUDICATED)
    stored = Article.objects.get()
    assert (stored.status, stored.adjudicated_by) == (Article.Status.REVIEWED, finished.actor)
    assert {r.json()["adjudicated_at"] for r in responses} == {
        stored.adjudicated_at.isoformat().replace("+00:00", "Z")
    }


def test_two_editors_assigning_the_same_reviewer_at_once_assign_once(
    api_for, reviewer, editor, second_editor, make_article
):
    article = make_article()
    body = {"articles": [article.pk], "reviewers": ["rita"]}
    clients = [api_for(editor), api_for(second_editor)]

    responses = _at_once([lambda c=c: c.post("/api/v1/assignments/", body) for c in clients])

    assert [r.status_code for r in responses] == [201, 201]
    assert sorted(r.json()["created"] for r in responses) == [0, 1]
    assert Assignment.objects.count() == 1
    assert Event.objects.filter(kind=Event.Kind.ASSIGNED).count() == 1


def test_a_review_marked_done_twice_at_once_is_recorded_once(
    api_for, reviewer, editor, make_article
):
    article = make_article()
    assignments_create(articles=[article], reviewers=[reviewer], editor=editor)
    url = f"/api/v1/assignments/{Assignment.objects.get().pk}/"
    clients = [api_for(reviewer), api_for(reviewer)]

    responses = _at_once([lambda c=c: c.patch(url, {"done": True}) for c in clients])

    assert [r.status_code for r in responses] == [200, 200]
    assert Event.objects.filter(kind=Event.Kind.REVIEW_DONE).count() == 1


def test_two_first_read_through_marks_at_once_store_one_row_at_the_further_sentence(
    api_for, reviewer, make_article
):
    article = make_article()
    last = article.sentences.count() - 1
    url = f"/api/v1/articles/{article.pk}/read-through/"
    clients = [api_for(reviewer), api_for(reviewer)]
    responses = _at_once(
        [
            lambda c=c, i=i: c.put(url, {"read_up_to": i}, format="json")
            for c, i in zip(clients, [0, last], strict=True)
        ]
    )
    assert [r.status_code for r in responses] == [200, 200]
    assert list(ReadThrough.objects.values_list("reviewer__username", "read_up_to")) == [
        ("rita", last)
    ]
