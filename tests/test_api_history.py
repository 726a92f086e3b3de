"""/api/v1/articles/<id>/history/ and /api/v1/annotations/<id>/history/: every step on an
article is recorded with who took it and what it changed, and a refused step records nothing."""

import pytest

from claims.models import Article, Assignment, Event
from claims.services.annotations import AnnotationDraft, annotations_bulk_create

pytestmark = pytest.mark.django_db

ANNOTATIONS = "/api/v1/annotations/"
BULK = "/api/v1/annotations/bulk/"

# conftest's CLINIC_TEXT: sentence 1 is [28, 62), 2 is [63, 102), 3 is [104, 151).
SENTENCE_1 = "Our treatment has no side effects."
SENTENCE_3 = "✅ Prices from $1,500 (2 injections) to $10,000."


def article_history(article_id: int) -> str:
    return f"/api/v1/articles/{article_id}/history/"


def annotation_history(annotation_id: int) -> str:
    return f"{ANNOTATIONS}{annotation_id}/history/"


def history(client, article: Article) -> list[dict]:
    response = client.get(article_history(article.pk))
    assert response.status_code == 200, response.content
    return response.json()["results"]


def steps(client, article: Article) -> list[tuple]:
    """(kind, actor, annotation_id, data) of each event, oldest first."""
    return [
        (e["kind"], e["actor"], e["annotation_id"], e["data"]) for e in history(client, article)
    ]


def create(client, article: Article, tag: str, sentence: int, note: str = "") -> int:
    body = {"article": article.pk, "tag": tag, "sentences": [sentence, sentence], "note": note}
    response = client.post(ANNOTATIONS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def snapshot(tag: str, note: str, start: int, end: int, quote: str, final=False) -> dict:
    return {"tag": tag, "note": note, "start": start, "end": end, "quote": quote, "final": final}


@pytest.fixture
def article(make_article) -> Article:
    return make_article()


@pytest.fixture
def rita(api_for, reviewer):
    return api_for(reviewer)


@pytest.fixture
def edna(api_for, editor):
    return api_for(editor)


# --- Annotations ----------------------------------------------------------------------------


def test_it_records_an_annotation_made_with_what_it_was(rita, edna, article):
    annotation = create(rita, article, "overstated", 1, note="absolute claim")

    [event] = history(edna, article)

    assert event == {
        "id": Event.objects.get().pk,
        "article": article.pk,
        "annotation_id": annotation,
        "kind": "created",
        "kind_label": "Created",
        "actor": "rita",
        "at": event["at"],
        "data": snapshot("overstated", "absolute claim", 28, 62, SENTENCE_1),
    }
    assert event["at"].endswith("Z")


def test_it_records_each_annotation_of_a_bulk_request(rita, edna, article):
    items = [
        {"article": article.pk, "tag": "overstated", "sentences": [1, 1]},
        {"article": article.pk, "tag": "price-claim", "sentences": [3, 3], "note": "USD"},
    ]
    ids = rita.post(BULK, {"annotations": items}, format="json").json()["ids"]

    assert steps(edna, article) == [
        ("created", "rita", ids[0], snapshot("overstated", "", 28, 62, SENTENCE_1)),
        ("created", "rita", ids[1], snapshot("price-claim", "USD", 104, 151, SENTENCE_3)),
    ]


def test_it_records_a_change_with_what_it_replaced(rita, edna, article):
    annotation = create(rita, article, "overstated", 1, note="absolute claim")

    rita.patch(f"{ANNOTATIONS}{annotation}/", {"tag": "unsupported", "note": ""}, format="json")
    rita.patch(f"{ANNOTATIONS}{annotation}/", {"note": "no trial cited"}, format="json")

    assert steps(edna, article)[1:] == [
        (
            "changed",
            "rita",
            annotation,
            {
                "before": {"tag": "overstated", "note": "absolute claim"},
                "after": {"tag": "unsupported", "note": ""},
            },
        ),
        (
            "changed",
            "rita",
            annotation,
            {"before": {"note": ""}, "after": {"note": "no trial cited"}},
        ),
    ]


def test_a_change_that_changes_nothing_records_nothing(rita, article):
    annotation = create(rita, article, "overstated", 1, note="absolute claim")

    response = rita.patch(
        f"{ANNOTATIONS}{annotation}/",
        {"tag": "overstated", "note": "absolute claim"},
        format="json",
    )

    assert response.status_code == 200
    assert list(Event.objects.values_list("kind", flat=True)) == ["created"]


def test_the_history_of_a_deleted_annotation_stays(rita, edna, article):
    annotation = create(rita, article, "overstated", 1)
    rita.patch(f"{ANNOTATIONS}{annotation}/", {"note": "absolute"}, format="json")

    assert rita.delete(f"{ANNOTATIONS}{annotation}/").status_code == 204

    response = edna.get(annotation_history(annotation))
    assert response.status_code == 200
    assert [(e["kind"], e["actor"], e["data"]) for e in response.json()] == [
        ("created", "rita", snapshot("overstated", "", 28, 62, SENTENCE_1)),
        ("changed", "rita", {"before": {"note": ""}, "after": {"note": "absolute"}}),
        ("deleted", "rita", snapshot("overstated", "absolute", 28, 62, SENTENCE_1)),
    ]
    assert [e["kind"] for e in history(edna, article)] == ["created", "changed", "deleted"]


def test_an_annotations_history_is_only_its_own(rita, edna, article):
    first = create(rita, article, "overstated", 1)
    create(rita, article, "price-claim", 3)

    events = edna.get(annotation_history(first)).json()

    assert [(e["kind"], e["annotation_id"]) for e in events] == [("created", first)]


# --- Refused steps record nothing -----------------------------------------------------------


def test_a_bulk_request_with_one_bad_item_records_nothing(rita, article):
    items = [
        {"article": article.pk, "tag": "overstated", "sentences": [1, 1]},
        {"article": article.pk, "tag": "miracle-cure", "sentences": [2, 2]},
    ]

    response = rita.post(BULK, {"annotations": items}, format="json")

    assert response.status_code == 422
    assert not Event.objects.exists()


def test_a_duplicate_annotation_records_nothing(rita, article):
    create(rita, article, "overstated", 1)

    response = rita.post(
        ANNOTATIONS, {"article": article.pk, "tag": "overstated", "sentences": [1, 1]}
    )

    assert response.status_code == 409
    assert Event.objects.count() == 1


def test_a_change_onto_a_tag_already_on_the_span_records_nothing(rita, article):
    create(rita, article, "overstated", 1)
    second = create(rita, article, "unsupported", 1)

    response = rita.patch(f"{ANNOTATIONS}{second}/", {"tag": "overstated"}, format="json")

    assert response.status_code == 409
    assert Event.objects.count() == 2


def test_a_refused_change_or_deletion_records_nothing(api_for, other_reviewer, rita, article):
    annotation = create(rita, article, "overstated", 1)
    omar = api_for(other_reviewer)

    responses = [
        omar.patch(f"{ANNOTATIONS}{annotation}/", {"note": "mine now"}, format="json"),
        omar.delete(f"{ANNOTATIONS}{annotation}/"),
        rita.patch(f"{ANNOTATIONS}{annotation}/", {"note": "x" * 10_001}, format="json"),
        rita.patch(f"{ANNOTATIONS}{annotation}/", {"tag": "miracle-cure"}, format="json"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 400, 422]
    assert Event.objects.count() == 1


def test_a_refused_decision_records_nothing(edna, article):
    url = f"/api/v1/articles/{article.pk}/adjudication/"

    responses = [
        edna.post(url + "decisions/", {"sentence": 9, "tag": "overstated", "accept": True}),
        edna.post(url + "decisions/", {"sentence": 1, "tag": "miracle-cure", "accept": True}),
    ]

    assert [r.status_code for r in responses] == [422, 422]
    assert not Event.objects.exists()


# --- Adjudication and assignments -----------------------------------------------------------


def test_it_records_every_step_of_a_review_in_order(
    api_for, rita, edna, reviewer, other_reviewer, editor, article
):
    """Assign, annotate, mark done, accept the unanimous tag, reject and accept the others,
    finish: the article's history tells it all, with who did what."""
    omar = api_for(other_reviewer)
    edna.post("/api/v1/assignments/", {"articles": [article.pk], "reviewers": ["omar", "rita"]})
    ritas_price = create(rita, article, "price-claim", 3)
    ritas_overstated = create(rita, article, "overstated", 1)
    omars_price = create(omar, article, "price-claim", 3)
    ritas_assignment = Assignment.objects.get(reviewer=reviewer)
    rita.patch(f"/api/v1/assignments/{ritas_assignment.pk}/", {"done": True}, format="json")
    adjudication = f"/api/v1/articles/{article.pk}/adjudication/"
    edna.post(adjudication + "unanimous/")
    price_final = Event.objects.get(kind="accepted").annotation_id
    decide = {"sentence": 1, "tag": "overstated"}
    edna.post(adjudication + "decisions/", {**decide, "accept": True}, format="json")
    overstated_final = Event.objects.filter(kind="accepted").last().annotation_id
    edna.post(adjudication + "decisions/", {**decide, "accept": False}, format="json")
    edna.post(adjudication + "finish/")

    price = {"sentence": 3, "tag": "price-claim", "start": 104, "end": 151}
    overstated = {"sentence": 1, "tag": "overstated", "start": 28, "end": 62}
    assert steps(edna, article) == [
        ("assigned", "edna", None, {"reviewer": "rita"}),
        ("assigned", "edna", None, {"reviewer": "omar"}),
        ("created", "rita", ritas_price, snapshot("price-claim", "", 104, 151, SENTENCE_3)),
        ("created", "rita", ritas_overstated, snapshot("overstated", "", 28, 62, SENTENCE_1)),
        ("created", "omar", omars_price, snapshot("price-claim", "", 104, 151, SENTENCE_3)),
        ("review_done", "rita", None, {"reviewer": "rita"}),
        ("accepted", "edna", price_final, {**price, "unanimous": True}),
        ("accepted", "edna", overstated_final, overstated),
        ("rejected", "edna", overstated_final, overstated),
        ("adjudicated", "edna", None, {}),
    ]
    # The removed final annotation's own history: accepted, then rejected.
    removed = edna.get(annotation_history(overstated_final)).json()
    assert [e["kind"] for e in removed] == ["accepted", "rejected"]
    assert [e["kind_label"] for e in history(edna, article)][-1] == "Adjudication finished"


def test_it_records_an_assignment_removed_and_a_review_reopened(api_for, edna, reviewer, article):
    edna.post("/api/v1/assignments/", {"articles": [article.pk], "reviewers": ["rita"]})
    assignment = Assignment.objects.get()
    rita = api_for(reviewer)
    rita.patch(f"/api/v1/assignments/{assignment.pk}/", {"done": True}, format="json")
    rita.patch(f"/api/v1/assignments/{assignment.pk}/", {"done": False}, format="json")
    edna.delete(f"/api/v1/assignments/{assignment.pk}/")

    assert [(kind, actor, data) for kind, actor, _, data in steps(edna, article)] == [
        ("assigned", "edna", {"reviewer": "rita"}),
        ("review_done", "rita", {"reviewer": "rita"}),
        ("review_reopened", "rita", {"reviewer": "rita"}),
        ("unassigned", "edna", {"reviewer": "rita"}),
    ]


def test_an_article_with_no_history_has_an_empty_one(edna, article):
    assert history(edna, article) == []


# --- Who may read it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected", "detail"),
    [
        ("reviewer", 403, "Only an editor may GET here."),
        ("other_reviewer", 403, "Only an editor may GET here."),
        ("reader", 403, "Only an editor may GET here."),
        ("outsider", 403, "Your account has no Claimscope role (reviewer, editor or reader)."),
        ("anonymous", 401, "Authentication credentials were not provided."),
    ],
)
def test_only_editors_read_the_history(request, api_for, rita, article, persona, expected, detail):
    annotation = create(rita, article, "overstated", 1)
    client = api_for(None if persona == "anonymous" else request.getfixturevalue(persona))

    for url in (article_history(article.pk), annotation_history(annotation)):
        response = client.get(url)
        assert response.status_code == expected
        assert response.json()["detail"] == detail


def test_it_answers_404_for_a_missing_article_or_an_annotation_without_history(edna):
    missing_article = edna.get(article_history(987_654))
    missing_annotation = edna.get(annotation_history(987_654))

    assert missing_article.status_code == missing_annotation.status_code == 404
    assert missing_article.json()["detail"] == "There is no article 987654."
    assert missing_annotation.json()["detail"] == "There is no history for annotation 987654."


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_history_cannot_be_written(edna, rita, article, method):
    annotation = create(rita, article, "overstated", 1)

    for url in (article_history(article.pk), annotation_history(annotation)):
        response = getattr(edna, method)(url, {"kind": "deleted"}, format="json")
        assert response.status_code == 405
    assert Event.objects.count() == 1


# --- Paging ---------------------------------------------------------------------------------


def tag_every_sentence(author, article: Article, tags: tuple[str, ...]) -> None:
    drafts = [
        AnnotationDraft(article_id=article.pk, tag=tag, sentences=(n, n))
        for n in range(4)
        for tag in tags
    ]
    annotations_bulk_create(author=author, drafts=drafts)


def test_it_pages_through_the_history_with_a_cursor_oldest_first(edna, reviewer, article):
    tag_every_sentence(reviewer, article, ("overstated", "unsupported", "price-claim"))
    expected = list(Event.objects.order_by("id").values_list("id", flat=True))

    seen, url = [], article_history(article.pk) + "?page_size=5"
    while url:
        page = edna.get(url).json()
        seen += [event["id"] for event in page["results"]]
        url = page["next"]

    assert len(expected) == 12
    assert seen == expected


def test_it_pages_newest_first_when_asked(edna, reviewer, article):
    tag_every_sentence(reviewer, article, ("overstated",))

    results = edna.get(article_history(article.pk), {"ordering": "-id"}).json()["results"]

    assert [e["id"] for e in results] == sorted((e["id"] for e in results), reverse=True)


def test_it_reads_a_page_of_history_in_a_fixed_number_of_queries(
    edna, reviewer, other_reviewer, article, django_assert_num_queries
):
    tag_every_sentence(reviewer, article, ("overstated",))
    with django_assert_num_queries(4):
        few = edna.get(article_history(article.pk)).json()["results"]
    tag_every_sentence(other_reviewer, article, ("overstated", "unsupported", "price-claim"))
    with django_assert_num_queries(4):
        many = edna.get(article_history(article.pk)).json()["results"]

    assert (len(few), len(many)) == (4, 16)
    assert {e["actor"] for e in many} == {"rita", "omar"}
