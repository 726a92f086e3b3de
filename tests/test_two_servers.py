"""Two real app servers (gunicorn, two workers each) on two loopback ports sharing one
PostgreSQL database and one Redis, as behind a load balancer: whatever one server was told,
the other knows — the uploaded original, annotations, counts, the signed-in session, the rate
limit — and a task queued through one is run by a worker started on its own."""

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from tests.servers import multipart, server_environment, servers_served, worker_run

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers share the test database: it must be on a server",
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the servers share Redis"),
]

PAGE = (
    b"<html><head><title>Knee renewal at NovaStem</title></head><body>"
    b"<h1>Knee renewal at NovaStem</h1>"
    b"<p>Our stem cells regrow cartilage in every patient, with no side effects.</p>"
    b"<p>One injection costs $6,200, far less than surgery.</p>"
    b"<p>Book a free consultation today.</p></body></html>"
)


def _token(user) -> str:
    return Token.objects.create(user=user).key


def test_what_one_server_stores_the_other_serves(reviewer, editor, client):
    token, editor_token = _token(reviewer), _token(editor)
    with servers_served(2, server_environment()) as (first, second):
        body, content_type = multipart({"publisher": "NovaStem"}, filename="knee.html", data=PAGE)
        stored = first.request(
            "POST",
            "/api/v1/articles/",
            token=token,
            body=body,
            headers={"Content-Type": content_type},
        )
        assert stored.status == 201, stored.body
        article = stored.json()["id"]

        original = second.request("GET", f"/api/v1/articles/{article}/original/", token=token)
        assert original.status == 200
        assert original.body == PAGE
        assert original.headers["Content-Type"] == "text/html"

        sentences = second.request("GET", f"/api/v1/articles/{article}/sentences/", token=token)
        texts = [row["text"] for row in sentences.json()]
        priced = texts.index("One injection costs $6,200, far less than surgery.")

        created = second.json(
            "POST",
            "/api/v1/annotations/",
            {"article": article, "tag": "price-claim", "sentences": [priced, priced]},
            token=token,
        )
        assert created.status == 201, created.body
        listed = first.request("GET", f"/api/v1/annotations/?article={article}", token=token)
        assert [row["id"] for row in listed.json()["results"]] == [created.json()["id"]]
        counts = first.request("GET", f"/api/v1/stats/tags/?article={article}", token=token)
        assert {row["tag"]: row["annotations"] for row in counts.json()["results"]} == {
            "price-claim": 1
        }

        # The upload queued its suggested tags; a worker of its own runs them.
        assert DBTaskResult.objects.filter(task_path="claims.tasks.suggest_article").count() == 1
        finished = worker_run(server_environment())
        assert finished.returncode == 0, finished.stderr
        suggested = second.request(
            "GET", f"/api/v1/articles/{article}/suggestions/", token=editor_token
        )
        assert suggested.status == 200
        assert "price-claim" in {row["tag"] for row in suggested.json()["results"]}

        # A browser session (kept in the database) is good on either server.
        client.force_login(editor)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        for server in (first, second):
            seen = server.request("GET", "/api/v1/articles/", headers={"Cookie": cookie})
            assert seen.status == 200
            assert [row["id"] for row in seen.json()["results"]] == [article]


RATE = 20


def test_a_rate_limit_spread_over_both_servers_holds_as_one(reviewer):
    token = _token(reviewer)
    env = server_environment(API_THROTTLE_RATE=f"{RATE}/day")  # one window for the test
    with servers_served(2, env) as servers:
        turns = [server for server, _ in zip(cycle(servers), range(RATE + 10), strict=False)]
        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(
                pool.map(lambda server: server.request("GET", "/api/v1/tags/", token=token), turns)
            )
    statuses = Counter(answer.status for answer in answers)
    assert statuses == {200: RATE, 429: 10}
    per_server = Counter(
        (server.port, answer.status) for server, answer in zip(turns, answers, strict=True)
    )
    assert all(per_server[(server.port, 200)] > 0 for server in servers)
