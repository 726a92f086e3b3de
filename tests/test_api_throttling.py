"""The API's request-rate limits: per token (API_THROTTLE_RATE), on wrong tokens per address
(API_AUTH_FAILURE_RATE), and shared through Redis across processes."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from claims.api.throttling import PerTokenThrottle

TAGS = "/api/v1/tags/"


@pytest.fixture
def three_a_minute(settings):
    settings.API_THROTTLE_RATE = "3/min"


def _spend(client, times: int, url: str = TAGS) -> list[int]:
    return [client.get(url).status_code for _ in range(times)]


def test_it_refuses_the_request_past_the_rate(api_for, reviewer, three_a_minute):
    client = api_for(reviewer)

    assert _spend(client, 3) == [200, 200, 200]
    response = client.get(TAGS)

    assert response.status_code == 429


def test_it_says_when_to_come_back(api_for, reviewer, three_a_minute):
    client = api_for(reviewer)
    _spend(client, 3)

    response = client.get(TAGS)

    assert response["Retry-After"].isdigit()
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/json"
    assert "throttled" in response.json()["detail"]


def test_it_counts_every_endpoint_against_the_same_token(
    api_for, reviewer, make_article, three_a_minute
):
    article = make_article()
    client = api_for(reviewer)

    codes = [
        client.get(TAGS).status_code,
        client.get(f"/api/v1/articles/{article.pk}/").status_code,
        client.get("/api/v1/stats/tags/").status_code,
        client.get("/api/v1/annotations/").status_code,
    ]

    assert codes == [200, 200, 200, 429]


def test_it_counts_each_token_separately(api_for, reviewer, other_reviewer, three_a_minute):
    rita, omar = api_for(reviewer), api_for(other_reviewer)
    _spend(rita, 3)

    assert rita.get(TAGS).status_code == 429
    assert _spend(omar, 3) == [200, 200, 200]
    assert omar.get(TAGS).status_code == 429


def test_it_reads_the_rate_on_every_request(api_for, reviewer, settings):
    client = api_for(reviewer)
    settings.API_THROTTLE_RATE = "5/min"
    _spend(client, 3)

    settings.API_THROTTLE_RATE = "3/min"

    assert client.get(TAGS).status_code == 429


def test_it_throttles_nothing_without_a_rate(api_for, reviewer, settings):
    settings.API_THROTTLE_RATE = ""

    assert set(_spend(api_for(reviewer), 12)) == {200}


# --- Wrong tokens ---------------------------------------------------------------------------


def test_it_throttles_an_address_that_keeps_sending_wrong_tokens(api_for, reviewer, settings):
    settings.API_AUTH_FAILURE_RATE = "3/min"
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert _spend(guesser, 3) == [401, 401, 401]
    assert guesser.get(TAGS).status_code == 429
    # Past the limit, even the right token from that address waits.
    assert api_for(reviewer).get(TAGS).status_code == 429


def test_right_tokens_and_sessions_do_not_count_as_failures(api_for, reviewer, client, settings):
    settings.API_AUTH_FAILURE_RATE = "2/min"
    assert _spend(api_for(reviewer), 5) == [200] * 5
    client.force_login(reviewer)
    assert _spend(client, 5) == [200] * 5


# --- Shared across processes ----------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    """The default cache on the Redis server REDIS_URL names (CI starts one), under a key
    prefix of this test's own."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    yield url, prefix
    cache.clear()


def test_the_limit_is_counted_in_redis_where_every_process_sees_it(
    api_for, reviewer, redis_cache, settings
):
    url, prefix = redis_cache
    settings.API_THROTTLE_RATE = "3/day"  # one window for the whole test
    assert _spend(api_for(reviewer), 2) == [200, 200]

    # Another process (as another worker or server would be) reads the same counter...
    key = PerTokenThrottle().counter_key(_token_request(reviewer), APIView(), time.time())
    assert key is not None
    seen = _requests_counted_elsewhere(url, prefix, key)
    assert seen == 2
    # ...and what it adds counts here.
    _count_elsewhere(url, prefix, key)
    assert api_for(reviewer).get(TAGS).status_code == 429


def _token_request(user):
    token, _ = Token.objects.get_or_create(user=user)
    request = APIRequestFactory().get(TAGS, HTTP_AUTHORIZATION=f"Token {token.key}")
    drf_request = Request(request, authenticators=[TokenAuthentication()])
    drf_request.user  # noqa: B018  # authenticates
    return drf_request


def _run_elsewhere(url: str, prefix: str, code: str) -> str:
    script = (
        "import django, os, time\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'annotator.settings'\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        f"settings.CACHES['default']['KEY_PREFIX'] = {prefix!r}\n"
        "from django.core.cache import cache\n" + code
    )
    env = {**os.environ, "REDIS_URL": url, "SECRET_KEY": "x"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _requests_counted_elsewhere(url: str, prefix: str, key: str) -> int:
    return int(_run_elsewhere(url, prefix, f"print(cache.get({key!r}, 0))"))


def _count_elsewhere(url: str, prefix: str, key: str) -> None:
    _run_elsewhere(url, prefix, f"cache.incr({key!r})")
