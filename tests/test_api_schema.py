"""Property-based run over the published OpenAPI schema: whatever schemathesis sends to any
endpoint, the API answers without a server error, and what it answers matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from annotator.wsgi import application
from claims.services.annotations import AnnotationDraft, annotation_create

# Loaded from the running app, as a consumer would; no database is needed for it.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Requests go straight to the WSGI handler, whose start/finish signals would close the
    database connection inside the test's transaction; Django's own test client unhooks
    them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def corpus(db, settings, editor, reviewer, make_article):
    settings.API_THROTTLE_RATE = ""
    article = make_article(user=reviewer)
    for first, tag in [(0, "overstated"), (1, "unsupported"), (3, "price-claim")]:
        annotation_create(
            author=editor,
            draft=AnnotationDraft(
                article_id=article.pk, tag=tag, sentences=(first, first), note="Check the source."
            ),
        )


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_it_answers_every_generated_request_as_documented(case, editor):
    token, _ = Token.objects.get_or_create(user=editor)
    case.call_and_validate(
        headers={"Authorization": f"Token {token.key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
