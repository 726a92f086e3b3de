"""Uploaded originals move from files under MEDIA_ROOT into their own table: written in the
same transaction as their article, readable by every app server, stored once per content.

The files are copied, not deleted: once the migration has said how many it moved, the
`originals/` folder under MEDIA_ROOT can be removed by hand. On PostgreSQL the bytes are kept
uncompressed out of line (STORAGE EXTERNAL), so a download reads them a slice at a time."""

import hashlib
import importlib
import sys

import django.db.models.deletion
from django.core.files.storage import default_storage
from django.db import migrations, models

BATCH = 100

# SQLite alters the article table by rebuilding it, which fails while the span triggers
# (0004) name it: they are dropped first and made again last, there only.
_spans = importlib.import_module("claims.migrations.0004_article_text_length")


def _on_sqlite(operation):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            operation(apps, schema_editor)

    return run


triggers_drop = _on_sqlite(_spans.triggers_drop)
triggers_create = _on_sqlite(_spans.triggers_create(stored_length=True))


def originals_move(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    Original = apps.get_model("claims", "Original")
    with_files = Article.objects.exclude(original_file="").order_by("pk")
    moved, missing = 0, 0
    for article in with_files.only("pk", "original_file").iterator(chunk_size=BATCH):
        name = article.original_file.name
        if not default_storage.exists(name):
            missing += 1
            continue
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
        sha256 = hashlib.sha256(data).hexdigest()
        Original.objects.bulk_create(
            [Original(sha256=sha256, size=len(data), data=data)], ignore_conflicts=True
        )
        Article.objects.filter(pk=article.pk).update(original_id=sha256)
        moved += 1
    if moved or missing:
        sys.stdout.write(
            f"\n  Moved {moved} uploaded original(s) from MEDIA_ROOT into the database"
            + (
                f"; {missing} file(s) were missing and are left without an original"
                if missing
                else ""
            )
            + ". The files under MEDIA_ROOT/originals/ are no longer read.\n"
        )


def originals_restore(apps, schema_editor):
    """Back to files, under the names they had (the hash of the article's text)."""
    from django.core.files.base import ContentFile

    Article = apps.get_model("claims", "Article")
    Original = apps.get_model("claims", "Original")
    articles = Article.objects.exclude(original=None).only("pk", "content_sha256", "original")
    for article in articles.iterator(chunk_size=BATCH):
        sha = article.content_sha256
        name = f"originals/{sha[:2]}/{sha}"
        data, stored_as = Original.objects.values_list("data", "storage_name").get(
            pk=article.original_id
        )
        if stored_as:
            name = stored_as  # already a file (ORIGINALS_STORAGE=files)
        elif not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(bytes(data)))
        Article.objects.filter(pk=article.pk).update(original_file=name)


def storage_external(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE claims_original ALTER COLUMN data SET STORAGE EXTERNAL")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_sentence_fingerprints"),
    ]

    operations = [
        migrations.RunPython(triggers_drop, triggers_create),
        migrations.CreateModel(
            name="Original",
            fields=[
                ("sha256", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("size", models.PositiveBigIntegerField()),
                ("data", models.BinaryField(null=True)),
                ("storage_name", models.CharField(blank=True, max_length=300)),
                ("held_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "indexes": [models.Index(fields=["held_at"], name="original_held_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")),
                        name="original_sha256_is_hex",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("data__isnull", False), ("storage_name", "")),
                            models.Q(
                                ("data__isnull", True),
                                models.Q(("storage_name", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="original_bytes_in_one_place",
                    ),
                ],
            },
        ),
        migrations.RunPython(storage_external, migrations.RunPython.noop),
        migrations.AddField(
            model_name="article",
            name="original",
            field=models.ForeignKey(
                blank=True,
                help_text="The uploaded bytes; none for articles imported from a corpus export.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="claims.original",
            ),
        ),
        migrations.RunPython(originals_move, originals_restore),
        migrations.RemoveField(
            model_name="article",
            name="original_file",
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
