"""/api/v1/tags/: the controlled vocabulary, its per-caller counts, and how editors change it."""

import pytest

from claims.models import Annotation, Decision, Tag
from claims.services.annotations import AnnotationDraft, annotation_create, annotation_delete
from claims.services.review import decision_make
from claims.services.vocabulary import highlight_contrast, tag_create

pytestmark = pytest.mark.django_db

TAGS = "/api/v1/tags/"
ANNOTATIONS = "/api/v1/annotations/"
DEFAULT_SLUGS = ["unsupported", "overstated", "cited-case-report", "price-claim"]

MIRACLE_TAG = {
    "slug": "miracle-language",
    "name": "Miracle language",
    "definition": "Words that promise a cure or a transformation: miracle, breakthrough, reborn.",
    "colour": "#0ea5e9",
}


def tag_url(slug: str) -> str:
    return f"{TAGS}{slug}/"


def annotate(article, author, *, tag: str, sentence: int = 0) -> Annotation:
    draft = AnnotationDraft(article_id=article.pk, tag=tag, sentences=(sentence, sentence))
    return annotation_create(author=author, draft=draft)


def vocabulary() -> list[str]:
    return list(Tag.objects.order_by("order", "name").values_list("slug", flat=True))


# --- Reading ------------------------------------------------------------------------------------


def test_it_lists_the_default_tags_in_order_with_their_details(api_for, reader, settings):
    response = api_for(reader).get(TAGS)
    assert response.status_code == 200
    tags = response.json()
    assert [t["slug"] for t in tags] == DEFAULT_SLUGS
    assert [t["shortcut"] for t in tags] == ["1", "2", "3", "4"]
    assert [t["order"] for t in tags] == [1, 2, 3, 4]
    assert tags[0] == {
        "slug": "unsupported",
        "name": "Unsupported",
        "definition": Tag.objects.get(slug="unsupported").definition,
        "colour": "#d97706",
        "shortcut": "1",
        "order": 1,
        "archived": False,
        "iri": "http://testserver/vocabulary/unsupported",
        "annotation_count": 0,
    }
    assert tags[3]["name"] == "Price claim"
    assert tags[3]["colour"] == "#059669"
    assert tags[3]["definition"].startswith("Any statement of cost")


def test_it_counts_a_reviewers_own_annotations_and_everyones_for_editors_and_readers(
    api_for, reviewer, other_reviewer, editor, reader, make_article
):
    article = make_article()
    annotate(article, reviewer, tag="overstated", sentence=1)
    annotate(article, reviewer, tag="price-claim", sentence=3)
    annotate(article, other_reviewer, tag="overstated", sentence=1)
    annotate(article, other_reviewer, tag="overstated", sentence=2)

    def counts(user) -> dict[str, int]:
        return {t["slug"]: t["annotation_count"] for t in api_for(user).get(TAGS).json()}

    everyone = {"unsupported": 0, "overstated": 3, "cited-case-report": 0, "price-claim": 1}
    assert counts(reviewer) == {**everyone, "overstated": 1}
    assert counts(other_reviewer) == {**everyone, "overstated": 2, "price-claim": 0}
    assert counts(editor) == everyone
    assert counts(reader) == everyone


def test_it_lists_in_the_same_number_of_queries_for_4_or_8_tags(
    api_for, reviewer, editor, django_assert_num_queries
):
    api = api_for(reviewer)
    with django_assert_num_queries(3):
        assert len(api.get(TAGS).json()) == 4
    for number in range(4):
        tag_create(
            slug=f"extra-{number}",
            name=f"Extra {number}",
            definition="A tag added by the editors.",
            colour="#0891b2",
        )
    with django_assert_num_queries(3):
        assert len(api.get(TAGS).json()) == 8


def test_it_shows_one_tag_with_the_callers_count(api_for, reviewer, make_article):
    annotate(make_article(), reviewer, tag="cited-case-report")
    response = api_for(reviewer).get(tag_url("cited-case-report"))
    assert response.status_code == 200
    assert response.json()["name"] == "Cited case report"
    assert response.json()["annotation_count"] == 1


def test_it_answers_404_for_an_unknown_tag(api_for, reviewer):
    response = api_for(reviewer).get(tag_url("fake-news"))
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no tag “fake-news”."


def test_it_asks_anonymous_callers_to_authenticate(api_for):
    assert api_for(None).get(TAGS).status_code == 401
    assert api_for(None).post(TAGS, MIRACLE_TAG, format="json").status_code == 401


# --- Creating -----------------------------------------------------------------------------------


def test_editors_add_a_tag_that_then_takes_annotations(
    api_for, editor, reviewer, make_article, settings
):
    response = api_for(editor).post(TAGS, {**MIRACLE_TAG, "shortcut": "5"}, format="json")
    assert response.status_code == 201
    assert response.json() == {
        **MIRACLE_TAG,
        "shortcut": "5",
        "order": 5,
        "archived": False,
        "iri": "http://testserver/vocabulary/miracle-language",
        "annotation_count": 0,
    }
    assert vocabulary() == [*DEFAULT_SLUGS, "miracle-language"]
    article = make_article()
    annotation = api_for(reviewer).post(
        ANNOTATIONS,
        {"article": article.pk, "tag": "miracle-language", "sentences": [1, 1]},
        format="json",
    )
    assert annotation.status_code == 201
    assert annotation.json()["tag"] == "miracle-language"
    listed = {t["slug"]: t for t in api_for(reviewer).get(TAGS).json()}
    assert listed["miracle-language"]["annotation_count"] == 1


def test_a_new_tag_without_a_shortcut_or_order_goes_last_with_none(api_for, editor):
    response = api_for(editor).post(TAGS, MIRACLE_TAG, format="json")
    assert response.status_code == 201
    assert response.json()["shortcut"] == ""
    assert response.json()["order"] == 5


CODES = {"slug": "slug_taken", "name": "name_taken", "shortcut": "shortcut_taken"}


def taken(field: str, message: str) -> dict:
    """The body of a 409: the value is another tag's."""
    return {"detail": message, "code": CODES[field], "field": field}


def errors_with_status(errors: dict) -> tuple[int, dict]:
    """409 for a value another tag has; 400 for a value the schema refuses."""
    return (409 if "code" in errors else 400), errors


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"slug": "overstated", "name": "Overstated again"},
            taken("slug", "A tag with the slug “overstated” already exists."),
        ),
        ({"name": "OVERSTATED"}, taken("name", "Another tag is already called “OVERSTATED”.")),
        ({"name": "price Claim"}, taken("name", "Another tag is already called “price Claim”.")),
        ({"colour": "sky blue"}, {"colour": ["“sky blue” is not a colour like #c0392b."]}),
        ({"colour": "#0ea5e"}, {"colour": ["“#0ea5e” is not a colour like #c0392b."]}),
        ({"colour": "#0ea5eg"}, {"colour": ["“#0ea5eg” is not a colour like #c0392b."]}),
        ({"shortcut": "0"}, {"shortcut": ["A shortcut is one digit from 1 to 9 (or empty)."]}),
        ({"shortcut": "m"}, {"shortcut": ["A shortcut is one digit from 1 to 9 (or empty)."]}),
        ({"shortcut": "12"}, {"shortcut": ["A shortcut is one digit from 1 to 9 (or empty)."]}),
        ({"shortcut": "2"}, taken("shortcut", "Shortcut 2 already belongs to “Overstated”.")),
        (
            {"slug": "miracle language"},
            {
                "slug": [
                    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
                ]
            },
        ),
    ],
    ids=[
        "duplicate-slug",
        "duplicate-name-upper-case",
        "duplicate-name-mixed-case",
        "colour-not-hex",
        "colour-too-short",
        "colour-not-hex-digit",
        "shortcut-zero",
        "shortcut-letter",
        "shortcut-two-digits",
        "shortcut-taken",
        "slug-with-a-space",
    ],
)
def test_it_rejects_a_bad_new_tag_and_stores_nothing(api_for, editor, changes, errors):
    response = api_for(editor).post(TAGS, {**MIRACLE_TAG, **changes}, format="json")
    assert (response.status_code, response.json()) == errors_with_status(errors)
    assert vocabulary() == DEFAULT_SLUGS


def test_it_names_every_missing_field_of_a_new_tag(api_for, editor):
    response = api_for(editor).post(TAGS, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        field: ["This field is required."] for field in ("slug", "name", "definition", "colour")
    }
    assert vocabulary() == DEFAULT_SLUGS


def test_it_refuses_a_blank_name_for_a_new_tag(api_for, editor):
    response = api_for(editor).post(TAGS, {**MIRACLE_TAG, "name": "   "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["This field may not be blank."]}
    assert vocabulary() == DEFAULT_SLUGS


def test_it_refuses_new_tags_from_reviewers_and_readers(api_for, reviewer, reader):
    for user in (reviewer, reader):
        response = api_for(user).post(TAGS, MIRACLE_TAG, format="json")
        assert response.status_code == 403
        assert response.json()["detail"] == "Only an editor may POST here."
    assert vocabulary() == DEFAULT_SLUGS


# --- Changing -----------------------------------------------------------------------------------


def patch_tag(api, slug: str, changes: dict):
    return api.patch(tag_url(slug), changes, format="json")


def test_editors_rename_recolour_and_redefine_a_tag(api_for, editor):
    response = patch_tag(
        api_for(editor),
        "cited-case-report",
        {
            "name": "Anecdote",
            "colour": "#6D28D9",
            "definition": "A single patient's story offered as proof that a treatment works.",
        },
    )
    assert response.status_code == 200
    assert response.json()["slug"] == "cited-case-report"
    assert response.json()["name"] == "Anecdote"
    tag = Tag.objects.get(slug="cited-case-report")
    assert (tag.name, tag.colour) == ("Anecdote", "#6D28D9")
    assert tag.definition == "A single patient's story offered as proof that a treatment works."


def test_a_tag_may_change_only_the_case_of_its_own_name(api_for, editor):
    response = patch_tag(api_for(editor), "price-claim", {"name": "PRICE CLAIM"})
    assert response.status_code == 200
    assert Tag.objects.get(slug="price-claim").name == "PRICE CLAIM"


def test_editors_set_and_unset_a_shortcut(api_for, editor):
    api = api_for(editor)
    assert patch_tag(api, "price-claim", {"shortcut": ""}).json()["shortcut"] == ""
    assert Tag.objects.get(slug="price-claim").shortcut == ""
    assert patch_tag(api, "overstated", {"shortcut": ""}).status_code == 200
    # Freed shortcuts can be handed to another tag.
    response = patch_tag(api, "price-claim", {"shortcut": "2"})
    assert response.status_code == 200
    assert response.json()["shortcut"] == "2"
    assert Tag.objects.get(slug="price-claim").shortcut == "2"


def test_editors_archive_and_unarchive_a_tag(api_for, editor):
    api = api_for(editor)
    assert patch_tag(api, "overstated", {"archived": True}).json()["archived"] is True
    assert Tag.objects.get(slug="overstated").archived
    assert patch_tag(api, "overstated", {"archived": False}).json()["archived"] is False
    assert not Tag.objects.get(slug="overstated").archived


def test_it_refuses_a_slug_in_a_patch(api_for, editor):
    response = patch_tag(api_for(editor), "overstated", {"slug": "exaggerated", "name": "Hype"})
    assert response.status_code == 400
    assert list(response.json()) == ["slug"]
    assert vocabulary() == DEFAULT_SLUGS
    assert Tag.objects.get(slug="overstated").name == "Overstated"
    assert api_for(editor).get(tag_url("exaggerated")).status_code == 404


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": "unsupported"}, taken("name", "Another tag is already called “unsupported”.")),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"colour": "red"}, {"colour": ["“red” is not a colour like #c0392b."]}),
        ({"shortcut": "1"}, taken("shortcut", "Shortcut 1 already belongs to “Unsupported”.")),
        ({"shortcut": "x"}, {"shortcut": ["A shortcut is one digit from 1 to 9 (or empty)."]}),
        ({"archived": "sometimes"}, {"archived": ["Must be a valid boolean."]}),
    ],
    ids=[
        "name-taken",
        "blank-name",
        "bad-colour",
        "shortcut-taken",
        "shortcut-not-a-digit",
        "archived-not-boolean",
    ],
)
def test_it_rejects_bad_changes_and_keeps_the_tag_as_it_was(api_for, editor, changes, errors):
    before = Tag.objects.values().get(slug="overstated")
    response = patch_tag(api_for(editor), "overstated", changes)
    assert (response.status_code, response.json()) == errors_with_status(errors)
    assert Tag.objects.values().get(slug="overstated") == before


def test_it_refuses_tag_changes_from_reviewers(api_for, reviewer):
    response = patch_tag(api_for(reviewer), "overstated", {"name": "Hype"})
    assert response.status_code == 403
    assert Tag.objects.get(slug="overstated").name == "Overstated"


def test_it_answers_404_when_changing_an_unknown_tag(api_for, editor):
    assert patch_tag(api_for(editor), "fake-news", {"name": "Fake"}).status_code == 404


# --- Deleting -----------------------------------------------------------------------------------


def test_it_deletes_an_unused_tag(api_for, editor):
    api = api_for(editor)
    api.post(TAGS, MIRACLE_TAG, format="json")
    response = api.delete(tag_url("miracle-language"))
    assert response.status_code == 204
    assert vocabulary() == DEFAULT_SLUGS
    assert api.get(tag_url("miracle-language")).status_code == 404


def test_it_archives_a_tag_in_use_instead_of_deleting_it(api_for, editor, reviewer, make_article):
    kept = annotate(make_article(), reviewer, tag="overstated", sentence=1)
    response = api_for(editor).delete(tag_url("overstated"))
    assert response.status_code == 200
    assert response.json()["slug"] == "overstated"
    assert response.json()["archived"] is True
    assert response.json()["annotation_count"] == 1
    assert Tag.objects.get(slug="overstated").archived
    assert list(Annotation.objects.values_list("pk", "tag__slug")) == [(kept.pk, "overstated")]


def test_it_archives_a_tag_that_only_an_adjudication_decision_still_uses(
    api_for, editor, reviewer, make_article
):
    article = make_article()
    api_for(editor).post(TAGS, MIRACLE_TAG, format="json")
    tagged = annotate(article, reviewer, tag="miracle-language", sentence=1)
    decision_make(article=article, sentence=1, tag="miracle-language", accept=False, editor=editor)
    annotation_delete(annotation=tagged, user=reviewer)

    response = api_for(editor).delete(tag_url("miracle-language"))

    assert response.status_code == 200
    assert response.json()["archived"] is True
    assert Decision.objects.get(article=article).tag.slug == "miracle-language"


def test_an_archived_tag_takes_no_new_annotations_but_stays_listed(
    api_for, editor, reviewer, make_article
):
    article = make_article()
    annotate(article, reviewer, tag="overstated", sentence=1)
    api_for(editor).delete(tag_url("overstated"))
    response = api_for(reviewer).post(
        ANNOTATIONS,
        {"article": article.pk, "tag": "overstated", "sentences": [2, 2]},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "The tag “overstated” is archived and takes no new annotations."
    )
    assert Annotation.objects.count() == 1
    listed = {t["slug"]: t for t in api_for(reviewer).get(TAGS).json()}
    assert list(listed) == DEFAULT_SLUGS
    assert listed["overstated"]["archived"] is True
    assert listed["overstated"]["annotation_count"] == 1


def test_an_unarchived_tag_takes_annotations_again(api_for, editor, reviewer, make_article):
    article = make_article()
    patch_tag(api_for(editor), "price-claim", {"archived": True})
    patch_tag(api_for(editor), "price-claim", {"archived": False})
    response = api_for(reviewer).post(
        ANNOTATIONS,
        {"article": article.pk, "tag": "price-claim", "sentences": [3, 3]},
        format="json",
    )
    assert response.status_code == 201


def test_it_refuses_tag_deletion_by_reviewers(api_for, reviewer):
    assert api_for(reviewer).delete(tag_url("price-claim")).status_code == 403
    assert vocabulary() == DEFAULT_SLUGS


def test_it_answers_404_when_deleting_an_unknown_tag(api_for, editor):
    assert api_for(editor).delete(tag_url("fake-news")).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "code_point"),
    [
        ("name", "Miracle\x1b[31m language", "U+001B"),
        ("name", "Miracle \u202elanguage", "U+202E"),
        ("name", "Miracle \u2066language", "U+2066"),
        ("definition", "Words that promise\x07 a cure.", "U+0007"),
    ],
)
def test_it_refuses_control_and_bidi_override_characters_in_tags(
    api_for, editor, field, value, code_point
):
    response = api_for(editor).post(TAGS, {**MIRACLE_TAG, field: value}, format="json")

    assert response.status_code == 400
    assert code_point in response.json()[field][0]
    assert "miracle-language" not in vocabulary()


def test_a_definition_may_run_over_several_lines(api_for, editor):
    definition = "Words that promise a cure.\nFor example: miracle, breakthrough."
    response = api_for(editor).post(TAGS, {**MIRACLE_TAG, "definition": definition}, format="json")

    assert response.status_code == 201
    assert Tag.objects.get(slug="miracle-language").definition == definition


def test_it_gives_tag_iris_under_the_address_asked(api_for, reader, settings):
    settings.ALLOWED_HOSTS = ["claims.example.org"]

    tags = api_for(reader).get(TAGS, HTTP_HOST="claims.example.org", secure=True).json()

    assert tags[0]["iri"] == "https://claims.example.org/vocabulary/unsupported"


def test_it_gives_tag_iris_under_the_base_url_when_it_is_set(api_for, reader, settings):
    settings.CLAIMSCOPE_BASE_URL = "https://claimscope.example"

    tag = api_for(reader).get(f"{TAGS}overstated/").json()

    assert tag["iri"] == "https://claimscope.example/vocabulary/overstated"


# --- Colour contrast ----------------------------------------------------------------------------


@pytest.mark.parametrize("colour", ["#000000", "#1f2933", "#123456", "#800000"])
def test_it_refuses_a_new_tag_whose_highlight_would_hide_the_text(api_for, editor, colour):
    response = api_for(editor).post(TAGS, {**MIRACLE_TAG, "colour": colour}, format="json")
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("low_contrast", "colour")
    message = response.json()["detail"]
    assert message.startswith(f"Text on a {colour} highlight has a contrast of ")
    assert "under the 4.5:1 that WCAG asks for" in message
    assert vocabulary() == DEFAULT_SLUGS


def test_it_refuses_a_dark_colour_for_an_existing_tag_and_keeps_the_old_one(api_for, editor):
    response = patch_tag(api_for(editor), "overstated", {"colour": "#000080"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Text on a #000080 highlight has a contrast of 3.0:1, under the 4.5:1 that "
        "WCAG asks for; pick a lighter or brighter colour.",
        "code": "low_contrast",
        "field": "colour",
    }
    assert Tag.objects.get(slug="overstated").colour == "#dc2626"


def test_a_tag_with_a_dark_colour_from_before_the_rule_can_still_be_renamed(api_for, editor):
    Tag.objects.filter(slug="overstated").update(colour="#000000")
    response = patch_tag(api_for(editor), "overstated", {"name": "Hype", "archived": True})
    assert response.status_code == 200
    assert Tag.objects.get(slug="overstated").name == "Hype"


def test_the_default_colours_keep_the_text_readable():
    assert all(
        highlight_contrast(colour) >= 4.5 for colour in Tag.objects.values_list("colour", flat=True)
    )
