"""/api/v1/articles/: upload (file or pasted text), list, detail, metadata edits, deletion and
the sentence list."""

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from claims.models import Annotation, Article, Original, Sentence
from claims.services.annotations import AnnotationDraft, annotation_create
from claims.services.articles import article_update

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"
HTML_PAGE = Path(__file__).parent / "fixtures" / "ingest" / "clinic_page.html"

PASTED = (
    "Regenerative Knee Programme\n\n"
    "Our exosome injections rebuild worn cartilage in a single visit. "
    "Patients walk out of the clinic pain-free the same afternoon.\n\n"
    "The full programme costs $6,800, flights not included.\n"
)


def article_url(article_id: int) -> str:
    return f"{ARTICLES}{article_id}/"


def sentences_url(article_id: int) -> str:
    return f"{ARTICLES}{article_id}/sentences/"


def nothing_stored() -> bool:
    return not Article.objects.exists() and not Sentence.objects.exists()


def pdf_bytes(*lines: str) -> bytes:
    out = io.BytesIO()
    document = canvas.Canvas(out)
    for number, line in enumerate(lines):
        document.drawString(72, 700 - 20 * number, line)
    document.save()
    return out.getvalue()


def docx_bytes(heading: str, *paragraphs: str) -> bytes:
    document = docx.Document()
    document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(api, name: str, data: bytes, **fields):
    file = SimpleUploadedFile(name, data)
    return api.post(ARTICLES, {"file": file, **fields}, format="multipart")


def annotate(article: Article, author, *, sentence: int, tag: str = "overstated") -> Annotation:
    draft = AnnotationDraft(article_id=article.pk, tag=tag, sentences=(sentence, sentence))
    return annotation_create(author=author, draft=draft)


# --- Creating -----------------------------------------------------------------------------------


def test_it_creates_an_article_from_an_uploaded_html_page(api_for, reviewer):
    response = upload(
        api_for(reviewer),
        "knee-pain.html",
        HTML_PAGE.read_bytes(),
        title="Stem cells for knees",
        publisher="Renewa Regenerative Clinic",
        url="https://renewa.example.com/knee-pain",
    )
    assert response.status_code == 201
    body = response.json()
    article = Article.objects.get()
    assert response["Location"] == f"http://testserver{article_url(article.pk)}"
    assert body["id"] == article.pk
    assert body["title"] == "Stem cells for knees"
    assert body["publisher"] == "Renewa Regenerative Clinic"
    assert body["url"] == "https://renewa.example.com/knee-pain"
    assert body["media_type"] == "text/html"
    assert body["original_filename"] == "knee-pain.html"
    assert body["text"] == article.text
    assert "fewer risks and no side effects" in body["text"]
    assert "cookies" not in body["text"]
    assert body["sentence_count"] == article.sentences.count() > 10
    assert body["content_sha256"] == article.content_sha256
    assert body["annotation_count"] == 0
    assert body["status"] == "new"
    assert body["created_by"] == "rita"


def test_it_creates_an_article_from_an_uploaded_word_document(api_for, reviewer):
    data = docx_bytes(
        "Hair Regrowth with Platelet-Rich Plasma",
        "Nine out of ten clients see thicker hair after three sessions.",
        "Each session is £450, or £1,200 for the package of three.",
    )
    response = upload(api_for(reviewer), "prp-hair.docx", data, publisher="Follicle Lab")
    assert response.status_code == 201
    body = response.json()
    assert body["media_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert body["title"] == "Hair Regrowth with Platelet-Rich Plasma"
    assert body["publisher"] == "Follicle Lab"
    assert body["sentence_count"] == 3
    assert "£1,200 for the package of three." in body["text"]


def test_it_creates_an_article_from_an_uploaded_pdf(api_for, reviewer):
    data = pdf_bytes(
        "Cord blood cells reverse the effects of ageing.",
        "A weekend protocol costs $12,500 including the hotel.",
    )
    response = upload(api_for(reviewer), "anti-ageing.pdf", data, title="Anti-ageing brochure")
    assert response.status_code == 201
    body = response.json()
    assert body["media_type"] == "application/pdf"
    assert body["title"] == "Anti-ageing brochure"
    assert body["sentence_count"] == 2
    assert body["text"].startswith("Cord blood cells reverse the effects of ageing.")


def test_it_decodes_an_uploaded_utf16_text_file(api_for, reviewer):
    text = "Our Tokyo partner clinic’s cell bank is the world’s largest. Treatment: ¥1,980,000.\n"
    response = upload(api_for(reviewer), "tokyo.txt", text.encode("utf-16"))
    assert response.status_code == 201
    assert response.json()["text"] == text.strip()
    assert response.json()["sentence_count"] == 2


def test_it_decodes_an_uploaded_windows_1252_text_file(api_for, reviewer):
    text = "The clinic’s “miracle” protocol was developed in Zürich. It costs €3,900 per knee.\n"
    response = upload(api_for(reviewer), "zurich.txt", text.encode("cp1252"))
    assert response.status_code == 201
    assert response.json()["text"] == text.strip()
    assert response.json()["replaced_bytes"] == 0


def test_it_replaces_the_damaged_bytes_of_a_utf8_file_and_says_how_many(api_for, reviewer):
    text = "Our clinic’s “life-changing” cord blood infusion costs €8,500 – it’s all-inclusive.\n"
    damaged = text.encode("utf-8").replace("€".encode(), b"\xe2\x82")
    response = upload(api_for(reviewer), "infusion.txt", damaged)
    assert response.status_code == 201
    body = response.json()
    assert body["replaced_bytes"] == 2
    assert body["text"] == text.strip().replace("€", "\ufffd")
    assert Article.objects.get().replaced_bytes == 2
    assert api_for(reviewer).get(article_url(body["id"])).json()["replaced_bytes"] == 2


def test_it_creates_an_article_from_pasted_text_sent_as_json(api_for, reviewer):
    response = api_for(reviewer).post(
        ARTICLES,
        {
            "title": "Knee programme",
            "publisher": "Bluewater Regenerative Centre",
            "url": "https://bluewater.example.org/knees",
            "text": PASTED,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    article = Article.objects.get()
    assert response["Location"] == f"http://testserver{article_url(article.pk)}"
    assert body["title"] == "Knee programme"
    assert body["publisher"] == "Bluewater Regenerative Centre"
    assert body["url"] == "https://bluewater.example.org/knees"
    assert body["media_type"] == "text/plain"
    assert body["text"] == article.text
    assert body["sentence_count"] == 4
    assert body["content_sha256"] == article.content_sha256


def test_editors_may_upload_articles_too(api_for, editor):
    response = api_for(editor).post(ARTICLES, {"text": PASTED}, format="json")
    assert response.status_code == 201
    assert response.json()["created_by"] == "edna"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"text": ""}, "text", "The text is empty."),
        ({"text": " \n\t\u00a0 \n"}, "text", "The text is empty."),
        ({"title": "Nothing attached"}, "non_field_errors", "Send a `file` or a `text`; neither"),
        ({"text": PASTED, "url": "not a web address"}, "url", "Give an http:// or https://"),
    ],
    ids=["empty-text", "whitespace-only-text", "neither-file-nor-text", "invalid-url"],
)
def test_it_rejects_bad_json_input_and_stores_nothing(api_for, reviewer, payload, field, message):
    response = api_for(reviewer).post(ARTICLES, payload, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert nothing_stored()


def test_it_rejects_a_file_and_a_text_together(api_for, reviewer):
    response = upload(api_for(reviewer), "a.txt", b"Stem cells cure autism.", text=PASTED)
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Send either a `file` or a `text`, not both."]
    assert nothing_stored()


def test_it_rejects_an_image_and_says_what_it_is(api_for, reviewer):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    response = upload(api_for(reviewer), "before-after.png", png)
    assert response.status_code == 422
    assert response.json()["field"] == "file"
    message = response.json()["detail"]
    assert "PNG image" in message
    assert "Upload an HTML page, PDF, DOCX, Markdown or plain text." in message
    assert nothing_stored()


def test_it_rejects_an_empty_file(api_for, reviewer):
    response = upload(api_for(reviewer), "empty.txt", b"")
    assert response.status_code == 422
    assert response.json() == {"detail": "The file is empty.", "code": "empty", "field": "file"}
    assert nothing_stored()


def test_it_refuses_a_file_over_the_upload_limit_with_413(api_for, reviewer, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    data = b"Our stem cells regrow cartilage. " * 48_000  # about 1.5 MB
    response = upload(api_for(reviewer), "huge.txt", data)
    assert response.status_code == 413
    assert response.json()["detail"] == "The file is 1.5 MB; the limit is 1 MB."
    assert nothing_stored()


def test_it_refuses_pasted_text_over_the_upload_limit_with_413(api_for, reviewer, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    text = "Cells from one donor treat every patient. " * 30_000  # about 1.2 MB
    response = api_for(reviewer).post(ARTICLES, {"text": text}, format="json")
    assert response.status_code == 413
    assert "the limit is 1 MB" in response.json()["detail"]
    assert nothing_stored()


def test_it_rejects_malformed_json(api_for, reviewer):
    response = api_for(reviewer).post(
        ARTICLES, '{"title": "Broken", "text": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert nothing_stored()


def test_it_answers_409_with_the_existing_article_for_duplicate_content(api_for, reviewer):
    api = api_for(reviewer)
    first = api.post(ARTICLES, {"text": PASTED, "title": "First"}, format="json").json()
    response = api.post(ARTICLES, {"text": PASTED, "title": "Second"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate"
    assert body["article"] == first["id"]
    assert str(first["id"]) in body["detail"]
    assert list(Article.objects.values_list("title", flat=True)) == ["First"]


def test_it_refuses_uploads_from_readers(api_for, reader):
    response = api_for(reader).post(ARTICLES, {"text": PASTED}, format="json")
    assert response.status_code == 403
    assert nothing_stored()


def test_it_asks_anonymous_callers_to_authenticate(api_for):
    assert api_for(None).get(ARTICLES).status_code == 401
    assert api_for(None).post(ARTICLES, {"text": PASTED}, format="json").status_code == 401
    assert nothing_stored()


def test_it_refuses_users_without_a_role(api_for, outsider, make_article):
    article = make_article()
    assert api_for(outsider).get(ARTICLES).status_code == 403
    assert api_for(outsider).get(article_url(article.pk)).status_code == 403


# --- Listing ------------------------------------------------------------------------------------


def clinic_page_text(number: int) -> str:
    return (
        f"Clinic number {number} offers umbilical cord cell infusions.\n"
        f"Package {number} costs ${number},000 and comes with a free airport transfer.\n"
    )


def test_it_lists_articles_newest_first_without_their_text(api_for, reviewer, make_article):
    oldest, middle, newest = (make_article(clinic_page_text(n)) for n in (1, 2, 3))
    response = api_for(reviewer).get(ARTICLES)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [a["id"] for a in results] == [newest.pk, middle.pk, oldest.pk]
    assert all("text" not in a for a in results)
    assert results[0]["sentence_count"] == 2
    assert results[0]["publisher"] == "RegenWell Institute"


def test_it_searches_titles_and_publishers(api_for, reviewer, make_article):
    knees = make_article(clinic_page_text(1), title="Knee cartilage regrowth")
    spine = make_article(clinic_page_text(2), title="Spinal repair", publisher="KneeFirst Clinic")
    make_article(clinic_page_text(3), title="Hair restoration", publisher="Follicle Lab")
    results = api_for(reviewer).get(ARTICLES, {"search": "knee"}).json()["results"]
    assert [a["id"] for a in results] == [spine.pk, knees.pk]


def test_it_filters_by_exact_publisher_and_by_status(api_for, reviewer, make_article):
    renewa = make_article(clinic_page_text(1), publisher="Renewa")
    make_article(clinic_page_text(2), publisher="Renewa Plus")
    reviewed = make_article(clinic_page_text(3), publisher="Bluewater")
    article_update(article=reviewed, status="reviewed")
    api = api_for(reviewer)
    by_publisher = api.get(ARTICLES, {"publisher": "Renewa"}).json()["results"]
    assert [a["id"] for a in by_publisher] == [renewa.pk]
    by_status = api.get(ARTICLES, {"status": "reviewed"}).json()["results"]
    assert [a["id"] for a in by_status] == [reviewed.pk]


def test_it_rejects_an_unknown_status_filter(api_for, reviewer):
    response = api_for(reviewer).get(ARTICLES, {"status": "approved"})
    assert response.status_code == 400
    assert "approved" in " ".join(response.json()["status"])


def test_it_pages_with_a_cursor_through_every_article_once(api_for, reviewer, make_article):
    created = [make_article(clinic_page_text(n)) for n in range(1, 6)]
    api = api_for(reviewer)
    page = api.get(ARTICLES, {"page_size": 2}).json()
    seen = [[a["id"] for a in page["results"]]]
    assert page["previous"] is None
    while page["next"]:
        page = api.get(page["next"]).json()
        seen.append([a["id"] for a in page["results"]])
    newest_first = [a.pk for a in reversed(created)]
    assert seen == [newest_first[0:2], newest_first[2:4], newest_first[4:]]


def test_it_rejects_a_page_size_out_of_range(api_for, reviewer):
    response = api_for(reviewer).get(ARTICLES, {"page_size": 0})
    assert response.status_code == 400
    assert response.json()["page_size"] == ["Give a whole number from 1 to 500."]


def test_it_counts_only_the_annotations_a_reviewer_may_see(
    api_for, reviewer, other_reviewer, editor, reader, make_article
):
    article = make_article()
    annotate(article, reviewer, sentence=0)
    annotate(article, reviewer, sentence=1)
    annotate(article, other_reviewer, sentence=1)
    counts = {
        user.username: api_for(user).get(ARTICLES).json()["results"][0]["annotation_count"]
        for user in (reviewer, other_reviewer, editor, reader)
    }
    assert counts == {"rita": 2, "omar": 1, "edna": 3, "reed": 3}


def test_it_lists_in_the_same_number_of_queries_for_2_or_20_articles(
    api_for, reviewer, other_reviewer, make_article, django_assert_num_queries
):
    def add_annotated_articles(numbers: range) -> None:
        for number in numbers:
            article = make_article(clinic_page_text(number))
            annotate(article, reviewer, sentence=0)
            annotate(article, other_reviewer, sentence=1)

    api = api_for(reviewer)
    add_annotated_articles(range(1, 3))
    with django_assert_num_queries(3):
        two = api.get(ARTICLES).json()["results"]
    add_annotated_articles(range(3, 21))
    with django_assert_num_queries(3):
        twenty = api.get(ARTICLES).json()["results"]
    assert len(two) == 2 and len(twenty) == 20
    assert {a["annotation_count"] for a in twenty} == {1}
    assert {a["sentence_count"] for a in twenty} == {2}


# --- One article --------------------------------------------------------------------------------


def test_it_shows_one_article_with_its_text_and_counts(api_for, reader, reviewer, make_article):
    article = make_article(title="Knee therapy", source_url="https://regenwell.example.com/knee")
    annotate(article, reviewer, sentence=1)
    response = api_for(reader).get(article_url(article.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == article.text
    assert body["title"] == "Knee therapy"
    assert body["url"] == "https://regenwell.example.com/knee"
    assert body["sentence_count"] == 4
    assert body["annotation_count"] == 1


def test_it_answers_404_for_an_unknown_article(api_for, reviewer):
    response = api_for(reviewer).get(article_url(987_654))
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no article 987654."


def test_editors_change_an_articles_metadata(api_for, editor, make_article):
    article = make_article()
    response = api_for(editor).patch(
        article_url(article.pk),
        {
            "title": "  Stem cells for arthritis  ",
            "publisher": "RegenWell Institute (Cancun)",
            "url": "https://regenwell.example.com/arthritis",
            "status": "reviewed",
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Stem cells for arthritis"
    assert body["publisher"] == "RegenWell Institute (Cancun)"
    assert body["url"] == "https://regenwell.example.com/arthritis"
    assert body["status"] == "reviewed"
    assert body["text"] == article.text
    article.refresh_from_db()
    assert article.title == "Stem cells for arthritis"
    assert article.source_url == "https://regenwell.example.com/arthritis"
    assert article.status == Article.Status.REVIEWED


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field may not be blank."),
        ({"title": "   "}, "title", "This field may not be blank."),
        ({"status": "approved"}, "status", '"approved" is not a valid choice.'),
        ({"url": "regenwell dot com"}, "url", "Give an http:// or https:// address."),
    ],
    ids=["blank-title", "whitespace-title", "unknown-status", "invalid-url"],
)
def test_it_rejects_bad_metadata_and_changes_nothing(
    api_for, editor, make_article, changes, field, message
):
    article = make_article(title="Knee therapy")
    response = api_for(editor).patch(article_url(article.pk), changes, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    article.refresh_from_db()
    assert (article.title, article.status, article.source_url) == ("Knee therapy", "new", "")


def test_it_refuses_text_and_checksum_sent_in_a_patch(api_for, editor, make_article):
    article = make_article()
    response = api_for(editor).patch(
        article_url(article.pk),
        {"text": "Stem cells are proven safe.", "content_sha256": "0" * 64, "title": "Renamed"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"text", "content_sha256"}
    stored = Article.objects.get()
    assert (stored.title, stored.text) == (article.title, article.text)
    assert stored.content_sha256 == article.content_sha256


def test_it_refuses_metadata_changes_from_reviewers(api_for, reviewer, make_article):
    article = make_article(title="Knee therapy")
    response = api_for(reviewer).patch(article_url(article.pk), {"title": "Mine"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an editor may PATCH here."
    assert Article.objects.get().title == "Knee therapy"


def test_it_refuses_a_status_change_from_a_reviewer(api_for, reviewer, make_article):
    """A reviewer marks their own assignment done; only adjudication (or an editor) makes the
    article reviewed."""
    article = make_article()
    response = api_for(reviewer).patch(
        article_url(article.pk), {"status": "reviewed"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an editor may PATCH here."
    assert Article.objects.get().status == "new"


def test_it_refuses_a_status_change_from_a_reader(api_for, reader, make_article):
    article = make_article()
    response = api_for(reader).patch(article_url(article.pk), {"status": "reviewed"}, format="json")
    assert response.status_code == 403
    assert Article.objects.get().status == "new"


def test_it_answers_404_when_patching_an_unknown_article(api_for, editor):
    response = api_for(editor).patch(article_url(987_654), {"title": "X"}, format="json")
    assert response.status_code == 404


def test_it_does_not_allow_put(api_for, editor, make_article):
    article = make_article()
    response = api_for(editor).put(article_url(article.pk), {"title": "X"}, format="json")
    assert response.status_code == 405


def test_editors_delete_an_article_with_its_sentences_and_annotations(
    api_for, editor, reviewer, make_article, django_capture_on_commit_callbacks
):
    article = make_article()
    kept = make_article(clinic_page_text(1))
    annotate(article, reviewer, sentence=0)
    annotate(kept, reviewer, sentence=0)
    original = article.original_id
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(editor).delete(article_url(article.pk))
    assert response.status_code == 204
    assert list(Article.objects.all()) == [kept]
    assert not Sentence.objects.filter(article_id=article.pk).exists()
    assert not Annotation.objects.filter(article_id=article.pk).exists()
    assert Annotation.objects.filter(article=kept).count() == 1
    assert not Original.objects.filter(pk=original).exists()


def test_it_refuses_deletion_by_reviewers(api_for, reviewer, make_article):
    article = make_article()
    response = api_for(reviewer).delete(article_url(article.pk))
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_it_answers_404_when_deleting_an_unknown_article(api_for, editor):
    assert api_for(editor).delete(article_url(987_654)).status_code == 404


# --- Sentences ----------------------------------------------------------------------------------


def test_it_lists_every_sentence_in_order_with_offsets_into_the_text(api_for, reviewer):
    api = api_for(reviewer)
    created = upload(api, "knee-pain.html", HTML_PAGE.read_bytes()).json()
    response = api.get(sentences_url(created["id"]))
    assert response.status_code == 200
    sentences = response.json()
    text = api.get(article_url(created["id"])).json()["text"]
    assert len(sentences) == created["sentence_count"]
    assert [s["index"] for s in sentences] == list(range(len(sentences)))
    assert all(set(s) == {"index", "start", "end", "text", "kind", "block"} for s in sentences)
    for sentence in sentences:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    assert sentences[0] == {
        "index": 0,
        "start": 0,
        "end": len("Stem Cell Therapy for Knee Pain"),
        "text": "Stem Cell Therapy for Knee Pain",
        "kind": "heading",
        "block": 0,
    }
    kinds = {s["kind"] for s in sentences}
    assert {"heading", "paragraph", "list_item", "table_row"} <= kinds
    blocks = [s["block"] for s in sentences]
    assert blocks == sorted(blocks)


def test_it_keeps_offsets_in_code_points_past_emoji_and_accents(api_for, reviewer, make_article):
    article = make_article("✅ Zürich clinic 👉 cures knees. Only €4,900.\n")
    sentences = api_for(reviewer).get(sentences_url(article.pk)).json()
    assert [article.text[s["start"] : s["end"]] for s in sentences] == [
        s["text"] for s in sentences
    ]
    assert sentences[-1]["text"] == "Only €4,900."


def test_it_answers_404_for_the_sentences_of_an_unknown_article(api_for, reviewer):
    response = api_for(reviewer).get(sentences_url(987_654))
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no article 987654."


def test_it_answers_an_oversized_json_body_with_a_413(api_for, reviewer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    body = json.dumps({"text": "Our stem cells heal everything. " * 80_000})
    response = api_for(reviewer).post(ARTICLES, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is larger than 2 MB."
    assert not Article.objects.exists()


def test_it_sends_all_sentences_in_a_fixed_number_of_queries(
    api_for, reviewer, make_article, django_assert_num_queries
):
    short = make_article(text="Stem cells heal. They cost $5,000.\n", title="Short")
    long = make_article(
        text="".join(f"Clinic {n} heals knees in {n} days.\n" for n in range(400)), title="Long"
    )
    client = api_for(reviewer)
    for article in (short, long):
        # Token with user, roles, the article, its sentences.
        with django_assert_num_queries(4):
            response = client.get(f"/api/v1/articles/{article.pk}/sentences/")
        assert len(response.json()) == article.sentences.count()
