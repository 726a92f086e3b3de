"""A consumer's first step: generate a Python client from the live schema with
openapi-python-client, and do the whole job with nothing but that client against a running
server: read and filter articles and sentences, annotate (one by one and in bulk), change a
note, page a filtered list to its end, read counts, agreement and the adjudication grid, and
delete."""

import importlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from rest_framework.authtoken.models import Token

from claims.services.review import assignments_create

# A live server reads what the test wrote, so the test commits; the serialized rollback
# brings back the roles and tags the migrations made.
pytestmark = [pytest.mark.client, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
GENERATE = ["generate", "--path", "schema.json", "--meta", "none", "--output-path"]
PACKAGE = "claimscope_client"

SECOND_TEXT = (
    "Why choose ozone therapy?\n"
    "Ozone cures chronic fatigue in every patient.\n"
    "One 47-year-old man was pain-free after a single session.\n"
    "Sessions cost €400 each.\n"
)


@pytest.fixture
def generated(live_server, tmp_path):
    """The client package generated from the schema the server publishes, imported."""
    schema = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    # The generator formats its output with ruff, which it finds on PATH.
    env = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        [str(GENERATOR), *GENERATE, PACKAGE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_every_generated_module_imports(generated):
    package = Path(generated.__file__).parent
    modules = [p.stem for p in (package / "api" / "v1").glob("*.py") if p.stem != "__init__"]
    assert "annotations_create" in modules
    for module in modules:
        importlib.import_module(f"{PACKAGE}.api.v1.{module}")


def _client(generated, live_server, user):
    token, _ = Token.objects.get_or_create(user=user)
    return generated.AuthenticatedClient(
        base_url=live_server.url, token=token.key, prefix="Token", raise_on_unexpected_status=True
    )


def _api(name):
    return importlib.import_module(f"{PACKAGE}.api.v1.{name}")


def _model(name):
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.parsed


def test_a_consumer_does_the_whole_job_with_the_generated_client(
    generated, live_server, settings, reviewer, other_reviewer, editor, make_article
):
    settings.API_THROTTLE_RATE = ""
    first = make_article(title="Stem cells for arthritis")
    second = make_article(text=SECOND_TEXT, title="Ozone", publisher="PureLife Ozone")
    assignments_create(articles=[first], reviewers=[reviewer, other_reviewer], editor=editor)
    rita = _client(generated, live_server, reviewer)
    omar = _client(generated, live_server, other_reviewer)
    edna = _client(generated, live_server, editor)

    # List and filter articles; read one's sentences.
    listed = _ok(_api("articles_list").sync_detailed(client=rita, publisher="PureLife Ozone"))
    assert [a.id for a in listed.results] == [second.pk]
    sentences = _ok(_api("articles_sentences").sync_detailed(first.pk, client=rita))
    assert [s.index for s in sentences] == [0, 1, 2, 3]

    # Create by sentences and by offsets.
    by_sentences = _model("AnnotationBySentencesRequest")(
        article=first.pk, tag="overstated", sentences=[1, 1], note="Absolute wording."
    )
    created = _ok(_api("annotations_create").sync_detailed(client=rita, body=by_sentences), 201)
    assert (created.start, created.end) == (sentences[1].start, sentences[1].end)
    price = sentences[3]
    by_offsets = _model("AnnotationByOffsetsRequest")(
        article=first.pk, tag="price-claim", start=price.start + 4, end=price.end
    )
    offsets = _ok(_api("annotations_create").sync_detailed(client=rita, body=by_offsets), 201)
    assert offsets.quote == price.text[4:]

    # Bulk: Omar's review of the first article, then notes on the second.
    bulk = _model("AnnotationBulkSchemaRequest")(
        annotations=[
            _model("AnnotationBySentencesRequest")(
                article=first.pk, tag="overstated", sentences=[1, 1]
            ),
            _model("AnnotationBySentencesRequest")(
                article=first.pk, tag="unsupported", sentences=[2, 2]
            ),
        ]
    )
    result = _ok(_api("annotations_bulk_create").sync_detailed(client=omar, body=bulk), 201)
    assert result.created == 2
    many = _model("AnnotationBulkSchemaRequest")(
        annotations=[
            _model("AnnotationBySentencesRequest")(article=second.pk, tag=tag, sentences=[n, n])
            for n, tag in [(1, "overstated"), (1, "unsupported"), (2, "cited-case-report")]
        ]
    )
    assert _ok(_api("annotations_bulk_create").sync_detailed(client=rita, body=many), 201)

    # Patch a note and read it back changed.
    change = _model("PatchedAnnotationUpdateRequest")(note="No trial supports this.")
    _ok(_api("annotations_partial_update").sync_detailed(created.id, client=rita, body=change))
    again = _ok(_api("annotations_retrieve").sync_detailed(created.id, client=rita))
    assert again.note == "No trial supports this."

    # Page a filtered list to its end, two at a time.
    seen, cursor = [], None
    while True:
        page = _ok(
            _api("annotations_list").sync_detailed(
                client=rita,
                article=second.pk,
                page_size=2,
                **({"cursor": cursor} if cursor else {}),
            )
        )
        seen += [a.id for a in page.results]
        if not page.next_:
            break
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]
    assert len(seen) == len(set(seen)) == 3

    # The same list in the W3C form, read with the generated models. (The generator types an
    # operation's answer by its first media type, JSON, so the W3C one is fetched through the
    # client's own HTTP connection and read with the models the schema gives it.)
    http = rita.get_httpx_client()
    container = http.get("/api/v1/annotations/", params={"article": second.pk, "format": "jsonld"})
    assert container.status_code == 200, container.content
    collection = _model("W3CAnnotationCollection").from_dict(container.json())
    assert collection.total == 3
    assert isinstance(collection.first, _model("W3CAnnotationPage"))
    items = collection.first.items
    assert len(items) == 3
    assert {item.target.source for item in items} == {
        f"{live_server.url}/api/v1/articles/{second.pk}/"
    }
    assert all(item.body[0].purpose.value == "tagging" for item in items)
    positions = [s for s in items[0].target.selector if s.type_.value == "TextPositionSelector"]
    assert positions[0].end > positions[0].start
    page = http.get(collection.first.id)
    assert page.status_code == 200, page.content
    on_its_own = _model("W3CAnnotationPage").from_dict(page.json())
    assert on_its_own.part_of.total == 3
    assert [a.id for a in on_its_own.items] == [a.id for a in items]

    # Counts (JSON), agreement, the adjudication grid.
    counts = _ok(
        _api("stats_tags").sync_detailed(
            client=edna, article=first.pk, group_by=[_model("StatsTagsGroupByItem")("tag")]
        )
    )
    assert {r.tag: r.annotations for r in counts.results} == {
        "overstated": 2,
        "price-claim": 1,
        "unsupported": 1,
    }
    agreement = _ok(_api("stats_agreement").sync_detailed(client=edna, article=first.pk))
    assert sorted(agreement.coders) == ["omar", "rita"]
    overstated = next(t for t in agreement.tags if t.tag == "overstated")
    assert overstated.percent_agreement == 1.0
    grid = _ok(_api("adjudication_retrieve").sync_detailed(first.pk, client=edna))
    assert sorted(grid.reviewers) == ["omar", "rita"]
    assert any(row.disagreement for row in grid.rows)

    # Delete, and it is gone.
    _ok(_api("annotations_destroy").sync_detailed(offsets.id, client=rita), 204)
    gone = _api("annotations_retrieve").sync_detailed(offsets.id, client=rita)
    assert gone.status_code == 404
    assert gone.parsed.detail
