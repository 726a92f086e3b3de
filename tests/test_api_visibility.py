"""Who sees which annotations, layer by layer: a reviewer sees only their own review annotations,
before and after adjudication, and the final annotations only once an article's adjudication is
finished; editors and readers see both layers; an account without a role sees nothing."""

import pytest
from django.contrib.auth.models import User

from claims.models import Annotation, Article
from claims.services.review import adjudication_finish, decision_make, decisions_accept_unanimous
from tests.helpers import annotate_phrase, annotate_sentences

pytestmark = pytest.mark.django_db

ANNOTATIONS = "/api/v1/annotations/"
STATS = "/api/v1/stats/tags/"

OTHER_TEXT = "Ozone therapy cures Lyme disease. A course costs $2,400.\n"


@pytest.fixture
def shared(make_article, reviewer, other_reviewer) -> Article:
    """Rita: overstated (inside sentence 1, with a note), unsupported (sentences 1-2) and price
    claim (sentence 3). Omar: overstated (sentence 1, with a note) and price claim (inside 3)."""
    article = make_article(title="Stem cells")
    annotate_phrase(reviewer, article, "overstated", "no side effects", note="rita's note")
    annotate_sentences(reviewer, article, "unsupported", 1, 2)
    annotate_sentences(reviewer, article, "price-claim", 3, 3)
    annotate_sentences(other_reviewer, article, "overstated", 1, 1, note="omar's note")
    annotate_phrase(other_reviewer, article, "price-claim", "$1,500 (2 injections) to $10,000")
    return article


def decide_everything(article: Article, editor: User) -> None:
    """Accept the two unanimous tags and unsupported on sentence 2, reject it on sentence 1:
    three final annotations."""
    decisions_accept_unanimous(article=article, editor=editor)
    decision_make(article=article, sentence=1, tag="unsupported", accept=False, editor=editor)
    decision_make(article=article, sentence=2, tag="unsupported", accept=True, editor=editor)


@pytest.fixture
def decided(shared, editor) -> Article:
    """Every tag decided, the adjudication not finished."""
    decide_everything(shared, editor)
    return shared


@pytest.fixture
def finished(decided, editor) -> Article:
    adjudication_finish(article=decided, editor=editor)
    return decided


def final_ids(**article) -> list[int]:
    finals = Annotation.objects.filter(final=True, **article).order_by("start")
    return list(finals.values_list("pk", flat=True))


def own_ids(user: User) -> list[int]:
    return list(
        Annotation.objects.filter(final=False, author=user)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def listed(client, **params) -> list[int]:
    response = client.get(ANNOTATIONS, params)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def counts(client, **params) -> dict[str, int]:
    response = client.get(STATS, params)
    assert response.status_code == 200, response.content
    return {row["tag"]: row["annotations"] for row in response.json()["results"]}


# --- A reviewer's view of the review layer --------------------------------------------------


@pytest.fixture(params=["in review", "decided", "finished"])
def phase(request, shared, editor) -> Article:
    """The shared article before any decision, with every tag decided, and once finished."""
    if request.param != "in review":
        decide_everything(shared, editor)
    if request.param == "finished":
        adjudication_finish(article=shared, editor=editor)
    return shared


@pytest.mark.parametrize(
    ("persona", "own_counts"),
    [
        ("reviewer", {"unsupported": 1, "overstated": 1, "price-claim": 1}),
        ("other_reviewer", {"overstated": 1, "price-claim": 1}),
    ],
)
def test_a_reviewer_lists_and_counts_only_their_own_review_annotations(
    request, api_for, phase, persona, own_counts
):
    user = request.getfixturevalue(persona)
    client = api_for(user)

    assert listed(client) == own_ids(user)
    assert counts(client) == own_counts
    by_author = client.get(STATS, {"group_by": "author"}).json()["results"]
    assert [(row["author"], row["annotations"]) for row in by_author] == [
        (user.username, sum(own_counts.values()))
    ]
    tags = client.get("/api/v1/tags/").json()
    assert {t["slug"]: t["annotation_count"] for t in tags if t["annotation_count"]} == own_counts
    [article] = client.get("/api/v1/articles/").json()["results"]
    assert article["annotation_count"] == sum(own_counts.values())
    detail = client.get(f"/api/v1/articles/{phase.pk}/").json()
    assert detail["annotation_count"] == sum(own_counts.values())


def test_a_reviewer_never_sees_another_reviewers_annotation_or_note(
    api_for, reviewer, other_reviewer, phase
):
    rita = api_for(reviewer)
    omars = own_ids(other_reviewer)

    for annotation_id in omars:
        response = rita.get(f"{ANNOTATIONS}{annotation_id}/")
        assert response.status_code == 404
        assert "omar" not in response.text
    for params in ({}, {"format": "jsonld"}, {"author": "omar"}, {"q": "omar's note"}):
        response = rita.get(ANNOTATIONS, params)
        assert response.status_code == 200
        assert "omar" not in response.text
    assert rita.get(ANNOTATIONS, {"author": "omar"}).json()["results"] == []
    w3c = rita.get(ANNOTATIONS, {"format": "jsonld"}).json()
    assert w3c["total"] == 3
    for params in ({"group_by": "author"}, {"group_by": "author", "format": "csv"}):
        assert "omar" not in rita.get(STATS, params).content.decode()


def test_a_reviewer_cannot_change_or_delete_another_reviewers_annotation(
    api_for, reviewer, other_reviewer, shared
):
    omars = own_ids(other_reviewer)[0]
    rita = api_for(reviewer)

    changed = rita.patch(f"{ANNOTATIONS}{omars}/", {"note": "rita was here"}, format="json")
    deleted = rita.delete(f"{ANNOTATIONS}{omars}/")

    assert (changed.status_code, deleted.status_code) == (404, 404)
    assert Annotation.objects.get(pk=omars).note == "omar's note"


# --- The final layer ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reviewer", "other_reviewer"])
def test_a_reviewer_sees_no_final_annotation_before_adjudication_is_finished(
    request, api_for, decided, persona
):
    client = api_for(request.getfixturevalue(persona))

    assert len(final_ids()) == 3
    assert listed(client, final="true") == []
    assert counts(client, final="true") == {}
    assert client.get(ANNOTATIONS, {"final": "true", "format": "jsonld"}).json()["total"] == 0
    for annotation_id in final_ids():
        assert client.get(f"{ANNOTATIONS}{annotation_id}/").status_code == 404


@pytest.mark.parametrize("persona", ["reviewer", "other_reviewer"])
def test_a_reviewer_sees_the_final_annotations_once_adjudication_is_finished(
    request, api_for, finished, editor, persona
):
    client = api_for(request.getfixturevalue(persona))

    assert listed(client, final="true") == sorted(final_ids())
    assert counts(client, final="true") == {"unsupported": 1, "overstated": 1, "price-claim": 1}
    for annotation_id in final_ids():
        response = client.get(f"{ANNOTATIONS}{annotation_id}/")
        assert response.status_code == 200
        assert (response.json()["final"], response.json()["author"]) == (True, "edna")
    first = client.get(f"{ANNOTATIONS}{final_ids()[0]}/").json()
    assert first["note"] == "omar: omar's note\nrita: rita's note"


def test_a_reviewer_sees_final_annotations_only_of_finished_articles(
    api_for, reviewer, other_reviewer, editor, finished, make_article
):
    unfinished = make_article(OTHER_TEXT, title="Ozone")
    annotate_sentences(reviewer, unfinished, "overstated", 0, 0)
    decision_make(article=unfinished, sentence=0, tag="overstated", accept=True, editor=editor)
    unfinished_final = Annotation.objects.get(article=unfinished, final=True)

    rita = api_for(reviewer)

    assert listed(rita, final="true") == sorted(final_ids(article=finished))
    assert unfinished_final.pk not in listed(rita, final="true")
    assert rita.get(f"{ANNOTATIONS}{unfinished_final.pk}/").status_code == 404
    assert listed(api_for(editor), final="true") == sorted(final_ids())


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_editors_and_readers_see_both_layers_at_every_step(
    request, api_for, reviewer, other_reviewer, phase, persona
):
    client = api_for(request.getfixturevalue(persona))
    review = sorted(own_ids(reviewer) + own_ids(other_reviewer))

    assert listed(client) == review
    assert listed(client, final="false") == review
    assert listed(client, final="true") == sorted(final_ids())
    assert counts(client) == {"unsupported": 1, "overstated": 2, "price-claim": 2}
    for annotation_id in review + final_ids():
        assert client.get(f"{ANNOTATIONS}{annotation_id}/").status_code == 200


def test_the_counts_of_the_final_layer_count_only_final_annotations(api_for, editor, finished):
    client = api_for(editor)

    assert counts(client, final="true") == {"unsupported": 1, "overstated": 1, "price-claim": 1}
    by_author = client.get(STATS, {"final": "true", "group_by": "author"}).json()["results"]
    assert [(row["author"], row["annotations"]) for row in by_author] == [("edna", 3)]
    # The vocabulary and article counts are of the reviewers' work only.
    tags = client.get("/api/v1/tags/").json()
    assert {t["slug"]: t["annotation_count"] for t in tags if t["annotation_count"]} == {
        "unsupported": 1,
        "overstated": 2,
        "price-claim": 2,
    }
    assert client.get("/api/v1/articles/").json()["results"][0]["annotation_count"] == 5


def test_the_final_layer_answers_in_the_w3c_model_too(api_for, reviewer, finished):
    container = api_for(reviewer).get(ANNOTATIONS, {"final": "true", "format": "jsonld"}).json()

    assert container["total"] == 3
    assert {item["creator"]["nickname"] for item in container["first"]["items"]} == {"edna"}


@pytest.mark.parametrize("value", ["bogus", "yes please", "2"])
@pytest.mark.parametrize("endpoint", [ANNOTATIONS, STATS])
def test_it_refuses_a_final_parameter_that_is_not_true_or_false(
    api_for, editor, shared, endpoint, value
):
    response = api_for(editor).get(endpoint, {"final": value})

    assert response.status_code == 400
    assert response.json()["final"] == [f"“{value}” is not true or false."]


@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_nobody_changes_or_deletes_a_final_annotation_through_the_api(
    request, api_for, finished, persona
):
    client = api_for(request.getfixturevalue(persona))
    final = Annotation.objects.filter(final=True).order_by("start").first()

    changed = client.patch(f"{ANNOTATIONS}{final.pk}/", {"note": "edited"}, format="json")
    retagged = client.patch(f"{ANNOTATIONS}{final.pk}/", {"tag": "overstated"}, format="json")
    deleted = client.delete(f"{ANNOTATIONS}{final.pk}/")

    assert [r.status_code for r in (changed, retagged, deleted)] == [403, 403, 403]
    assert "adjudication" in changed.json()["detail"]
    stored = Annotation.objects.get(pk=final.pk)
    assert (stored.note, stored.tag.slug) == (final.note, final.tag.slug)


def test_a_reviewer_gets_404_for_a_final_annotation_before_it_is_theirs_to_see(
    api_for, reviewer, decided
):
    final = final_ids()[0]

    response = api_for(reviewer).patch(f"{ANNOTATIONS}{final}/", {"note": "x"}, format="json")

    assert response.status_code == 404


# --- No role --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        ANNOTATIONS,
        ANNOTATIONS + "?final=true",
        STATS,
        STATS + "?final=true",
        "/api/v1/tags/",
        "/api/v1/articles/",
        "{annotation}",
        "{final}",
    ],
)
def test_an_account_without_a_role_sees_nothing(api_for, outsider, finished, url):
    url = url.format(
        annotation=f"{ANNOTATIONS}{Annotation.objects.filter(final=False).first().pk}/",
        final=f"{ANNOTATIONS}{final_ids()[0]}/",
    )

    response = api_for(outsider).get(url)

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Your account has no Claimscope role (reviewer, editor or reader)."
    )
