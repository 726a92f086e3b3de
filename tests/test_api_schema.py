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

# Every check runs. Two statuses are added to what they expect:
# - 413 refuses invalid data too: a bulk list past its `maxItems` is also past the body limit.
# - 400 for schema-valid data, only on the operations below, each for a rule that depends on
#   what is stored and that no JSON Schema can state. Every other operation must accept what
#   its schema allows.
STORED_STATE_RULES = {
    "GET /api/v1/annotations/": "`tag` names a tag of the vocabulary",
    "GET /api/v1/stats/tags/": "`tag` names a tag of the vocabulary",
    "POST /api/v1/annotations/": "the article and tag exist; the span lies inside its text",
    "POST /api/v1/annotations/bulk/": "the same, for every item",
    "POST /api/v1/assignments/": "the articles and reviewers exist",
    "POST /api/v1/articles/": "the file is of a readable type",
    "POST /api/v1/articles/bulk/": "with `atomic`, every article is readable and new (409)",
    "POST /api/v1/tags/": "the slug and name are unused; the colour is readable (contrast)",
    "PATCH /api/v1/tags/{slug}/": "the name is unused; the colour is readable (contrast)",
}
POSITIVE_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
NEGATIVE_STATUSES = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "429"]
CONFIG = "\n".join(
    [f"[checks.negative_data_rejection]\nexpected-statuses = {NEGATIVE_STATUSES}"]
    + [
        f'[[operations]]\ninclude-name = "{name}"\n'
        f"checks.positive_data_acceptance.expected-statuses = {POSITIVE_STATUSES}"
        for name in STORED_STATE_RULES
    ]
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
