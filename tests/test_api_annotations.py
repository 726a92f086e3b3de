"""The annotation endpoints: create (one or in bulk), read, list, change and delete."""

from datetime import UTC, datetime

import pytest

from claims.models import Annotation, Article, Tag
from claims.services.annotations import AnnotationDraft, annotation_create, annotations_bulk_create

pytestmark = pytest.mark.django_db

ANNOTATIONS = "/api/v1/annotations/"
BULK = "/api/v1/annotations/bulk/"

KNEE_PAGE = (
    "Regenerative knee care at the Vitality Stem Cell Centre\n\n"
    "Our stem cell injections regrow cartilage in just six weeks. "
    "Ninety-eight percent of patients walk pain-free after one visit. "
    "A 2019 case report proves the treatment reverses arthritis.\n\n"
    "Packages start at $4,950 per knee, with financing available.\n\n"
    "“I threw away my cane after two sessions,” says Linda, 67.\n"
)

SPA_PAGE = (
    "Renew Ortho Spa: the miracle of your own cells\n\n"
    "Exosome therapy cures arthritis without surgery. "
    "Celebrities fly in from around the world for our protocol.\n"
)


def detail(annotation_id: int) -> str:
    return f"{ANNOTATIONS}{annotation_id}/"


def annotate(
    author, article: Article, sentence: int, tag: str = "unsupported", note: str = ""
) -> Annotation:
    draft = AnnotationDraft(
        article_id=article.pk, tag=tag, sentences=(sentence, sentence), note=note
    )
    return annotation_create(author=author, draft=draft)


def backdate(annotation: Annotation, *, field: str, when: datetime) -> None:
    Annotation.objects.filter(pk=annotation.pk).update(**{field: when})


@pytest.fixture
def article(make_article) -> Article:
    return make_article(text=KNEE_PAGE, title="Knee care", publisher="Vitality Stem Cell Centre")


@pytest.fixture
def rita(api_for, reviewer):
    return api_for(reviewer)


@pytest.fixture
def make_long_article(make_article):
    """An article of `sentences` numbered testimonials, for bulk requests and long lists."""

    def make(sentences: int, clinic: str = "Vitality Stem Cell Centre") -> Article:
        text = "".join(
            f"Patient {n} of {clinic} walked without pain after one injection. "
            for n in range(sentences)
        )
        article = make_article(text=text, title=f"{sentences} success stories", publisher=clinic)
        assert article.sentences.count() == sentences
        return article

    return make


def sentence_items(article: Article, sentences: int) -> list[dict]:
    """Two annotations per sentence, one tagged unsupported and one overstated."""
    return [
        {"article": article.pk, "tag": tag, "sentences": [n, n]}
        for n in range(sentences)
        for tag in ("unsupported", "overstated")
    ]


def store(author, items: list[dict]) -> list[Annotation]:
    """Store request items through the service, as a bulk request would."""
    drafts = [
        AnnotationDraft(
            article_id=item["article"], tag=item["tag"], sentences=tuple(item["sentences"])
        )
        for item in items
    ]
    return annotations_bulk_create(author=author, drafts=drafts)


# --- Create -----------------------------------------------------------------------------------


def test_it_creates_an_annotation_over_a_range_of_sentences(rita, article, reviewer):
    first, last = article.sentences.get(index=1), article.sentences.get(index=3)
    assert article.status == Article.Status.NEW

    response = rita.post(
        ANNOTATIONS,
        {"article": article.pk, "tag": "overstated", "sentences": [1, 3], "note": "No trial."},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    stored = Annotation.objects.get()
    assert body["id"] == stored.pk
    assert response["Location"] == f"http://testserver{detail(stored.pk)}"
    assert response["ETag"]
    assert (stored.start, stored.end) == (first.start, last.end)
    assert stored.quote == article.text[first.start : last.end]
    assert stored.quote.startswith("Our stem cell") and stored.quote.endswith("arthritis.")
    assert stored.prefix == article.text[first.start - 32 : first.start]
    assert stored.suffix == article.text[last.end : last.end + 32]
    assert (stored.tag.slug, stored.note, stored.author) == ("overstated", "No trial.", reviewer)
    assert body["quote"] == stored.quote
    assert body["author"] == "rita"
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_it_creates_an_annotation_from_exact_offsets(rita, article):
    start = article.text.index("$4,950 per knee")
    end = start + len("$4,950 per knee")

    response = rita.post(
        ANNOTATIONS,
        {
            "article": article.pk,
            "tag": "price-claim",
            "start": start,
            "end": end,
            "note": "Price per knee, before the consultation fee.",
        },
    )

    assert response.status_code == 201, response.content
    stored = Annotation.objects.get()
    assert (stored.start, stored.end, stored.quote) == (start, end, "$4,950 per knee")
    assert stored.prefix == "s arthritis.\n\nPackages start at "
    assert stored.suffix == ", with financing available.\n\n“I "
    assert stored.note == "Price per knee, before the consultation fee."


def test_it_leaves_a_reviewed_article_reviewed(rita, article):
    Article.objects.filter(pk=article.pk).update(status=Article.Status.REVIEWED)
    rita.post(ANNOTATIONS, {"article": article.pk, "tag": "unsupported", "sentences": [1, 1]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEWED


def test_it_lets_two_reviewers_give_the_same_span_the_same_tag(
    api_for, other_reviewer, rita, article
):
    body = {"article": article.pk, "tag": "unsupported", "sentences": [1, 1]}
    assert rita.post(ANNOTATIONS, body).status_code == 201
    assert api_for(other_reviewer).post(ANNOTATIONS, body).status_code == 201
    assert Annotation.objects.count() == 2


# --- Offsets are code points -----------------------------------------------------------------

CLINIC_IN_TOKYO = (
    "東京再生医療クリニック 💉 Tokyo Regenerative Clinic\n\n"
    "Relax in our cafe\u0301 lounge while your own stem cells are prepared. "
    "One injection cures arthritis for good, says Dr. Sato.\n"
)


@pytest.fixture
def tokyo_text(make_article, rita) -> tuple[Article, str]:
    """The article and its text as an API client sees it."""
    article = make_article(text=CLINIC_IN_TOKYO, publisher="Tokyo Regenerative Clinic")
    return article, rita.get(f"/api/v1/articles/{article.pk}/").json()["text"]


def test_it_stores_the_accent_composed_as_one_code_point(tokyo_text):
    _, text = tokyo_text
    assert "caf\u00e9 lounge" in text
    assert "\u0301" not in text


def test_it_counts_offsets_in_code_points_past_emoji_and_cjk(rita, tokyo_text):
    article, text = tokyo_text
    start = text.index("cures arthritis")
    # The syringe is two UTF-16 units: a client counting those would be one off from here on.
    assert len(text[:start].encode("utf-16-le")) // 2 == start + 1

    response = rita.post(
        ANNOTATIONS,
        {"article": article.pk, "tag": "unsupported", "start": start, "end": start + 15},
    )

    assert response.status_code == 201, response.content
    assert response.json()["quote"] == "cures arthritis"
    assert Annotation.objects.get().quote == "cures arthritis"


@pytest.mark.parametrize("words", ["💉", "東京再生医療クリニック", "café lounge"])
def test_it_quotes_exactly_the_characters_between_the_offsets(rita, tokyo_text, words):
    article, text = tokyo_text
    start = text.index(words)
    response = rita.post(
        ANNOTATIONS,
        {"article": article.pk, "tag": "overstated", "start": start, "end": start + len(words)},
    )
    assert response.status_code == 201, response.content
    assert Annotation.objects.get().quote == words


# --- Create: refusals -------------------------------------------------------------------------


def assert_refused(response, errors: dict) -> None:
    """A 400 for a malformed request, naming the problem, with nothing stored."""
    assert response.status_code == 400, response.content
    assert response.json() == errors
    assert not Annotation.objects.exists()


def assert_unprocessable(response, field: str, message: str, code: str = "invalid") -> None:
    """A 422 for a well-formed request that a rule refuses, with nothing stored."""
    assert response.status_code == 422, response.content
    assert response.json() == {"detail": message, "code": code, "field": field}
    assert not Annotation.objects.exists()


def offsets(article: Article, start, end, **extra) -> dict:
    return {"article": article.pk, "tag": "unsupported", "start": start, "end": end, **extra}


def test_it_rejects_offsets_past_the_text(rita, article):
    length = len(article.text)
    response = rita.post(ANNOTATIONS, offsets(article, length - 10, length + 1))
    message = f"end ({length + 1}) is past the end of the article text ({length})."
    assert_unprocessable(response, "end", message, "out_of_range")


@pytest.mark.parametrize("start, end", [(40, 40), (41, 40)])
def test_it_rejects_a_start_that_is_not_before_the_end(rita, article, start, end):
    response = rita.post(ANNOTATIONS, offsets(article, start, end))
    assert_unprocessable(response, "start", f"start ({start}) must be less than end ({end}).")


def test_it_rejects_a_negative_start(rita, article):
    response = rita.post(ANNOTATIONS, offsets(article, -1, 10))
    assert_refused(response, {"start": ["Ensure this value is greater than or equal to 0."]})


def test_it_rejects_a_span_of_only_whitespace(rita, article):
    heading_end = article.sentences.get(index=0).end
    response = rita.post(ANNOTATIONS, offsets(article, heading_end, heading_end + 2))
    message = f"The span {heading_end}–{heading_end + 2} holds only whitespace."
    assert_unprocessable(response, "start", message)


def test_it_rejects_an_unknown_tag_and_lists_the_known_ones(rita, article):
    Tag.objects.filter(slug="cited-case-report").update(archived=True)
    response = rita.post(ANNOTATIONS, offsets(article, 57, 80, tag="miracle-cure"))
    message = "There is no tag “miracle-cure”. Tags in use: unsupported, overstated, price-claim."
    assert_unprocessable(response, "tag", message, "does_not_exist")


def test_it_rejects_an_archived_tag(rita, article):
    Tag.objects.filter(slug="cited-case-report").update(archived=True)
    response = rita.post(ANNOTATIONS, offsets(article, 57, 80, tag="cited-case-report"))
    message = "The tag “cited-case-report” is archived and takes no new annotations."
    assert_unprocessable(response, "tag", message, "archived")


def test_it_rejects_an_unknown_article(rita, article):
    missing = article.pk + 1000
    response = rita.post(ANNOTATIONS, {**offsets(article, 57, 80), "article": missing})
    message = f"There is no article {missing}."
    assert_unprocessable(response, "article", message, "does_not_exist")


def test_it_rejects_a_sentence_number_past_the_last(rita, article):
    body = {"article": article.pk, "tag": "unsupported", "sentences": [4, 6]}
    message = f"Article {article.pk} has no sentence 6: its 6 sentences are numbered 0 to 5."
    assert_unprocessable(rita.post(ANNOTATIONS, body), "sentences", message, "out_of_range")


def test_it_rejects_sentences_given_last_first(rita, article):
    body = {"article": article.pk, "tag": "unsupported", "sentences": [3, 1]}
    message = "The first sentence (3) comes after the last (1)."
    assert_unprocessable(rita.post(ANNOTATIONS, body), "sentences", message)


@pytest.mark.parametrize(
    "span",
    [{"sentences": [1, 1], "start": 57, "end": 80}, {}],
    ids=["both-sentences-and-offsets", "neither"],
)
def test_it_asks_for_exactly_one_way_of_giving_the_span(rita, article, span):
    body = {"article": article.pk, "tag": "unsupported", **span}
    message = "Give either `sentences` or both `start` and `end`."
    assert_refused(rita.post(ANNOTATIONS, body), {"non_field_errors": [message]})


def test_it_rejects_a_start_without_an_end(rita, article):
    body = {"article": article.pk, "tag": "unsupported", "start": 57}
    assert_refused(rita.post(ANNOTATIONS, body), {"end": ["Give both `start` and `end`."]})


def test_it_rejects_a_note_over_ten_thousand_characters(rita, article):
    response = rita.post(ANNOTATIONS, offsets(article, 57, 80, note="x" * 10_001))
    assert_refused(response, {"note": ["Ensure this field has no more than 10000 characters."]})


def test_it_rejects_a_body_that_is_not_json(rita, article):
    response = rita.post(
        ANNOTATIONS,
        '{"article": 1, "tag": "unsupported", "sentences": [1, 1]',
        content_type="application/json",
    )
    message = "JSON parse error - Expecting ',' delimiter: line 1 column 57 (char 56)"
    assert_refused(response, {"detail": message})


def test_it_rejects_offsets_that_are_not_numbers(rita, article):
    response = rita.post(ANNOTATIONS, offsets(article, "fifty-seven", "80th"))
    invalid = ["A valid integer is required."]
    assert_refused(response, {"start": invalid, "end": invalid})


def test_it_answers_a_duplicate_with_conflict_naming_the_existing_annotation(
    rita, reviewer, article
):
    existing = annotate(reviewer, article, 1)
    first = article.sentences.get(index=1)

    # The same span given as offsets instead of a sentence number is the same span.
    response = rita.post(ANNOTATIONS, offsets(article, first.start, first.end))

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"You have already given this span this tag (annotation {existing.pk}).",
        "code": "duplicate",
        "annotation": existing.pk,
    }
    assert list(Annotation.objects.values_list("pk", flat=True)) == [existing.pk]


def test_it_refuses_anonymous_callers(api_for, article):
    response = api_for(None).post(ANNOTATIONS, offsets(article, 57, 80))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Annotation.objects.exists()


def test_it_refuses_an_account_without_a_role(api_for, outsider, article):
    response = api_for(outsider).post(ANNOTATIONS, offsets(article, 57, 80))
    assert response.status_code == 403
    message = "Your account has no Claimscope role (reviewer, editor or reader)."
    assert response.json() == {"detail": message}
    assert not Annotation.objects.exists()


def test_it_refuses_annotations_from_a_reader(api_for, reader, article):
    response = api_for(reader).post(ANNOTATIONS, offsets(article, 57, 80))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only an editor or reviewer may POST here."}
    assert not Annotation.objects.exists()


# --- Read, change, delete ---------------------------------------------------------------------


@pytest.fixture
def claim(reviewer, article) -> Annotation:
    return annotate(reviewer, article, 1, note="No published trial.")


def assert_unchanged(annotation: Annotation) -> None:
    stored = Annotation.objects.get(pk=annotation.pk)
    assert (stored.tag_id, stored.note, stored.start, stored.end) == (
        annotation.tag_id,
        annotation.note,
        annotation.start,
        annotation.end,
    )
    assert stored.updated_at == annotation.updated_at


def test_it_changes_the_note(rita, claim):
    response = rita.patch(detail(claim.pk), {"note": "Cartilage regrowth is not shown."})
    assert response.status_code == 200
    assert response.json()["note"] == "Cartilage regrowth is not shown."
    assert Annotation.objects.get().note == "Cartilage regrowth is not shown."


def test_it_changes_the_tag(rita, claim):
    response = rita.patch(detail(claim.pk), {"tag": "overstated"})
    assert response.status_code == 200
    assert response.json()["tag"] == "overstated"
    stored = Annotation.objects.get()
    assert (stored.tag.slug, stored.note) == ("overstated", "No published trial.")


def test_it_refuses_a_tag_already_on_that_span(rita, reviewer, article, claim):
    overstated = annotate(reviewer, article, 1, tag="overstated")
    response = rita.patch(detail(claim.pk), {"tag": "overstated"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"You have already given this span this tag (annotation {overstated.pk}).",
        "code": "duplicate",
        "annotation": overstated.pk,
    }
    assert_unchanged(claim)


def test_it_refuses_to_move_an_annotation_to_an_archived_tag(rita, claim):
    Tag.objects.filter(slug="cited-case-report").update(archived=True)
    response = rita.patch(detail(claim.pk), {"tag": "cited-case-report"})
    assert response.status_code == 422
    message = "The tag “cited-case-report” is archived and takes no new annotations."
    assert response.json() == {"detail": message, "code": "archived", "field": "tag"}
    assert_unchanged(claim)


def test_it_never_moves_the_span_of_an_annotation(rita, claim):
    # The span is not editable: offsets sent with a change are refused, not silently ignored.
    response = rita.patch(detail(claim.pk), {"start": 0, "end": 10, "note": "Moved?"})
    assert response.status_code == 400
    assert response.json()["start"] == ["There is no field `start`; give `tag`, `note`."]
    assert_unchanged(claim)


def test_it_hides_another_reviewers_annotation(api_for, other_reviewer, claim):
    omar = api_for(other_reviewer)
    assert omar.get(detail(claim.pk)).status_code == 404
    assert omar.patch(detail(claim.pk), {"note": "Mine now"}).status_code == 404
    assert omar.delete(detail(claim.pk)).status_code == 404
    assert_unchanged(claim)


def test_it_lets_only_the_author_change_an_annotation(api_for, editor, reader, claim):
    edna = api_for(editor)
    assert edna.get(detail(claim.pk)).status_code == 200
    response = edna.patch(detail(claim.pk), {"note": "Editor's view"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only its author may change or delete an annotation."}
    assert api_for(reader).patch(detail(claim.pk), {"note": "Reader's view"}).status_code == 403
    assert_unchanged(claim)


def test_it_refuses_a_put(rita, claim):
    response = rita.put(detail(claim.pk), {"note": "Replaced"})
    assert response.status_code == 405
    assert_unchanged(claim)


def test_it_deletes_an_annotation_once(rita, claim):
    assert rita.delete(detail(claim.pk)).status_code == 204
    assert not Annotation.objects.exists()
    response = rita.delete(detail(claim.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": f"There is no annotation {claim.pk}."}


# --- ETags ------------------------------------------------------------------------------------

LAST_YEAR = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_it_gives_the_same_etag_on_create_and_on_read(rita, article):
    created = rita.post(ANNOTATIONS, offsets(article, 57, 80))
    read = rita.get(detail(created.json()["id"]))
    assert read.status_code == 200
    assert read["ETag"] == created["ETag"]


def test_it_answers_not_modified_to_a_matching_if_none_match(rita, claim):
    etag = rita.get(detail(claim.pk))["ETag"]
    response = rita.get(detail(claim.pk), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_it_answers_in_full_to_an_if_none_match_after_a_change(rita, claim):
    backdate(claim, field="updated_at", when=LAST_YEAR)
    etag = rita.get(detail(claim.pk))["ETag"]
    rita.patch(detail(claim.pk), {"note": "Edited"})
    response = rita.get(detail(claim.pk), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["note"] == "Edited"
    assert response["ETag"] != etag


def test_it_refuses_a_change_based_on_a_stale_etag(rita, claim):
    backdate(claim, field="updated_at", when=LAST_YEAR)
    stale = rita.get(detail(claim.pk))["ETag"]
    rita.patch(detail(claim.pk), {"note": "Changed in another tab"})
    claim.refresh_from_db()

    response = rita.patch(detail(claim.pk), {"note": "Overwrite"}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    message = "The annotation has changed since you read it (If-Match did not match)."
    assert response.json() == {"detail": message}
    assert_unchanged(claim)
    assert rita.delete(detail(claim.pk), HTTP_IF_MATCH=stale).status_code == 412
    assert Annotation.objects.filter(pk=claim.pk).exists()


def test_it_accepts_a_change_based_on_the_current_etag(rita, claim):
    current = rita.get(detail(claim.pk))["ETag"]
    response = rita.patch(detail(claim.pk), {"note": "Checked"}, HTTP_IF_MATCH=current)
    assert response.status_code == 200
    assert Annotation.objects.get().note == "Checked"
    assert response["ETag"] == rita.get(detail(claim.pk))["ETag"] != current


# --- Bulk -------------------------------------------------------------------------------------


def test_it_stores_five_thousand_annotations_in_one_request(rita, make_long_article):
    clinics = ["Vitality", "Renew", "Cellular Youth", "Stem Haven", "OrthoGen"]
    articles = [make_long_article(500, clinic=clinic) for clinic in clinics]
    items = [item for article in articles for item in sentence_items(article, 500)]

    response = rita.post(BULK, {"annotations": items})

    assert response.status_code == 201, response.content[:500]
    body = response.json()
    assert body["created"] == 5000
    stored = {
        pk: {"article": article_id, "tag": tag}
        for pk, article_id, tag in Annotation.objects.values_list("pk", "article", "tag__slug")
    }
    assert [stored[pk] for pk in body["ids"]] == [
        {"article": item["article"], "tag": item["tag"]} for item in items
    ]
    last = Annotation.objects.get(pk=body["ids"][-1])
    assert last.quote == "Patient 499 of OrthoGen walked without pain after one injection."
    statuses = Article.objects.filter(pk__in=[a.pk for a in articles]).values_list("status")
    assert set(statuses) == {(Article.Status.IN_REVIEW,)}


def test_it_stores_nothing_when_one_item_of_a_batch_is_bad(rita, make_long_article):
    article = make_long_article(1500)
    items = sentence_items(article, 1500)
    length = len(article.text)
    items[2999] = offsets(article, length - 5, length + 5)

    response = rita.post(BULK, {"annotations": items})

    assert response.status_code == 422
    assert response.json()["detail"] == "1 of 3000 item(s) refused"
    errors = response.json()["annotations"]
    assert len(errors) == 3000
    assert errors[:2999] == [{}] * 2999
    message = f"end ({length + 5}) is past the end of the article text ({length})."
    assert errors[2999] == {"detail": message, "code": "out_of_range", "field": "end"}
    assert not Annotation.objects.exists()
    article.refresh_from_db()
    assert article.status == Article.Status.NEW


def test_it_points_at_the_bulk_items_of_the_wrong_shape(rita, article):
    items = [offsets(article, 57, 80), offsets(article, 118, "eighty"), "cures arthritis", {}]
    response = rita.post(BULK, {"annotations": items})
    required = ["This field is required."]
    assert_refused(
        response,
        {
            "annotations": [
                {},
                {"end": ["A valid integer is required."]},
                {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]},
                {"article": required, "tag": required},
            ]
        },
    )


def test_it_refuses_a_batch_that_repeats_an_annotation(rita, article):
    items = [offsets(article, 57, 80), offsets(article, 118, 182), offsets(article, 57, 80)]
    response = rita.post(BULK, {"annotations": items})
    assert response.status_code == 409, response.content
    duplicate = {
        "detail": "You have already given this span this tag earlier in this request.",
        "code": "duplicate",
        "annotation": None,
    }
    assert response.json()["annotations"] == [{}, {}, duplicate]
    assert not Annotation.objects.exists()


def test_it_refuses_a_batch_that_repeats_a_stored_annotation(rita, claim, article):
    items = [
        {"article": article.pk, "tag": "overstated", "sentences": [2, 2]},
        {"article": article.pk, "tag": "unsupported", "sentences": [1, 1]},
    ]
    response = rita.post(BULK, {"annotations": items})
    assert response.status_code == 409
    message = f"You have already given this span this tag (annotation {claim.pk})."
    duplicate = {"detail": message, "code": "duplicate", "annotation": claim.pk}
    assert response.json()["annotations"] == [{}, duplicate]
    assert list(Annotation.objects.values_list("pk", flat=True)) == [claim.pk]


def test_it_refuses_an_empty_batch(rita):
    response = rita.post(BULK, {"annotations": []})
    assert_refused(response, {"annotations": {"non_field_errors": ["This list may not be empty."]}})


def test_it_refuses_a_batch_from_a_reader(api_for, reader, article):
    response = api_for(reader).post(BULK, {"annotations": [offsets(article, 57, 80)]})
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_it_only_takes_posts_at_the_bulk_address(rita):
    assert rita.get(BULK).status_code == 405


# --- List -------------------------------------------------------------------------------------


@pytest.fixture
def spread(make_article, reviewer, other_reviewer, article) -> dict[str, Annotation]:
    """Four annotations over two publishers, two reviewers and four tags, created in the order
    a1..a4 but dated a2, a4, a1, a3."""
    spa = make_article(text=SPA_PAGE, title="Exosomes", publisher="Renew Ortho Spa")
    annotations = {
        "a1": annotate(reviewer, article, 1, note="No trial shows regrowth."),
        "a2": annotate(reviewer, article, 4, tag="price-claim"),
        "a3": annotate(other_reviewer, spa, 1, tag="overstated", note="Claims a cure."),
        "a4": annotate(other_reviewer, article, 3, tag="cited-case-report"),
    }
    for name, month in {"a1": 3, "a2": 1, "a3": 4, "a4": 2}.items():
        backdate(
            annotations[name], field="created_at", when=datetime(2025, month, 10, 12, tzinfo=UTC)
        )
    return annotations


def names_listed(client, spread: dict[str, Annotation], query: str = "") -> list[str]:
    response = client.get(f"{ANNOTATIONS}?{query}")
    assert response.status_code == 200, response.content
    name_of = {annotation.pk: name for name, annotation in spread.items()}
    return [name_of[row["id"]] for row in response.json()["results"]]


@pytest.fixture
def edna(api_for, editor):
    return api_for(editor)


def test_it_lists_only_a_reviewers_own_annotations(rita, spread):
    assert names_listed(rita, spread) == ["a1", "a2"]


def test_it_lists_everyones_annotations_to_editors_and_readers(edna, api_for, reader, spread):
    assert names_listed(edna, spread) == ["a1", "a2", "a3", "a4"]
    assert names_listed(api_for(reader), spread) == ["a1", "a2", "a3", "a4"]


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param("tag=overstated", ["a3"], id="one-tag"),
        pytest.param("tag=unsupported&tag=cited-case-report", ["a1", "a4"], id="any-of-two-tags"),
        pytest.param("author=omar", ["a3", "a4"], id="author"),
        pytest.param("publisher=Renew Ortho Spa", ["a3"], id="publisher"),
        pytest.param(
            "created_after=2025-02-10T12:00:00Z", ["a1", "a3", "a4"], id="after-inclusive"
        ),
        pytest.param("created_before=2025-03-10T12:00:00Z", ["a2", "a4"], id="before-exclusive"),
        pytest.param(
            "created_after=2025-02-01T00:00:00Z&created_before=2025-04-01T00:00:00Z",
            ["a1", "a4"],
            id="between",
        ),
        pytest.param("q=ARTHRITIS", ["a3", "a4"], id="words-in-the-quote-any-case"),
        pytest.param("q=regrowth", ["a1"], id="words-in-the-note"),
        pytest.param("q=Linda", [], id="words-nowhere"),
    ],
)
def test_it_filters_the_list(edna, spread, query, expected):
    assert names_listed(edna, spread, query) == expected


def test_it_filters_the_list_by_article(edna, spread, article):
    assert names_listed(edna, spread, f"article={article.pk}") == ["a1", "a2", "a4"]


def test_it_rejects_an_unknown_tag_filter(edna, spread):
    response = edna.get(f"{ANNOTATIONS}?tag=miracle")
    assert response.status_code == 422
    known = ", ".join(Tag.objects.filter(archived=False).values_list("slug", flat=True))
    message = f"There is no tag “miracle”. Tags in use: {known}."
    assert response.json() == {"detail": message, "code": "does_not_exist", "field": "tag"}


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("id", ["a1", "a2", "a3", "a4"]),
        ("-id", ["a4", "a3", "a2", "a1"]),
        ("created_at", ["a2", "a4", "a1", "a3"]),
        ("-created_at", ["a3", "a1", "a4", "a2"]),
    ],
)
def test_it_orders_the_list(edna, spread, ordering, expected):
    assert names_listed(edna, spread, f"ordering={ordering}") == expected


def test_it_rejects_an_unknown_ordering(edna, spread):
    response = edna.get(f"{ANNOTATIONS}?ordering=tag")
    assert response.status_code == 400
    assert response.json() == {"ordering": ["Order by one of: id, -id, created_at, -created_at."]}


@pytest.mark.parametrize("page_size", ["0", "501", "ten"])
def test_it_rejects_a_page_size_outside_one_to_five_hundred(rita, page_size):
    response = rita.get(f"{ANNOTATIONS}?page_size={page_size}")
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give a whole number from 1 to 500."]}


def test_it_serves_pages_of_up_to_five_hundred(rita, reviewer, make_long_article):
    store(reviewer, sentence_items(make_long_article(260), 260))
    response = rita.get(f"{ANNOTATIONS}?page_size=500")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 500
    assert response.json()["next"]


def walk(client, url: str) -> list[int]:
    ids = []
    while url:
        page = client.get(url).json()
        ids += [row["id"] for row in page["results"]]
        url = page["next"]
    return ids


@pytest.mark.parametrize("ordering", ["id", "-id", "created_at", "-created_at"])
def test_it_walks_every_page_visiting_each_annotation_once(edna, spread, ordering):
    expected = [spread[name].pk for name in names_listed(edna, spread, f"ordering={ordering}")]
    assert walk(edna, f"{ANNOTATIONS}?ordering={ordering}&page_size=1") == expected


def test_it_keeps_its_place_when_annotations_are_added_between_pages(rita, reviewer, article):
    first_four = [annotate(reviewer, article, n).pk for n in range(1, 5)]
    page = rita.get(f"{ANNOTATIONS}?ordering=id&page_size=2").json()

    added = [annotate(reviewer, article, n, tag="overstated").pk for n in range(6)]
    rest = walk(rita, page["next"])

    assert [row["id"] for row in page["results"]] + rest == first_four + added


def test_it_does_not_shift_later_pages_when_newer_annotations_arrive(rita, reviewer, article):
    first_four = [annotate(reviewer, article, n).pk for n in range(1, 5)]
    page = rita.get(f"{ANNOTATIONS}?ordering=-id&page_size=2").json()

    for n in range(6):
        annotate(reviewer, article, n, tag="overstated")
    rest = walk(rita, page["next"])

    # Newest first, the new rows belong before page 1; an offset would have repeated rows here.
    assert [row["id"] for row in page["results"]] + rest == first_four[::-1]


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_it_lists_annotations_in_a_fixed_number_of_queries(
    rita, reviewer, make_long_article, django_assert_num_queries, count
):
    article = make_long_article(count)
    store(
        reviewer,
        [{"article": article.pk, "tag": "unsupported", "sentences": [n, n]} for n in range(count)],
    )
    # The token with its user, the user's roles, then one page of annotations with their tags
    # and authors.
    with django_assert_num_queries(3):
        response = rita.get(ANNOTATIONS)
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
