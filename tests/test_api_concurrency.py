"""Simultaneous requests on PostgreSQL: the same annotation sent twice at once is stored once,
and the loser is told which annotation won. Real threads, real connections, no mocks."""

import threading

import pytest
from django.db import connection, connections

from claims.models import Annotation

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
    assert sorted(r.status_code for r in responses) == [201, 400]
    loser = next(r for r in responses if r.status_code == 400)
    errors = loser.json()["annotations"]
    assert errors[0] == {}
    assert "already given this span this tag" in errors[1]["non_field_errors"][0]
    # All or nothing: only the winner's two annotations are stored.
    assert Annotation.objects.count() == 2
