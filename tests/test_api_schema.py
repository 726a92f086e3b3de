"""Property-based run over the published OpenAPI schema, with every check schemathesis has:
whatever it sends to any endpoint, the API answers without a server error, as the schema
documents (status, media type, headers, body), accepts what the schema allows and refuses
what it does not; and sequences of calls that follow the schema's links hold together."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from annotator.wsgi import application
from claims.services.annotations import AnnotationDraft, annotation_create

# Every check runs, for every operation alike. What each expects, beyond its defaults:
# - schema-valid data may still be refused for what is stored, never as malformed: 409 (it
#   clashes with a stored row) or 422 (it names no stored row, or breaks a rule that relates
#   stored values, such as a span inside its article's text). 400 means the schema was wrong.
# - 413 refuses invalid data too: a bulk list past its `maxItems` is also past the body limit.
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
NEGATIVE_STATUSES = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "429"]
CONFIG = (
    f"[checks.positive_data_acceptance]\nexpected-statuses = {POSITIVE_STATUSES}\n"
    f"[checks.negative_data_rejection]\nexpected-statuses = {NEGATIVE_STATUSES}"
)

# Loaded from the running app, as a consumer would; no database is needed for it.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", application, config=SchemathesisConfig.from_str(CONFIG)
)

pytestmark = pytest.mark.schema

EDITOR_TOKEN = "5c8e0d3f7a1b4e9c2d6f0a8b3e7c1d5f9a2b6e0c"

HYPOTHESIS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


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
    """An article with three annotations; `edna` is the editor."""
    settings.API_THROTTLE_RATE = ""
    Token.objects.create(user=editor, key=EDITOR_TOKEN)
    article = make_article(user=reviewer)
    for first, tag in [(0, "overstated"), (1, "unsupported"), (3, "price-claim")]:
        annotation_create(
            author=editor,
            draft=AnnotationDraft(
                article_id=article.pk, tag=tag, sentences=(first, first), note="Check the source."
            ),
        )


@schema.auth(refresh_interval=None)
class EditorToken:
    """Every request as the editor (the role that may call every operation), through the
    schema's `tokenAuth`, so that the checks can also send it without or with a wrong token."""

    def get(self, case, context):
        return EDITOR_TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@schema.parametrize()
@HYPOTHESIS
def test_it_answers_every_generated_request_as_documented(case):
    case.call_and_validate()


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Each sequence starts from the corpus: what one wrote is rolled back before the next,
    so that every sequence, replayed, meets the same data."""

    def setup(self):
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)


def test_sequences_of_calls_along_the_links_hold_together():
    Workflow.run(settings=settings(HYPOTHESIS, max_examples=20, stateful_step_count=6))
