"""article_ingest: what gets stored, and that bad input stores nothing."""

import hashlib
import io

import pytest
from reportlab.pdfgen import canvas

import claims.services.articles
from claims.ingest.errors import IngestError
from claims.models import Article, Sentence
from claims.services.articles import DuplicateArticleError, Upload, article_ingest, upload_read
from claims.services.errors import Rejected
from claims.services.originals import original_bytes

pytestmark = pytest.mark.django_db


def test_it_stores_the_text_and_sentences_with_exact_offsets(make_article):
    article = make_article()
    sentences = list(article.sentences.order_by("index"))
    assert [s.text for s in sentences[:3]] == [
        "Is stem cell therapy safe?",
        "Our treatment has no side effects.",
        "It targets the root cause of arthritis.",
    ]
    assert len(sentences) == 4
    assert sentences[3].text.endswith("Prices from $1,500 (2 injections) to $10,000.")
    # A question line followed by its answer is a heading; the "- " marker is off the item.
    assert [s.kind for s in sentences] == ["heading", "paragraph", "paragraph", "list_item"]
    assert sentences[3].text.startswith("✅ Prices")
    for sentence in sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text
    assert [s.index for s in sentences] == list(range(len(sentences)))


def test_it_numbers_blocks_so_sentences_of_one_paragraph_share_one(make_article):
    article = make_article()
    blocks = list(article.sentences.order_by("index").values_list("block", flat=True))
    assert blocks[0] == 0
    assert blocks[1] == blocks[2] == 1
    assert blocks[-1] == 2


def test_it_keeps_the_original_bytes_and_metadata(make_article, reviewer):
    article = make_article(title="Knee therapy", source_url="https://regenwell.example.com/knee")
    assert article.title == "Knee therapy"
    assert article.publisher == "RegenWell Institute"
    assert article.created_by == reviewer
    assert article.media_type == "text/plain"
    assert article.status == Article.Status.NEW
    assert len(article.content_sha256) == 64
    stored = original_bytes(article.original_id)
    assert stored.decode("utf-8").startswith("Is stem cell therapy safe?")
    assert article.original_id == hashlib.sha256(stored).hexdigest()


def test_it_stores_how_many_damaged_bytes_of_a_utf8_upload_it_replaced(reviewer):
    text = "Our clinic’s “regenerative” protocol costs €3,900 – it’s worth every cent.\n"
    data = text.encode("utf-8").replace(b"costs", b"co\xffsts")
    article = article_ingest(upload=Upload(data=data, filename="protocol.txt"), user=reviewer)
    article.refresh_from_db()
    assert article.replaced_bytes == 1
    assert article.text == text.strip().replace("costs", "co\ufffdsts")
    for sentence in article.sentences.all():
        assert article.text[sentence.start : sentence.end] == sentence.text


def test_it_stores_no_damaged_bytes_for_a_clean_upload(make_article):
    assert make_article().replaced_bytes == 0


def test_it_takes_the_title_from_the_first_heading_when_none_is_given(make_article):
    article = make_article(text="# Cure your knees\n\nOur therapy is proven.\n", filename="a.md")
    assert article.title == "Cure your knees"


def test_it_refuses_the_same_content_twice_and_names_the_first_article(make_article):
    first = make_article()
    with pytest.raises(DuplicateArticleError) as raised:
        make_article(title="Another title")
    assert raised.value.article == first
    assert str(first.pk) in raised.value.message
    assert Article.objects.count() == 1


def _encrypted_pdf() -> bytes:
    out = io.BytesIO()
    document = canvas.Canvas(out, encrypt="secret")
    document.drawString(72, 700, "Our stem cells cure arthritis.")
    document.save()
    return out.getvalue()


def _scanned_pdf() -> bytes:
    """A page with a drawing and no text layer, as a scan without OCR has."""
    out = io.BytesIO()
    document = canvas.Canvas(out)
    document.rect(72, 600, 300, 100, fill=1)
    document.save()
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "empty.txt", IngestError.EMPTY),
        (b"   \n\t  \n", "blank.txt", IngestError.EMPTY),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "photo.png", IngestError.UNSUPPORTED_TYPE),
        (b"%PDF-1.7\nthis is not really a pdf", "broken.pdf", IngestError.CORRUPT_PDF),
        (b"plain words, not a zip archive", "letter.docx", IngestError.INVALID_DOCX),
        (
            b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>",
            "empty.html",
            IngestError.NO_TEXT,
        ),
        (_encrypted_pdf(), "protected.pdf", IngestError.ENCRYPTED_PDF),
        (_scanned_pdf(), "scan.pdf", IngestError.NO_TEXT),
        (b"\xef\xbb\xbfCaf\xe9 cure \x93guaranteed\x94", "legacy.txt", IngestError.UNDECODABLE),
        (bytes(range(1, 32)) * 64, "notes.txt", IngestError.UNSUPPORTED_TYPE),
        (b"PK\x03\x04" + b"\x00" * 60, "letter.docx", IngestError.INVALID_DOCX),
    ],
    ids=[
        "empty",
        "whitespace",
        "png",
        "corrupt-pdf",
        "docx-not-zip",
        "html-without-text",
        "encrypted-pdf",
        "pdf-without-text-layer",
        "undecodable-text",
        "control-characters",
        "damaged-zip",
    ],
)
def test_it_rejects_bad_input_with_a_clear_message_and_saves_nothing(
    reviewer, data, filename, code
):
    with pytest.raises(Rejected) as raised:
        article_ingest(upload=Upload(data=data, filename=filename), user=reviewer)
    assert raised.value.code == code
    assert raised.value.message
    assert Article.objects.count() == 0
    assert Sentence.objects.count() == 0


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_it_refuses_a_file_over_the_limit_from_its_declared_size_without_reading(settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    stream = CountingStream(b"x" * (3 * 1024 * 1024))
    with pytest.raises(Rejected) as raised:
        upload_read(stream=stream, filename="big.txt", size=3 * 1024 * 1024)
    assert raised.value.code == IngestError.TOO_LARGE
    assert "3.0 MB" in raised.value.message and "1 MB" in raised.value.message
    assert stream.bytes_read == 0


def test_it_stops_reading_an_oversized_stream_one_byte_past_the_limit(settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    stream = CountingStream(b"x" * (3 * 1024 * 1024))
    with pytest.raises(Rejected) as raised:
        upload_read(stream=stream, filename="big.txt")
    assert raised.value.code == IngestError.TOO_LARGE
    assert stream.bytes_read == 1024 * 1024 + 1


def test_it_rolls_back_the_article_when_storing_sentences_fails(reviewer, monkeypatch):
    def broken_store(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(claims.services.articles, "_sentences_store", broken_store)
    with pytest.raises(RuntimeError):
        article_ingest(
            upload=Upload(data=b"Stem cells cure everything.", filename="a.txt"),
            user=reviewer,
        )
    assert Article.objects.count() == 0
