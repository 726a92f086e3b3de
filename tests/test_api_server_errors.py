"""A server error is JSON for API clients, carries the request id, and is logged with it."""

import logging

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.failing_urls")]


@pytest.fixture
def unraised(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_an_api_server_error_is_json_naming_the_request_id(unraised, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = unraised.get("/api/v1/failing/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    request_id = response["X-Request-ID"]
    assert response.json() == {
        "detail": f"The server failed to answer this request; quote {request_id} to report it.",
        "code": "server_error",
        "request_id": request_id,
    }
    failures = [r for r in caplog.records if r.name == "django.request"]
    assert failures and all(r.request_id == request_id for r in failures)


def test_a_page_server_error_stays_an_html_page(unraised):
    response = unraised.get("/failing/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_every_response_names_its_request_and_keeps_a_proxys_id(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    given = "lb-7f3a9c2e11d0"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    # Not an id: replaced, so nobody writes what they like into the logs.
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nERROR forged line")["X-Request-ID"]
    assert forged != "x\nERROR forged line" and len(forged) == 32
