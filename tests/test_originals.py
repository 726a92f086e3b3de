"""Uploaded originals: kept in the database once per content, in the article's transaction,
streamed back to anyone who may read the article, and gone with the last article holding them.
With ORIGINALS_STORAGE=files the same goes through Django's storage API."""

import hashlib

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext

import claims.services.articles
import claims.services.originals
from claims.models import Article, Original, Sentence, SentenceFingerprint
from claims.services.articles import Upload, article_delete, article_ingest
from claims.services.originals import original_bytes, original_chunks, original_store

pytestmark = pytest.mark.django_db

PAGE = (
    b"<html><head><title>Knee renewal</title></head><body>"
    b"<p>Our stem cells regrow cartilage in every patient.</p>"
    b"<p>Treatment costs $6,200 per knee.</p></body></html>"
)


def _original_url(article_id: int) -> str:
    return f"/api/v1/articles/{article_id}/original/"


def upload(data: bytes = PAGE, filename: str = "knee.html") -> Article:
    return article_ingest(upload=Upload(data=data, filename=filename), user=None)


def test_an_upload_keeps_its_bytes_in_the_database_under_their_hash():
    article = upload()
    original = Original.objects.get()
    assert article.original_id == original.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert (original.size, original.storage_name) == (len(PAGE), "")
    assert original_bytes(original.sha256) == PAGE
    assert not storages["originals"].exists(f"originals/{original.sha256[:2]}/{original.sha256}")


def test_the_bytes_are_never_read_with_the_article_or_the_original_row(api_for, reader):
    article = upload()
    assert "data" in Original.objects.get().get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert api_for(reader).get(f"/api/v1/articles/{article.pk}/").status_code == 200
        assert api_for(reader).get("/api/v1/articles/").status_code == 200
        response = api_for(reader).get(_original_url(article.pk))
    assert not any('"claims_original"."data"' in q["sql"] for q in queries.captured_queries)
    assert b"".join(response.streaming_content) == PAGE  # read only here, by slices


def test_the_same_bytes_are_stored_once():
    first = original_store(PAGE)
    second = original_store(PAGE)
    assert first == second
    assert Original.objects.count() == 1


def test_a_download_streams_the_bytes_a_chunk_at_a_time(monkeypatch):
    sha256 = original_store(PAGE)
    monkeypatch.setattr(claims.services.originals, "CHUNK_BYTES", 50)
    with CaptureQueriesContext(connection) as queries:
        chunks = list(original_chunks(sha256))
    assert b"".join(chunks) == PAGE
    assert [len(chunk) for chunk in chunks[:-1]] == [50] * (len(PAGE) // 50)
    assert len(queries) == 1 + len(chunks)  # the size, then one slice per chunk


def test_a_failed_upload_leaves_neither_a_row_nor_bytes(monkeypatch):
    def broken(**_):
        raise RuntimeError("the fingerprint index is unavailable")

    monkeypatch.setattr(claims.services.articles, "article_fingerprints_store", broken)
    with pytest.raises(RuntimeError):
        upload()
    assert not Article.objects.exists()
    assert not Original.objects.exists()
    assert not Sentence.objects.exists()
    assert not SentenceFingerprint.objects.exists()


def test_deleting_the_article_deletes_its_original():
    article = upload()
    article_delete(article=article)
    assert not Original.objects.exists()


def test_everyone_who_reads_the_article_downloads_the_original_as_uploaded(api_for, reader):
    article = upload()
    response = api_for(reader).get(_original_url(article.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html"
    assert response["Content-Length"] == str(len(PAGE))
    assert response["Content-Disposition"] == 'attachment; filename="knee.html"'
    assert response["ETag"] == f'"{article.original_id}"'
    assert b"".join(response.streaming_content) == PAGE


def test_a_pasted_text_downloads_as_the_text_file_it_was(api_for, reviewer):
    article = article_ingest(upload=Upload.pasted("Ozone cures Lyme disease.\n"), user=reviewer)
    response = api_for(reviewer).get(_original_url(article.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pasted.txt"'
    assert b"".join(response.streaming_content) == b"Ozone cures Lyme disease.\n"


def test_an_article_without_an_original_is_a_404_that_says_so(api_for, reader):
    article = upload()
    Article.objects.filter(pk=article.pk).update(original=None)  # as imported from an export
    response = api_for(reader).get(_original_url(article.pk))
    assert response.status_code == 404
    assert response.json()["detail"] == f"Article {article.pk} has no uploaded original."
    assert api_for(reader).get(_original_url(article.pk + 1000)).status_code == 404


def test_it_refuses_the_original_to_anonymous_and_roleless_users(api_for, outsider):
    article = upload()
    assert api_for(None).get(_original_url(article.pk)).status_code == 401
    assert api_for(outsider).get(_original_url(article.pk)).status_code == 403


def test_the_annotation_page_links_the_original(client, reviewer):
    article = upload()
    client.force_login(reviewer)
    page = client.get(f"/articles/{article.pk}/").text
    assert f'href="{_original_url(article.pk)}" id="original-download" download' in page


@pytest.fixture
def files_storage(settings, tmp_path):
    settings.ORIGINALS_STORAGE = "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "originals-store")},
        },
    }
    return storages


def test_with_files_storage_the_bytes_go_through_the_storage_api(
    files_storage, api_for, reader, django_capture_on_commit_callbacks
):
    article = upload()
    original = Original.objects.get()
    assert original.storage_name == f"originals/{original.sha256[:2]}/{original.sha256}"
    assert Original.objects.filter(data=None).count() == 1
    with files_storage["originals"].open(original.storage_name, "rb") as stored:
        assert stored.read() == PAGE
    response = api_for(reader).get(_original_url(article.pk))
    assert b"".join(response.streaming_content) == PAGE

    with django_capture_on_commit_callbacks(execute=True):
        article_delete(article=article)
    assert not files_storage["originals"].exists(original.storage_name)
