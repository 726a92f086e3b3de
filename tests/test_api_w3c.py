"""The annotation endpoints answering in the W3C Web Annotation model (JSON-LD)."""

from datetime import UTC, datetime, timedelta

import pytest

from claims.models import Annotation, Tag
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
    assert body[0]["source"] == Tag.objects.get(slug="overstated").iri


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
    response = _w3c_get(client, ANNOTATIONS, how, **params)
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
    response = _w3c_get(api_for(editor), ANNOTATIONS, how, page_size=2)

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
    page = _w3c_get(api_for(editor), ANNOTATIONS, "format").json()

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
    overstated_iri = Tag.objects.get(slug="overstated").iri

    pages = _pages(api_for(editor), "format", page_size=2, tag="overstated")

    items = [item for page in pages for item in page["items"]]
    assert len(items) == 3
    assert {page["partOf"]["total"] for page in pages} == {3}
    assert [page["startIndex"] for page in pages] == [0, 2]
    assert {item["body"][0]["source"] for item in items} == {overstated_iri}


def test_it_counts_only_the_filtered_annotations_in_the_total(api_for, editor, five):
    page = _w3c_get(
        api_for(editor), ANNOTATIONS, "accept", q="consultation", ordering="-created_at"
    ).json()

    assert page["partOf"]["total"] == 1
    assert _selectors(page["items"][0])["TextQuoteSelector"]["exact"] == "Book a free consultation"


def test_it_lists_only_a_reviewers_own_annotations_in_the_w3c_list(
    api_for, reviewer, other_reviewer, peptide_article, five
):
    annotate_phrase(other_reviewer, peptide_article, "overstated", "Natural healing")

    mine = _w3c_get(api_for(reviewer), ANNOTATIONS, "format").json()
    theirs = _w3c_get(api_for(other_reviewer), ANNOTATIONS, "format").json()

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
    first = _w3c_get(client, ANNOTATIONS, "format", page_size=2).json()
    # Token with user, roles, the page, the total; a later page also counts the rows before it.
    with django_assert_num_queries(4):
        _w3c_get(client, ANNOTATIONS, "format", page_size=2)
    with django_assert_num_queries(5):
        client.get(first["next"])
    more = ["Patients report", "Book a free consultation", "feel twenty years younger"]
    for phrase in more:
        annotate_phrase(reviewer, peptide_article, "unsupported", phrase)
    with django_assert_num_queries(4):
        _w3c_get(client, ANNOTATIONS, "format", page_size=5)
    with django_assert_num_queries(5):
        client.get(first["next"])
