"""/healthz: what a load balancer asks before sending traffic."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_it_answers_200_when_the_database_and_the_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_naming_an_unreachable_cache(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Port 9 on loopback: nothing listens there.
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unreachable"}


def test_it_needs_no_sign_in_and_takes_no_writes(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
