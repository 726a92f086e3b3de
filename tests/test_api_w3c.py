"""The annotation endpoints answering in the W3C Web Annotation model (JSON-LD)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from claims.models import Annotation
from tests.helpers import annotate_phrase

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
W3C_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
ANNOTATIONS = "/api/v1/annotations/"

# Emoji outside the Basic Multilingual Plane come before the spans: one code point each in
# Python, two UTF-16 units each in JavaScript.
PEPTIDE_TEXT = (
    "🌿 Natural healing at Lakeside Vitality 💉✨\n\n"
    "Our 🧬 peptide infusions reverse ageing in just three sessions. "
    "Patients report 💯 results with no downtime at all.\n\n"
    "Book a free consultation today and feel twenty years younger by summer.\n"
)


def _w3c_get(client, url: str, how: str, **params):
    """GET in the W3C form, asked for either through the Accept header or ?format=jsonld."""
    if how == "accept":
        return client.get(url, params, HTTP_ACCEPT=W3C_MEDIA_TYPE)
    return client.get(url, {**params, "format": "jsonld"})


@pytest.fixture
def peptide_article(make_article):
    return make_article(text=PEPTIDE_TEXT, title="Peptide infusions", publisher="Lakeside")


@pytest.fixture
def tagged(reviewer, peptide_article) -> Annotation:
    return annotate_phrase(
        reviewer,
        peptide_article,
        "overstated",
        "reverse ageing in just three sessions",
        note="No trial shows this; the clinic cites its own patients.",
    )


both_ways = pytest.mark.parametrize("how", ["accept", "format"])


# --- One annotation ---------------------------------------------------------------------------


@both_ways
def test_it_answers_with_the_annotation_media_type_and_profile(api_for, reviewer, tagged, how):
    response = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", how)

    assert response.status_code == 200
    assert response["Content-Type"] == W3C_MEDIA_TYPE


@both_ways
def test_it_describes_the_annotation_itself(api_for, reviewer, tagged, how):
    data = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", how).json()

    stored = Annotation.objects.get(pk=tagged.pk)
    assert data["@context"] == ANNO_CONTEXT
    assert data["id"] == f"http://testserver/api/v1/annotations/{tagged.pk}/"
    assert data["type"] == "Annotation"
    assert data["motivation"] == "tagging"
    assert data["creator"] == {"type": "Person", "nickname": "rita"}
    assert data["created"].endswith("Z")
    assert datetime.fromisoformat(data["created"]) == stored.created_at
    assert datetime.fromisoformat(data["modified"]) == stored.updated_at


def test_it_points_the_tagging_body_at_the_tag_iri(api_for, reviewer, tagged, settings):
    settings.CLAIMSCOPE_TAG_IRI_BASE = "https://vocab.claimscope.example/tags/"

    body = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", "format").json()["body"]

    assert body[0] == {
        "type": "SpecificResource",
        "purpose": "tagging",
        "source": "https://vocab.claimscope.example/tags/overstated",
    }


def test_it_carries_the_note_as_a_commenting_body(api_for, reviewer, tagged):
    body = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", "format").json()["body"]

    assert len(body) == 2
    assert body[1]["type"] == "TextualBody"
    assert body[1]["purpose"] == "commenting"
    assert body[1]["value"] == "No trial shows this; the clinic cites its own patients."


def test_it_leaves_out_the_commenting_body_without_a_note(api_for, reviewer, peptide_article):
    plain = annotate_phrase(reviewer, peptide_article, "unsupported", "no downtime at all")

    body = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{plain.pk}/", "format").json()["body"]

    assert [b["purpose"] for b in body] == ["tagging"]


def test_it_targets_the_article_by_its_api_url(api_for, reviewer, tagged, peptide_article):
    target = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", "format").json()["target"]

    assert target["source"] == f"http://testserver/api/v1/articles/{peptide_article.pk}/"


def _selectors(data: dict) -> dict[str, dict]:
    return {s["type"]: s for s in data["target"]["selector"]}


@both_ways
def test_it_quotes_the_span_with_the_text_around_it(
    api_for, reviewer, tagged, peptide_article, how
):
    data = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", how).json()

    quote = _selectors(data)["TextQuoteSelector"]
    text = peptide_article.text
    start = text.index("reverse ageing")
    end = start + len("reverse ageing in just three sessions")
    assert quote["exact"] == "reverse ageing in just three sessions"
    assert quote["prefix"] and text[:start].endswith(quote["prefix"])
    assert quote["suffix"] and text[end:].startswith(quote["suffix"])
    assert "🧬" in quote["prefix"]


def test_it_quotes_an_empty_prefix_for_a_span_at_the_start(api_for, reviewer, peptide_article):
    opening = annotate_phrase(reviewer, peptide_article, "unsupported", "🌿 Natural healing")

    data = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{opening.pk}/", "format").json()

    quote = _selectors(data)["TextQuoteSelector"]
    assert quote["exact"] == "🌿 Natural healing"
    assert quote.get("prefix", "") == ""
    assert peptide_article.text[len(quote["exact"]) :].startswith(quote["suffix"])


@both_ways
def test_it_counts_positions_in_code_points_past_emoji(
    api_for, reviewer, tagged, peptide_article, how
):
    data = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", how).json()

    position = _selectors(data)["TextPositionSelector"]
    text = peptide_article.text
    exact = _selectors(data)["TextQuoteSelector"]["exact"]
    assert text[position["start"] : position["end"]] == exact
    assert position["start"] == text.index(exact)
    # The emoji before the span make UTF-16 offsets differ: this span would catch that bug.
    utf16_start = len(text[: position["start"]].encode("utf-16-le")) // 2
    assert utf16_start > position["start"]


def test_it_gives_the_w3c_form_its_own_etag(api_for, reviewer, tagged):
    client = api_for(reviewer)

    plain = client.get(f"{ANNOTATIONS}{tagged.pk}/", HTTP_ACCEPT="application/json")
    linked = _w3c_get(client, f"{ANNOTATIONS}{tagged.pk}/", "accept")

    assert plain["ETag"] and linked["ETag"]
    assert plain["ETag"] != linked["ETag"]


def test_it_answers_not_modified_only_to_the_etag_of_the_same_form(api_for, reviewer, tagged):
    client = api_for(reviewer)
    url = f"{ANNOTATIONS}{tagged.pk}/"
    plain_etag = client.get(url, HTTP_ACCEPT="application/json")["ETag"]
    linked_etag = _w3c_get(client, url, "accept")["ETag"]

    same = client.get(url, HTTP_ACCEPT=W3C_MEDIA_TYPE, HTTP_IF_NONE_MATCH=linked_etag)
    other = client.get(url, HTTP_ACCEPT=W3C_MEDIA_TYPE, HTTP_IF_NONE_MATCH=plain_etag)

    assert same.status_code == 304
    assert other.status_code == 200
    assert other.json()["type"] == "Annotation"


def test_it_still_answers_plain_json_to_plain_accept(api_for, reviewer, tagged):
    response = api_for(reviewer).get(f"{ANNOTATIONS}{tagged.pk}/", HTTP_ACCEPT="application/json")

    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert "@context" not in data
    assert data["tag"] == "overstated"
    assert data["quote"] == "reverse ageing in just three sessions"


def test_it_hides_another_reviewers_annotation_in_the_w3c_form_too(api_for, other_reviewer, tagged):
    response = _w3c_get(api_for(other_reviewer), f"{ANNOTATIONS}{tagged.pk}/", "format")

    assert response.status_code == 404


# --- Lists ------------------------------------------------------------------------------------

PHRASES = [
    ("overstated", "Natural healing"),
    ("overstated", "reverse ageing in just three sessions"),
    ("unsupported", "Patients report 💯 results"),
    ("price-claim", "Book a free consultation"),
    ("overstated", "feel twenty years younger by summer"),
]


@pytest.fixture
def five(reviewer, peptide_article) -> list[Annotation]:
    """Five annotations whose creation times tie between the second and the third, so that
    ordering by time needs the id to break the tie across a page boundary."""
    made = [annotate_phrase(reviewer, peptide_article, tag, phrase) for tag, phrase in PHRASES]
    base = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    for annotation, minutes in zip(made, [0, 5, 5, 1, 30], strict=True):
        Annotation.objects.filter(pk=annotation.pk).update(
            created_at=base + timedelta(minutes=minutes)
        )
    return list(Annotation.objects.filter(pk__in=[a.pk for a in made]))


def _pages(client, how: str, **params) -> list[dict]:
    """Every page of a W3C listing, following `next` from the first."""
    response = _w3c_get(client, ANNOTATIONS, how, page="", **params)
    assert response.status_code == 200
    pages = [response.json()]
    while "next" in pages[-1]:
        response = client.get(pages[-1]["next"], HTTP_ACCEPT=W3C_MEDIA_TYPE)
        assert response.status_code == 200
        pages.append(response.json())
    return pages


def _item_ids(page: dict) -> list[int]:
    return [int(item["id"].rstrip("/").rsplit("/", 1)[1]) for item in page["items"]]


@both_ways
def test_it_lists_annotations_as_an_annotation_page(api_for, editor, five, how):
    response = _w3c_get(api_for(editor), ANNOTATIONS, how, page="", page_size=2)

    assert response.status_code == 200
    assert response["Content-Type"] == W3C_MEDIA_TYPE
    page = response.json()
    assert page["@context"] == ANNO_CONTEXT
    assert page["type"] == "AnnotationPage"
    assert page["partOf"]["type"] == "AnnotationCollection"
    assert page["partOf"]["total"] == 5
    assert page["startIndex"] == 0
    assert len(page["items"]) == 2
    assert "next" in page
    assert "prev" not in page


def test_it_lists_items_without_their_own_context(api_for, editor, five):
    page = _w3c_get(api_for(editor), ANNOTATIONS, "format", page="").json()

    assert len(page["items"]) == 5
    for item in page["items"]:
        assert "@context" not in item
        assert item["type"] == "Annotation"
        assert item["target"]["selector"][0]["type"] == "TextQuoteSelector"


@both_ways
@pytest.mark.parametrize(
    ("ordering", "sort_key", "descending"),
    [
        ("id", lambda a: a.pk, False),
        ("-created_at", lambda a: (a.created_at, a.pk), True),
    ],
)
def test_it_numbers_each_page_by_the_items_before_it(
    api_for, editor, five, how, ordering, sort_key, descending
):
    expected = [a.pk for a in sorted(five, key=sort_key, reverse=descending)]

    pages = _pages(api_for(editor), how, page_size=2, ordering=ordering)

    assert [len(page["items"]) for page in pages] == [2, 2, 1]
    assert [page["startIndex"] for page in pages] == [0, 2, 4]
    assert [pk for page in pages for pk in _item_ids(page)] == expected
    assert {page["partOf"]["total"] for page in pages} == {5}


def test_it_links_later_pages_back_to_the_earlier_ones(api_for, editor, five):
    client = api_for(editor)
    pages = _pages(client, "accept", page_size=2, ordering="-created_at")

    assert "prev" not in pages[0]
    assert "prev" in pages[1] and "prev" in pages[2]
    assert "next" not in pages[2]
    back = client.get(pages[2]["prev"], HTTP_ACCEPT=W3C_MEDIA_TYPE).json()
    assert back["startIndex"] == 2
    assert _item_ids(back) == _item_ids(pages[1])
    first = client.get(back["prev"], HTTP_ACCEPT=W3C_MEDIA_TYPE).json()
    assert first["startIndex"] == 0
    assert _item_ids(first) == _item_ids(pages[0])


def test_it_names_the_same_collection_from_every_page(api_for, editor, five):
    pages = _pages(api_for(editor), "format", page_size=2)

    collections = {page["partOf"]["id"] for page in pages}
    assert len(collections) == 1
    collection = collections.pop()
    assert "cursor=" not in collection
    assert "page_size=" not in collection
    assert pages[1]["id"] != pages[0]["id"]
    # The same collection whatever the page size.
    other = _pages(api_for(editor), "format", page_size=3)
    assert {page["partOf"]["id"] for page in other} == {collection}


def test_it_applies_filters_to_the_w3c_list(api_for, editor, five):
    overstated_iri = "http://testserver/vocabulary/overstated"

    pages = _pages(api_for(editor), "format", page_size=2, tag="overstated")

    items = [item for page in pages for item in page["items"]]
    assert len(items) == 3
    assert {page["partOf"]["total"] for page in pages} == {3}
    assert [page["startIndex"] for page in pages] == [0, 2]
    assert {item["body"][0]["source"] for item in items} == {overstated_iri}


def test_it_counts_only_the_filtered_annotations_in_the_total(api_for, editor, five):
    page = _w3c_get(
        api_for(editor), ANNOTATIONS, "accept", page="", q="consultation", ordering="-created_at"
    ).json()

    assert page["partOf"]["total"] == 1
    assert _selectors(page["items"][0])["TextQuoteSelector"]["exact"] == "Book a free consultation"


def test_it_lists_only_a_reviewers_own_annotations_in_the_w3c_list(
    api_for, reviewer, other_reviewer, peptide_article, five
):
    annotate_phrase(other_reviewer, peptide_article, "overstated", "Natural healing")

    mine = _w3c_get(api_for(reviewer), ANNOTATIONS, "format", page="").json()
    theirs = _w3c_get(api_for(other_reviewer), ANNOTATIONS, "format", page="").json()

    assert mine["partOf"]["total"] == 5
    assert {item["creator"]["nickname"] for item in mine["items"]} == {"rita"}
    assert theirs["partOf"]["total"] == 1
    assert theirs["items"][0]["creator"]["nickname"] == "omar"


def test_it_still_lists_plain_json_to_plain_accept(api_for, editor, five):
    response = api_for(editor).get(ANNOTATIONS, {"page_size": 2}, HTTP_ACCEPT="application/json")

    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"next", "previous", "results"}
    assert len(data["results"]) == 2
    assert "@context" not in data["results"][0]
    assert data["results"][0]["quote"] == "Natural healing"


def test_it_builds_a_w3c_page_in_a_fixed_number_of_queries(
    api_for, editor, reviewer, five, peptide_article, django_assert_num_queries
):
    client = api_for(editor)
    first = _w3c_get(client, ANNOTATIONS, "format", page="", page_size=2).json()
    # Token with user, roles, the page, the total; a later page also counts the rows before it.
    with django_assert_num_queries(4):
        _w3c_get(client, ANNOTATIONS, "format", page="", page_size=2)
    with django_assert_num_queries(4):
        _w3c_get(client, ANNOTATIONS, "format", page_size=2)  # the container
    with django_assert_num_queries(5):
        client.get(first["next"])
    more = ["Patients report", "Book a free consultation", "feel twenty years younger"]
    for phrase in more:
        annotate_phrase(reviewer, peptide_article, "unsupported", phrase)
    with django_assert_num_queries(4):
        _w3c_get(client, ANNOTATIONS, "format", page="", page_size=5)
    with django_assert_num_queries(4):
        _w3c_get(client, ANNOTATIONS, "format", page_size=5)
    with django_assert_num_queries(5):
        client.get(first["next"])


# --- The container (Web Annotation Protocol) -----------------------------------------------

PREFER_IRIS = 'return=representation; include="http://www.w3.org/ns/oa#PreferContainedIRIs"'
PREFER_DESCRIPTIONS = (
    'return=representation; include="http://www.w3.org/ns/oa#PreferContainedDescriptions"'
)
PREFER_MINIMAL = 'return=representation; include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'


def _container(client, prefer: str | None = None, **params):
    extra = {"HTTP_PREFER": prefer} if prefer else {}
    return client.get(ANNOTATIONS, params, HTTP_ACCEPT=W3C_MEDIA_TYPE, **extra)


def test_the_container_says_what_it_is_and_what_it_takes(api_for, editor, five):
    response = _container(api_for(editor))

    assert response.status_code == 200
    assert response["Content-Type"] == W3C_MEDIA_TYPE
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in response["Link"]
    assert response["Accept-Post"].startswith(W3C_MEDIA_TYPE)
    assert "application/json" in response["Accept-Post"]
    assert "POST" in response["Allow"]
    assert {v.strip() for v in response["Vary"].split(",")} >= {"Accept", "Prefer"}
    assert response["ETag"].startswith('W/"')
    assert "Preference-Applied" not in response


def test_the_container_embeds_its_first_page_of_descriptions_by_default(api_for, editor, five):
    container = _container(api_for(editor), page_size=2).json()

    assert container["@context"] == [ANNO_CONTEXT, "http://www.w3.org/ns/ldp.jsonld"]
    assert container["id"] == "http://testserver/api/v1/annotations/"
    assert container["type"] == ["BasicContainer", "AnnotationCollection"]
    assert container["total"] == 5
    first = container["first"]
    assert first["id"] == "http://testserver/api/v1/annotations/?page=&page_size=2"
    assert first["type"] == "AnnotationPage"
    assert first["startIndex"] == 0
    assert [item["type"] for item in first["items"]] == ["Annotation", "Annotation"]
    assert "partOf" not in first and "@context" not in first
    assert "page=" in first["next"]
    assert container["last"].startswith("http://testserver/api/v1/annotations/?page=")
    assert container["last"] != first["id"]


def test_it_gives_the_collection_and_its_pages_distinct_iris(api_for, editor, five):
    client = api_for(editor)
    container = _container(client).json()
    pages = _pages(client, "accept", page_size=2)

    page_ids = [page["id"] for page in pages]
    assert container["id"] not in page_ids
    assert all("page=" in iri for iri in page_ids)
    assert len(set(page_ids)) == 3
    assert {page["partOf"]["id"] for page in pages} == {container["id"]}


def test_each_page_names_its_collections_first_and_last_pages(api_for, editor, five):
    client = api_for(editor)
    pages = _pages(client, "format", page_size=2)

    part_of = pages[1]["partOf"]
    assert set(part_of) == {"id", "type", "total", "first", "last"}
    assert part_of["type"] == "AnnotationCollection"
    assert part_of["total"] == 5
    assert {page["partOf"]["first"] for page in pages} == {part_of["first"]}
    assert {page["partOf"]["last"] for page in pages} == {part_of["last"]}
    first = client.get(part_of["first"], HTTP_ACCEPT=W3C_MEDIA_TYPE).json()
    last = client.get(part_of["last"], HTTP_ACCEPT=W3C_MEDIA_TYPE).json()
    assert first["id"] == pages[0]["id"]
    assert _item_ids(first) == _item_ids(pages[0])
    # The last page holds the collection's last items and leads nowhere further.
    assert _item_ids(last) == sorted(a.pk for a in five)[-2:]
    assert last["startIndex"] == 3
    assert "next" not in last and "prev" in last


def test_it_answers_prefer_contained_iris_with_the_annotations_iris(api_for, editor, five):
    client = api_for(editor)
    response = _container(client, PREFER_IRIS, page_size=2)

    assert response["Preference-Applied"] == "return=representation"
    container = response.json()
    assert container["id"] == "http://testserver/api/v1/annotations/?iris=1"
    expected = [f"http://testserver/api/v1/annotations/{a.pk}/" for a in sorted(five, key=_pk)]
    assert container["first"]["items"] == expected[:2]
    # The IRIs form is a collection of its own, and its pages stay in that form.
    assert "iris=1" in container["first"]["id"] and "iris=1" in container["last"]
    second = client.get(container["first"]["next"], HTTP_ACCEPT=W3C_MEDIA_TYPE).json()
    assert second["items"] == expected[2:4]
    assert second["partOf"]["id"] == container["id"]


def _pk(annotation: Annotation) -> int:
    return annotation.pk


def test_it_answers_prefer_contained_descriptions_with_whole_annotations(api_for, editor, five):
    response = _container(api_for(editor), PREFER_DESCRIPTIONS)

    assert response["Preference-Applied"] == "return=representation"
    container = response.json()
    assert container["id"] == "http://testserver/api/v1/annotations/"
    assert [item["type"] for item in container["first"]["items"]] == ["Annotation"] * 5


def test_it_answers_prefer_minimal_container_without_a_page(api_for, editor, five):
    response = _container(api_for(editor), PREFER_MINIMAL, page_size=2)

    assert response["Preference-Applied"] == "return=representation"
    container = response.json()
    assert container["first"] == "http://testserver/api/v1/annotations/?page=&page_size=2"
    assert container["total"] == 5
    assert "items" not in json.dumps(container)


def test_it_ignores_preferences_it_does_not_know(api_for, editor, five):
    response = _container(api_for(editor), "respond-async, wait=10")

    assert "Preference-Applied" not in response
    assert len(response.json()["first"]["items"]) == 5


def test_it_keeps_the_filters_in_the_collections_iri(api_for, editor, five):
    container = _container(api_for(editor), tag="overstated").json()

    assert container["id"] == "http://testserver/api/v1/annotations/?tag=overstated"
    assert container["total"] == 3
    assert container["first"]["id"] == "http://testserver/api/v1/annotations/?page=&tag=overstated"


def test_it_answers_not_modified_to_the_containers_etag_until_it_changes(
    api_for, editor, reviewer, peptide_article, five
):
    client = api_for(editor)
    etag = _container(client)["ETag"]

    unchanged = client.get(ANNOTATIONS, HTTP_ACCEPT=W3C_MEDIA_TYPE, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag
    annotate_phrase(reviewer, peptide_article, "unsupported", "no downtime at all")
    changed = client.get(ANNOTATIONS, HTTP_ACCEPT=W3C_MEDIA_TYPE, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["total"] == 6


def test_the_iris_form_and_the_descriptions_have_different_etags(api_for, editor, five):
    client = api_for(editor)

    assert _container(client)["ETag"] != _container(client, PREFER_IRIS)["ETag"]


def test_it_announces_the_container_to_options_too(api_for, editor):
    response = api_for(editor).options(ANNOTATIONS)

    assert response.status_code == 200
    assert "ldp#BasicContainer" in response["Link"]
    assert response["Accept-Post"].startswith(W3C_MEDIA_TYPE)


@both_ways
def test_an_annotation_says_it_is_an_annotation_resource(api_for, reviewer, tagged, how):
    response = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", how)

    assert '<http://www.w3.org/ns/oa#Annotation>; rel="type"' in response["Link"]
    assert '<http://www.w3.org/ns/ldp#Resource>; rel="type"' in response["Link"]
    assert "Accept" in response["Vary"]


def test_it_lists_an_empty_container_with_an_empty_first_page(api_for, editor):
    container = _container(api_for(editor)).json()

    assert container["total"] == 0
    assert container["first"]["items"] == []
    assert "next" not in container["first"]


# --- Creating an annotation in the W3C form ------------------------------------------------


def _w3c_annotation(article, *, exact: str, start: int | None = None, **overrides) -> dict:
    """A W3C annotation as a client would write it, tagging `exact` as overstated."""
    start = article.text.index(exact) if start is None else start
    return {
        "@context": ANNO_CONTEXT,
        "type": "Annotation",
        "motivation": "tagging",
        "body": [
            {
                "type": "SpecificResource",
                "purpose": "tagging",
                "source": "http://testserver/vocabulary/overstated",
            },
            {"type": "TextualBody", "purpose": "commenting", "value": "Three sessions?"},
        ],
        "target": {
            "source": f"http://testserver/api/v1/articles/{article.pk}/",
            "selector": [
                {"type": "TextQuoteSelector", "exact": exact},
                {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
            ],
        },
        **overrides,
    }


def _w3c_post(client, data, content_type: str = W3C_MEDIA_TYPE):
    return client.post(ANNOTATIONS, json.dumps(data), content_type=content_type)


def test_it_stores_a_w3c_annotation_and_answers_with_its_w3c_form(
    api_for, reviewer, peptide_article
):
    exact = "reverse ageing in just three sessions"

    response = _w3c_post(api_for(reviewer), _w3c_annotation(peptide_article, exact=exact))

    assert response.status_code == 201
    stored = Annotation.objects.get()
    start = PEPTIDE_TEXT.index(exact)
    assert (stored.tag.slug, stored.start, stored.end) == ("overstated", start, start + len(exact))
    assert (stored.quote, stored.note, stored.author) == (exact, "Three sessions?", reviewer)
    assert response["Location"] == f"http://testserver/api/v1/annotations/{stored.pk}/"
    assert response["Content-Type"] == W3C_MEDIA_TYPE
    assert "oa#Annotation" in response["Link"]
    data = response.json()
    assert data["id"] == response["Location"]
    assert data["type"] == "Annotation"
    assert data["body"][0]["source"] == "http://testserver/vocabulary/overstated"
    assert _selectors(data)["TextPositionSelector"] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": start + len(exact),
    }
    read = _w3c_get(api_for(reviewer), response["Location"], "accept")
    assert read.json() == data
    assert read["ETag"] == response["ETag"]


def test_it_takes_the_plain_ld_json_media_type_too(api_for, reviewer, peptide_article):
    data = _w3c_annotation(peptide_article, exact="no downtime at all")

    response = _w3c_post(api_for(reviewer), data, content_type="application/ld+json")

    assert response.status_code == 201
    assert Annotation.objects.get().quote == "no downtime at all"


def test_it_stores_another_reviewers_w3c_output_as_posted(
    api_for, reviewer, other_reviewer, tagged
):
    linked = _w3c_get(api_for(reviewer), f"{ANNOTATIONS}{tagged.pk}/", "accept").json()
    del linked["id"]

    response = _w3c_post(api_for(other_reviewer), linked)

    assert response.status_code == 201
    copy = Annotation.objects.get(author=other_reviewer)
    assert (copy.start, copy.end, copy.tag_id, copy.note) == (
        tagged.start,
        tagged.end,
        tagged.tag_id,
        tagged.note,
    )


def test_it_reads_posted_positions_as_code_points_past_emoji(api_for, reviewer, peptide_article):
    exact = "results with no downtime"
    start = PEPTIDE_TEXT.index(exact)
    utf16_start = len(PEPTIDE_TEXT[:start].encode("utf-16-le")) // 2

    right = _w3c_post(api_for(reviewer), _w3c_annotation(peptide_article, exact=exact))
    wrong = _w3c_post(
        api_for(reviewer), _w3c_annotation(peptide_article, exact=exact, start=utf16_start)
    )

    assert right.status_code == 201
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "quote_mismatch"


def test_it_refuses_a_quote_that_is_not_the_text_at_the_span(api_for, reviewer, peptide_article):
    data = _w3c_annotation(peptide_article, exact="reverse ageing")
    data["target"]["selector"][0]["exact"] = "reverse ageing!"

    response = _w3c_post(api_for(reviewer), data)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "quote_mismatch"
    assert "“reverse ageing!”" in body["detail"] and "“reverse ageing”" in body["detail"]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d.update(type="Note"), "not_an_annotation"),
        (lambda d: d.update(motivation="bookmarking"), "unsupported_motivation"),
        (lambda d: d.update(body=d["body"][1:]), "one_tag_required"),
        (lambda d: d.update(body=[d["body"][0], d["body"][0], d["body"][1]]), "one_tag_required"),
        (
            lambda d: d["body"][0].update(source="https://elsewhere.example/tags/overstated"),
            "unknown_tag_iri",
        ),
        (lambda d: d["body"][0].update(source="http://testserver/vocabulary/"), "unknown_tag_iri"),
        (lambda d: d["body"][1].update(value=7), "invalid_body"),
        (lambda d: d.update(body=[*d["body"], d["body"][1]]), "one_note_only"),
        (lambda d: d.update(target="http://testserver/api/v1/articles/1/"), "one_target_required"),
        (
            lambda d: d["target"].update(source="http://testserver/articles/1/"),
            "unknown_target",
        ),
        (lambda d: d["target"].update(selector=d["target"]["selector"][:1]), "position_required"),
        (lambda d: d["target"]["selector"][1].update(start="4"), "invalid_selector"),
        (lambda d: d["target"]["selector"][1].update(end=True), "invalid_selector"),
        (lambda d: d["target"]["selector"][0].update(exact=["a"]), "invalid_selector"),
    ],
)
def test_it_refuses_a_w3c_annotation_it_cannot_store_with_a_code(
    api_for, reviewer, peptide_article, change, code
):
    data = _w3c_annotation(peptide_article, exact="reverse ageing")
    change(data)

    response = _w3c_post(api_for(reviewer), data)

    # JSON-LD, well-formed, but naming nothing stored here or not a tagging annotation.
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            lambda d: d["body"][0].update(source="http://testserver/vocabulary/cure"),
            "does_not_exist",
        ),
        (
            lambda d: d["target"]["selector"][0].update(end=10_000),
            "out_of_range",
        ),
        (
            lambda d: d["target"].update(source="http://testserver/api/v1/articles/999999/"),
            "does_not_exist",
        ),
    ],
)
def test_it_answers_the_services_refusals_with_their_codes(
    api_for, reviewer, peptide_article, change, code
):
    data = _w3c_annotation(peptide_article, exact="reverse ageing")
    del data["target"]["selector"][0]  # no quote to check
    change(data)

    response = _w3c_post(api_for(reviewer), data)

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not Annotation.objects.exists()


def test_it_answers_a_repeated_w3c_annotation_with_409(api_for, reviewer, peptide_article):
    client = api_for(reviewer)
    data = _w3c_annotation(peptide_article, exact="reverse ageing")

    first = _w3c_post(client, data)
    again = _w3c_post(client, data)

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    assert Annotation.objects.count() == 1


def test_it_lets_no_reader_post_a_w3c_annotation(api_for, reader, peptide_article):
    data = _w3c_annotation(peptide_article, exact="reverse ageing")

    assert _w3c_post(api_for(reader), data).status_code == 403
    assert _w3c_post(api_for(None), data).status_code == 401
    assert not Annotation.objects.exists()


def test_it_refuses_w3c_json_that_does_not_parse(api_for, reviewer):
    response = api_for(reviewer).post(ANNOTATIONS, "{", content_type=W3C_MEDIA_TYPE)

    assert response.status_code == 400
    assert not Annotation.objects.exists()


# --- IRIs from the request ------------------------------------------------------------------


def test_it_builds_every_iri_from_the_address_the_request_came_to(
    api_for, reviewer, tagged, peptide_article, settings
):
    settings.ALLOWED_HOSTS = ["claims.example.org"]

    data = (
        api_for(reviewer)
        .get(
            f"{ANNOTATIONS}{tagged.pk}/",
            HTTP_ACCEPT=W3C_MEDIA_TYPE,
            HTTP_HOST="claims.example.org",
            secure=True,
        )
        .json()
    )

    assert data["id"] == f"https://claims.example.org/api/v1/annotations/{tagged.pk}/"
    assert data["body"][0]["source"] == "https://claims.example.org/vocabulary/overstated"
    assert data["target"]["source"] == (
        f"https://claims.example.org/api/v1/articles/{peptide_article.pk}/"
    )


def test_it_builds_every_iri_from_the_base_url_when_it_is_set(
    api_for, reviewer, tagged, peptide_article, settings
):
    settings.CLAIMSCOPE_BASE_URL = "https://claimscope.example"

    client = api_for(reviewer)
    data = _w3c_get(client, f"{ANNOTATIONS}{tagged.pk}/", "accept").json()
    container = _container(client).json()

    assert data["id"] == f"https://claimscope.example/api/v1/annotations/{tagged.pk}/"
    assert data["body"][0]["source"] == "https://claimscope.example/vocabulary/overstated"
    assert data["target"]["source"] == (
        f"https://claimscope.example/api/v1/articles/{peptide_article.pk}/"
    )
    assert container["id"] == "https://claimscope.example/api/v1/annotations/"
    assert container["first"]["id"].startswith("https://claimscope.example/")


def test_it_takes_a_posted_annotation_under_the_address_it_was_sent_to(
    api_for, reviewer, peptide_article, settings
):
    settings.ALLOWED_HOSTS = ["claims.example.org"]
    data = _w3c_annotation(peptide_article, exact="reverse ageing")
    data["body"][0]["source"] = "http://claims.example.org/vocabulary/overstated"
    data["target"]["source"] = f"http://claims.example.org/api/v1/articles/{peptide_article.pk}/"

    response = api_for(reviewer).post(
        ANNOTATIONS,
        json.dumps(data),
        content_type=W3C_MEDIA_TYPE,
        HTTP_HOST="claims.example.org",
    )

    assert response.status_code == 201
    assert response["Location"].startswith("http://claims.example.org/api/v1/annotations/")
