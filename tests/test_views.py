"""The server-rendered pages: list, upload (file or paste) and the article view."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reportlab.pdfgen import canvas

from claims.models import Article

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("claims:article_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_lists_articles_with_their_sentence_counts(signed_in, make_article):
    article = make_article()
    response = signed_in.get(reverse("claims:article_list"))
    assert response.status_code == 200
    assert article.title in response.text
    assert response.context["page"][0].sentence_count == 4


def test_it_creates_an_article_from_pasted_text(signed_in):
    response = signed_in.post(
        reverse("claims:article_upload"),
        {"text": "Our clinic is the world’s only one. It costs $300,000.", "publisher": "X"},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:article_detail", args=[article.pk])
    assert article.sentences.count() == 2


def test_it_creates_an_article_from_an_uploaded_file(signed_in):
    upload = SimpleUploadedFile(
        "page.html",
        b"<html><head><title>Ozone cures</title></head><body><article><h1>Ozone cures</h1>"
        b"<p>Ozone therapy completely cleared her infection. Sessions cost CAD 450.</p>"
        b"</article></body></html>",
        content_type="text/html",
    )
    response = signed_in.post(reverse("claims:article_upload"), {"file": upload})
    assert response.status_code == 302
    assert Article.objects.get().media_type == "text/html"


def test_it_shows_the_ingestion_error_next_to_the_field(signed_in):
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    response = signed_in.post(reverse("claims:article_upload"), {"file": upload})
    assert response.status_code == 400
    assert "PNG" in " ".join(response.context["form"].errors["file"])
    assert Article.objects.count() == 0


def test_it_says_once_that_an_empty_file_is_empty(signed_in):
    upload = SimpleUploadedFile("page.html", b"")
    response = signed_in.post(reverse("claims:article_upload"), {"file": upload})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"file": ["The file is empty."]}
    assert Article.objects.count() == 0


def test_it_refuses_a_form_with_neither_file_nor_text(signed_in):
    response = signed_in.post(reverse("claims:article_upload"), {"title": "Nothing"})
    assert response.status_code == 400
    assert "Choose a file or paste" in response.text


def test_it_links_a_duplicate_upload_to_the_existing_article(signed_in, make_article):
    article = make_article()
    response = signed_in.post(reverse("claims:article_upload"), {"text": article.text})
    assert response.status_code == 400
    assert reverse("claims:article_detail", args=[article.pk]) in response.text
    assert Article.objects.count() == 1


def test_it_renders_article_text_as_text_not_markup(signed_in, make_article):
    article = make_article(text="Cheap cure <script>alert(1)</script> now.\n")
    response = signed_in.get(reverse("claims:article_detail", args=[article.pk]))
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_it_refuses_an_upload_over_the_limit_and_says_the_limit(signed_in, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("huge.txt", b"Stem cells cure all. " * 60_000)
    response = signed_in.post(reverse("claims:article_upload"), {"file": upload})
    assert response.status_code == 400
    assert "the limit is 1 MB" in " ".join(response.context["form"].errors["file"])
    assert Article.objects.count() == 0


def test_it_creates_an_article_from_an_uploaded_pdf(signed_in):
    out = io.BytesIO()
    document = canvas.Canvas(out)
    document.drawString(72, 700, "Prices range from $1,500 (2 injections) to $10,000.")
    document.drawString(72, 680, "Most patients walk without a cane within weeks.")
    document.save()
    upload = SimpleUploadedFile("brochure.pdf", out.getvalue(), content_type="application/pdf")
    response = signed_in.post(reverse("claims:article_upload"), {"file": upload})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.media_type == "application/pdf"
    assert list(article.sentences.values_list("text", flat=True)) == [
        "Prices range from $1,500 (2 injections) to $10,000.",
        "Most patients walk without a cane within weeks.",
    ]


def test_it_refuses_pasted_whitespace(signed_in):
    response = signed_in.post(reverse("claims:article_upload"), {"text": " \n\u00a0\u200b "})
    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_it_answers_404_for_an_article_that_does_not_exist(signed_in):
    response = signed_in.get(reverse("claims:article_detail", args=[999_999]))
    assert response.status_code == 404
