"""The W3C download: one AnnotationCollection whose first page holds the API's own items."""

import json

import pytest
from django.urls import reverse

from claims.exports import w3c as w3c_export
from claims.exports.rows import Links, annotation_rows
from claims.exports.w3c import annotation_to_w3c
from claims.models import Annotation
from tests.helpers import annotate_phrase

pytestmark = pytest.mark.django_db

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PEPTIDE_TEXT = (
    "🌿 Natural healing at Lakeside Vitality 💉✨\n\n"
    "Our 🧬 peptide infusions reverse ageing in just three sessions. "
    "Patients report 💯 results with no downtime at all.\n"
)


@pytest.fixture
def article(make_article):
    return make_article(text=PEPTIDE_TEXT, title="Peptide infusions", publisher="Lakeside")


@pytest.fixture
def tagged(article, reviewer, other_reviewer) -> list[Annotation]:
    return [
        annotate_phrase(reviewer, article, "overstated", "reverse ageing", "No trial shows this."),
        annotate_phrase(other_reviewer, article, "unsupported", "no downtime at all"),
        annotate_phrase(reviewer, article, "cited-case-report", "Patients report 💯 results"),
    ]


def _collection(client, user, url: str, **params) -> dict:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return json.loads(response.getvalue())


def _corpus_url() -> str:
    return reverse("claims:corpus_export", args=["w3c"])


def test_it_wraps_the_annotations_in_a_collection_with_one_page(client, editor, tagged):
    collection = _collection(client, editor, _corpus_url(), publisher="Lakeside")

    assert collection["@context"] == ANNO_CONTEXT
    assert collection["id"] == "http://testserver/reports/export.w3c?publisher=Lakeside"
    assert collection["type"] == "AnnotationCollection"
    assert collection["label"] == "Claimscope annotations"
    assert collection["total"] == 3
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    assert page["startIndex"] == 0
    assert len(page["items"]) == 3


def test_its_items_are_the_ones_the_api_gives(client, editor, tagged):
    items = _collection(client, editor, _corpus_url())["first"]["items"]

    for item in items:
        annotation = Annotation.objects.select_related("tag", "author").get(
            pk=int(item["id"].rstrip("/").rsplit("/", 1)[1])
        )
        api_form = client.get(
            reverse("api:annotation-detail", args=[annotation.pk]), {"format": "jsonld"}
        ).json()
        del api_form["@context"]
        assert item == api_form


def test_its_row_based_items_equal_those_built_from_model_instances(tagged, settings):
    links = Links.on_site(lambda path: f"https://claimscope.example{path}")
    item_for = w3c_export.ItemBuilder(links)

    rows = list(annotation_rows(Annotation.objects.order_by("pk")))

    for row, annotation in zip(rows, Annotation.objects.order_by("pk"), strict=True):
        from_model = annotation_to_w3c(
            annotation,
            iri=f"https://claimscope.example/api/v1/annotations/{annotation.pk}/",
            article_iri=f"https://claimscope.example/api/v1/articles/{annotation.article_id}/",
            tag_iri=f"https://claimscope.example/vocabulary/{annotation.tag.slug}",
            with_context=False,
        )
        assert item_for(row) == from_model


def test_each_item_has_the_required_fields(client, editor, article, tagged):
    items = _collection(client, editor, _corpus_url())["first"]["items"]

    first = items[0]
    assert first["type"] == "Annotation"
    assert first["motivation"] == "tagging"
    assert first["creator"] == {"type": "Person", "nickname": "rita"}
    assert first["created"].endswith("Z")
    assert first["body"][0]["purpose"] == "tagging"
    assert first["body"][0]["source"].endswith("/vocabulary/overstated")
    assert first["body"][1] == {
        "type": "TextualBody",
        "purpose": "commenting",
        "value": "No trial shows this.",
        "format": "text/plain",
    }
    assert first["target"]["source"] == f"http://testserver/api/v1/articles/{article.pk}/"
    quote, position = first["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "reverse ageing"
    assert position["type"] == "TextPositionSelector"
    assert PEPTIDE_TEXT[position["start"] : position["end"]] == "reverse ageing"


def test_it_stays_one_valid_document_across_chunks(client, editor, tagged, monkeypatch):
    monkeypatch.setattr(w3c_export, "CHUNK_SIZE", 2)

    collection = _collection(client, editor, _corpus_url())

    assert collection["total"] == len(collection["first"]["items"]) == 3


def test_it_writes_an_empty_collection_when_nothing_is_covered(client, reviewer, article):
    url = reverse("claims:article_export", args=[article.pk, "w3c"])

    collection = _collection(client, reviewer, url)

    assert collection["total"] == 0
    assert collection["first"]["items"] == []
    assert collection["label"] == "Annotations on “Peptide infusions”"
