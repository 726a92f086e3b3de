"""Migration 0010 moves the originals kept as files under MEDIA_ROOT into the database, says
how many it moved, and puts them back as files when reversed."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("claims", "0009_sentence_fingerprints")]
AFTER = [("claims", "0010_originals_in_the_database")]
FILE_BYTES = b"Our exosome drip reverses ageing.\n"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def every_migration_after():
    """The test leaves the schema at 0010: the tests after it get every later migration back."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _article(Article, *, sha: str, original_file: str):
    return Article.objects.create(
        title="Exosomes",
        text="Our exosome drip reverses ageing.",
        text_length=len("Our exosome drip reverses ageing."),
        content_sha256=sha,
        media_type="text/plain",
        original_file=original_file,
    )


def test_it_moves_file_originals_into_the_table_and_back(capsys):
    apps = migrate(BEFORE)
    Article = apps.get_model("claims", "Article")
    kept = default_storage.save("originals/aa/" + "a" * 64, ContentFile(FILE_BYTES))
    with_file = _article(Article, sha="a" * 64, original_file=kept)
    lost = _article(Article, sha="b" * 64, original_file="originals/bb/" + "b" * 64)
    _article(Article, sha="c" * 64, original_file="")  # imported: never had one

    apps = migrate(AFTER)

    said = capsys.readouterr().out
    assert "Moved 1 uploaded original(s) from MEDIA_ROOT into the database" in said
    assert "1 file(s) were missing" in said
    Article = apps.get_model("claims", "Article")
    Original = apps.get_model("claims", "Original")
    sha256 = hashlib.sha256(FILE_BYTES).hexdigest()
    assert Article.objects.get(pk=with_file.pk).original_id == sha256
    assert bytes(Original.objects.get().data) == FILE_BYTES
    assert Article.objects.get(pk=lost.pk).original_id is None

    default_storage.delete(kept)
    apps = migrate(BEFORE)
    Article = apps.get_model("claims", "Article")
    restored = Article.objects.get(pk=with_file.pk).original_file.name
    with default_storage.open(restored, "rb") as stored:
        assert stored.read() == FILE_BYTES
    migrate(AFTER)
