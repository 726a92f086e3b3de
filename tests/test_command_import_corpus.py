"""manage.py import_corpus: a native export read back into an instance, all of it or nothing."""

import importlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.models import REVIEWER, Annotation, Article, Sentence, SentenceFingerprint, Tag
from claims.services.vocabulary import tag_create
from tests.helpers import adjudicate, annotate_phrase

pytestmark = pytest.mark.django_db

DEFAULT_TAGS = importlib.import_module("claims.migrations.0002_roles_and_default_tags").DEFAULT_TAGS

PEPTIDE_TEXT = (
    "🌿 Natural healing at Lakeside Vitality 💉✨\n\n"
    "Our 🧬 peptide infusions reverse ageing in just three sessions. "
    "Patients report 💯 results with no downtime at all.\n\n"
    "Prix : à partir de 1 500 € (2 séances) — « sans risque ».\n"
)
OZONE_TEXT = "Ozone therapy\n\nOzone completely cleared her infection. Sessions cost CAD 450.\n"
AWKWARD_NOTE = 'Claims "no risk", yet lists three;\nsee FAQ, point 4 — « vraiment » 🤔'


@pytest.fixture
def corpus(make_article, reviewer, other_reviewer, editor) -> None:
    """Three articles (emoji and accents, one never annotated), a tag of our own and a changed
    default one, annotations by two reviewers with awkward notes, and final annotations: the
    peptide article adjudicated (two tags accepted, one rejected), the ozone article's
    adjudication under way (one tag accepted)."""
    tag_create(
        slug="miracle-cure", name="Miracle cure", definition="Cures “everything”.", colour="#0891b2"
    )
    Tag.objects.filter(slug="price-claim").update(definition="Any price, fee or payment.")
    peptide = make_article(text=PEPTIDE_TEXT, title="Peptides 🧬", publisher="Lakeside")
    ozone = make_article(
        text=OZONE_TEXT, title="Ozone", publisher="PureLife", source_url="https://pure.example/o"
    )
    make_article(title="Knees, untouched")
    annotate_phrase(
        reviewer, peptide, "overstated", "reverse ageing in just three sessions", AWKWARD_NOTE
    )
    annotate_phrase(other_reviewer, peptide, "overstated", "reverse ageing in just three sessions")
    annotate_phrase(other_reviewer, peptide, "price-claim", "à partir de 1 500 €", 'Prix, "TTC"?')
    annotate_phrase(reviewer, peptide, "miracle-cure", "💯 results")
    annotate_phrase(other_reviewer, ozone, "unsupported", "completely cleared her infection")
    ageing = peptide.sentences.get(text__contains="reverse ageing").index
    price = peptide.sentences.get(text__contains="1 500").index
    adjudicate(editor, peptide, accept={(ageing, "overstated"), (price, "price-claim")})
    cleared = ozone.sentences.get(text__contains="completely cleared").index
    adjudicate(editor, ozone, accept={(cleared, "unsupported")}, finish=False)
    Article.objects.filter(pk=ozone.pk).update(status=Article.Status.REVIEWED)
    Annotation.objects.filter(note=AWKWARD_NOTE).update(
        created_at=datetime(2024, 2, 29, 12, 0, 1, 123456, tzinfo=UTC)
    )
    Tag.objects.filter(slug="miracle-cure").update(archived=True)


def _export(path: Path, fmt: str) -> bytes:
    call_command("export_corpus", "--format", fmt, "--output", str(path))
    return path.read_bytes()


def _import(path: Path | str) -> str:
    out = io.StringIO()
    call_command("import_corpus", str(path), stdout=out)
    return out.getvalue()


def _database_rows() -> dict[str, list]:
    """Every stored row that an export carries, keyed by what survives a move (no ids)."""
    articles = Article.objects.order_by("content_sha256").values_list(
        *("content_sha256", "title", "publisher", "source_url", "original_filename"),
        *("media_type", "original_size", "text", "text_length", "language", "status"),
        *("created_by__username", "created_at", "updated_at"),
        *("adjudicated_at", "adjudicated_by__username"),
    )
    sentences = Sentence.objects.order_by("article__content_sha256", "index").values_list(
        "article__content_sha256", "index", "start", "end", "text", "kind", "block"
    )
    tags = Tag.objects.order_by("slug").values_list(
        "slug", "name", "definition", "colour", "shortcut", "order", "archived"
    )
    annotations = Annotation.objects.order_by(
        "article__content_sha256", "start", "end", "tag__slug", "final", "author__username"
    ).values_list(
        *("article__content_sha256", "start", "end", "quote", "prefix", "suffix", "tag__slug"),
        *("note", "author__username", "final", "created_at", "updated_at"),
    )
    return {
        "articles": list(articles),
        "sentences": list(sentences),
        "tags": list(tags),
        "annotations": list(annotations),
    }


def _empty_the_instance() -> None:
    """Back to what `migrate` leaves: no articles or users, the default tags as shipped."""
    Annotation.objects.all().delete()
    Article.objects.all().delete()
    User.objects.all().delete()
    Tag.objects.exclude(slug__in=[t["slug"] for t in DEFAULT_TAGS]).delete()
    for tag in DEFAULT_TAGS:
        Tag.objects.filter(slug=tag["slug"]).update(**tag)


# --- Round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_corpus_survives_export_and_import_into_an_empty_instance(corpus, tmp_path, fmt):
    before = _database_rows()
    first = _export(tmp_path / f"first.{fmt}", fmt)
    _empty_the_instance()
    assert Article.objects.count() == 0

    summary = _import(tmp_path / f"first.{fmt}")

    assert _database_rows() == before
    assert _export(tmp_path / f"second.{fmt}", fmt) == first
    assert summary == (
        "Imported 1 new and 4 updated tags, 3 articles (0 already here), 8 annotations "
        "(0 already here) and 3 new reviewers.\n"
    )


def test_imported_articles_are_indexed_for_the_near_duplicate_check(corpus, tmp_path):
    def indexed() -> set[tuple[str, int]]:
        rows = SentenceFingerprint.objects.values_list("article__content_sha256", "hash")
        return set(rows)

    before = indexed()
    _export(tmp_path / "corpus.jsonl", "jsonl")
    _empty_the_instance()
    assert not SentenceFingerprint.objects.exists()

    _import(tmp_path / "corpus.jsonl")

    assert indexed() == before and len(before) > 0


def test_it_keeps_final_annotations_final_and_adjudicated_articles_adjudicated(corpus, tmp_path):
    _export(tmp_path / "corpus.jsonl", "jsonl")
    _empty_the_instance()

    _import(tmp_path / "corpus.jsonl")

    finals = Annotation.objects.filter(final=True).order_by("article__title", "start")
    assert [(a.article.title, a.tag.slug, a.author.username) for a in finals] == [
        ("Ozone", "unsupported", "edna"),
        ("Peptides 🧬", "overstated", "edna"),
        ("Peptides 🧬", "price-claim", "edna"),
    ]
    adjudicated = Article.objects.filter(adjudicated_at__isnull=False)
    assert [(a.title, a.adjudicated_by.username) for a in adjudicated] == [("Peptides 🧬", "edna")]
    assert Annotation.objects.filter(final=False).count() == 5


def test_it_creates_missing_reviewers_who_cannot_sign_in_yet(corpus, tmp_path):
    _export(tmp_path / "corpus.jsonl", "jsonl")
    _empty_the_instance()

    _import(tmp_path / "corpus.jsonl")

    users = User.objects.order_by("username")
    # The adjudicating editor too: a file cannot make anyone an editor.
    assert [u.username for u in users] == ["edna", "omar", "rita"]
    assert not any(u.has_usable_password() for u in users)
    assert all(u.groups.filter(name=REVIEWER).exists() for u in users)


def test_it_reads_a_download_and_standard_input(client, editor, corpus, tmp_path, monkeypatch):
    client.force_login(editor)
    download = client.get(reverse("claims:corpus_export", args=["json"])).getvalue()
    before = _database_rows()
    _empty_the_instance()
    monkeypatch.setattr("sys.stdin", io.StringIO(download.decode("utf-8")))

    _import("-")

    # The download holds the reviewers' annotations (those the report page shows, not the
    # final ones) and leaves out the article nobody annotated.
    after = _database_rows()
    assert after["annotations"] == [row for row in before["annotations"] if not row[9]]
    assert len(after["articles"]) == len(before["articles"]) - 1


def test_importing_the_same_file_twice_adds_nothing(corpus, tmp_path):
    _export(tmp_path / "corpus.jsonl", "jsonl")
    before = _database_rows()

    summary = _import(tmp_path / "corpus.jsonl")

    assert _database_rows() == before
    assert "0 articles (3 already here), 0 annotations (8 already here)" in summary


def test_it_takes_a_final_annotation_already_here_for_the_same_whoever_accepted_it(
    corpus, tmp_path
):
    path = tmp_path / "corpus.jsonl"
    _export(path, "jsonl")
    records = _lines(path)
    for record in records:
        if record.get("final"):
            record["author"] = "another-editor"
    before = _database_rows()

    summary = _import(_write_lines(path, records))

    assert _database_rows() == before
    assert "0 annotations (8 already here)" in summary


# --- Refusals ---------------------------------------------------------------------------------


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write_lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def records(corpus, tmp_path) -> list[dict]:
    """The corpus's records; the instance is then emptied."""
    path = tmp_path / "corpus.jsonl"
    _export(path, "jsonl")
    _empty_the_instance()
    return _lines(path)


def _refused(tmp_path: Path, records: list[dict], message: str) -> None:
    before = _database_rows()
    path = _write_lines(tmp_path / "faulty.jsonl", records)

    with pytest.raises(CommandError, match=message):
        _import(path)

    assert _database_rows() == before
    assert not User.objects.exists()


def _first(records: list[dict], kind: str) -> dict:
    return next(r for r in records if r.get("type") == kind)


def test_it_refuses_an_article_whose_sentences_do_not_fit_its_text(records, tmp_path):
    article = _first(records, "article")
    article["sentences"][1][2] = len(article["text"]) + 5

    _refused(tmp_path, records, "Nothing imported: line .*: the article .*: sentence 1 spans")


def test_it_refuses_an_article_whose_hash_is_not_its_texts(records, tmp_path):
    _first(records, "article")["text"] += " Edited."

    _refused(tmp_path, records, "content_sha256 is not the SHA-256 of its text")


def test_it_refuses_an_annotation_whose_quote_is_not_the_text(records, tmp_path):
    records[-1]["quote"] = "something else"

    _refused(tmp_path, records, rf"line {len(records)}: .*its quote is not the article's text")


def test_it_refuses_an_annotation_of_an_unknown_article(records, tmp_path):
    records[-1]["article"] = "0" * 64

    _refused(tmp_path, records, "neither earlier in the file nor here")


def test_it_refuses_an_annotation_with_an_unknown_tag(records, tmp_path):
    records[-1]["tag"] = "nonsense"

    _refused(tmp_path, records, "there is no tag “nonsense” here or in the file")


def test_it_refuses_a_field_the_model_would_not_store(records, tmp_path):
    _first(records, "article")["status"] = "lost"

    _refused(tmp_path, records, "the article cannot be imported: status: Value 'lost'")


def test_it_refuses_a_timestamp_without_a_time_zone(records, tmp_path):
    records[-1]["created_at"] = "2025-01-01T10:00:00"

    _refused(tmp_path, records, "has no time zone")


def test_it_refuses_the_same_annotation_twice(records, tmp_path):
    _refused(tmp_path, [*records, records[-1]], "the database refused a row")


def test_it_refuses_a_file_that_is_not_a_corpus(records, tmp_path):
    _refused(tmp_path, [{"format": "doccano"}, *records[1:]], "does not start a Claimscope corpus")
    _refused(tmp_path, [], "The file is empty.")


def test_it_refuses_broken_json_and_writes_nothing(records, tmp_path):
    path = _write_lines(tmp_path / "corpus.jsonl", records)
    path.write_text(path.read_text(encoding="utf-8") + '{"type": "annotation", \n')

    with pytest.raises(CommandError, match=rf"line {len(records) + 1} is not JSON"):
        _import(path)

    assert not Article.objects.exists()


def test_it_refuses_a_file_that_is_not_utf8_or_not_there(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"format": "claimscope", "version": 1, "note": "é"}\n'.encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        _import(path)
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.jsonl"):
        _import(tmp_path / "missing.jsonl")
