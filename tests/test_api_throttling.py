"""The API's request-rate limit, counted per token (API_THROTTLE_RATE)."""

import pytest

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
