"""The Web Annotation Protocol's pure parts: reading Prefer, reading a W3C annotation,
building pages and the container; no database."""

import pytest

from claims.api import w3c
from claims.exports.rows import Links

LINKS = Links(
    annotations="https://claims.example.org/api/v1/annotations/",
    articles="https://claims.example.org/api/v1/articles/",
    tags="https://claims.example.org/vocabulary/",
    absolute=lambda path: f"https://claims.example.org{path}",
)
IRIS = w3c.PageIris(
    collection="https://claims.example.org/api/v1/annotations/",
    first="https://claims.example.org/api/v1/annotations/?page=",
    last="https://claims.example.org/api/v1/annotations/?page=cj0x",
    page="https://claims.example.org/api/v1/annotations/?page=cD0z",
    next="https://claims.example.org/api/v1/annotations/?page=cD01",
)


@pytest.mark.parametrize(
    ("prefer", "expected"),
    [
        ("", w3c.ContainerPreference()),
        (
            f'return=representation; include="{w3c.PREFER_CONTAINED_IRIS}"',
            w3c.ContainerPreference(iris=True, applied=True),
        ),
        (
            f'return=representation;include="{w3c.PREFER_MINIMAL_CONTAINER} '
            f'{w3c.PREFER_CONTAINED_IRIS}"',
            w3c.ContainerPreference(iris=True, minimal=True, applied=True),
        ),
        (
            f'respond-async, return=representation; include="{w3c.PREFER_CONTAINED_DESCRIPTIONS}"',
            w3c.ContainerPreference(applied=True),
        ),
        # Only return=representation carries the include parameter.
        (f'return=minimal; include="{w3c.PREFER_CONTAINED_IRIS}"', w3c.ContainerPreference()),
        ('return=representation; include="http://example.org/other"', w3c.ContainerPreference()),
        ("wait=10", w3c.ContainerPreference()),
    ],
)
def test_it_reads_the_clients_container_preference(prefer, expected):
    assert w3c.container_preference(prefer) == expected


def test_a_page_on_its_own_names_its_collection_and_its_ends():
    page = w3c.annotation_page(["a", "b"], iris=IRIS, total=7, start_index=3)

    assert page == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": IRIS.page,
        "type": "AnnotationPage",
        "partOf": {
            "id": IRIS.collection,
            "type": "AnnotationCollection",
            "total": 7,
            "first": IRIS.first,
            "last": IRIS.last,
        },
        "startIndex": 3,
        "items": ["a", "b"],
        "next": IRIS.next,
    }


def test_a_minimal_container_names_its_first_page_without_embedding_it():
    container = w3c.annotation_container(iris=IRIS, total=7, first_page=None)

    assert container == {
        "@context": ["http://www.w3.org/ns/anno.jsonld", "http://www.w3.org/ns/ldp.jsonld"],
        "id": IRIS.collection,
        "type": ["BasicContainer", "AnnotationCollection"],
        "total": 7,
        "first": IRIS.first,
        "last": IRIS.last,
    }


def test_its_etag_follows_what_the_representation_says():
    one = w3c.representation_etag({"total": 1, "items": []})

    assert one == w3c.representation_etag({"items": [], "total": 1})
    assert one != w3c.representation_etag({"total": 2, "items": []})
    assert one.startswith('W/"')


def _annotation(**overrides) -> dict:
    return {
        "type": "Annotation",
        "body": {
            "purpose": "tagging",
            "source": "https://claims.example.org/vocabulary/price-claim",
        },
        "target": {
            "source": "https://claims.example.org/api/v1/articles/12",
            "selector": {"type": "TextPositionSelector", "start": 4, "end": 9},
        },
        **overrides,
    }


def test_it_reads_single_objects_where_lists_may_stand():
    asked = w3c.annotation_from_w3c(_annotation(), links=LINKS)

    assert asked == w3c.W3CAnnotationInput(
        article_id=12, tag="price-claim", start=4, end=9, exact=None, note=""
    )


def test_it_reads_a_type_list_and_a_textual_tag_alongside_a_note():
    data = _annotation(
        type=["Annotation"],
        motivation=["tagging"],
        body=[
            {
                "type": "SpecificResource",
                "source": "https://claims.example.org/vocabulary/overstated",
            },
            {"value": "Cheaper than at home, it says."},
        ],
    )

    asked = w3c.annotation_from_w3c(data, links=LINKS)

    assert (asked.tag, asked.note) == ("overstated", "Cheaper than at home, it says.")


@pytest.mark.parametrize("data", [[], "Annotation", None, {"type": "Note"}])
def test_it_refuses_what_is_not_an_annotation(data):
    with pytest.raises(w3c.W3CInputError) as refused:
        w3c.annotation_from_w3c(data, links=LINKS)

    assert refused.value.code == "not_an_annotation"


def test_it_names_the_tag_iris_it_takes():
    data = _annotation(body={"purpose": "tagging", "source": "urn:tag:overstated"})

    with pytest.raises(w3c.W3CInputError) as refused:
        w3c.annotation_from_w3c(data, links=LINKS)

    assert refused.value.code == "unknown_tag_iri"
    assert "https://claims.example.org/vocabulary/<slug>" in refused.value.message
