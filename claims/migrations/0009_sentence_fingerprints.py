"""Sentence fingerprints, the index an upload is looked up in to find the article it nearly
duplicates, filled in for the articles already stored; and the reference kind of sentence.

The new kind changes only the field's choices, which are not in the database: SQLite does not
rebuild the sentence table for it (no trigger reads that table anyway), so the span triggers
of 0004 need no care here."""

import django.db.models.deletion
from django.db import migrations, models

import claims.ingest.types
from claims.ingest.fingerprints import fingerprints

BATCH = 5_000


def fingerprints_fill(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    Sentence = apps.get_model("claims", "Sentence")
    SentenceFingerprint = apps.get_model("claims", "SentenceFingerprint")
    for article_id in list(Article.objects.order_by("pk").values_list("pk", flat=True)):
        texts = Sentence.objects.filter(article_id=article_id).values_list("text", flat=True)
        SentenceFingerprint.objects.bulk_create(
            [SentenceFingerprint(article_id=article_id, hash=h) for h in fingerprints(texts)],
            batch_size=BATCH,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_suggestions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sentence",
            name="kind",
            field=models.CharField(
                choices=[
                    ("heading", "heading"),
                    ("paragraph", "paragraph"),
                    ("list_item", "list item"),
                    ("table_row", "table row"),
                    ("caption", "caption"),
                    ("quote", "quote"),
                    ("reference", "reference"),
                ],
                default=claims.ingest.types.BlockKind["PARAGRAPH"],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="SentenceFingerprint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hash", models.BigIntegerField()),
                (
                    "article",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fingerprints",
                        to="claims.article",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["article"], name="fingerprint_article_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("hash", "article"), name="fingerprint_unique_hash"
                    )
                ],
            },
        ),
        migrations.RunPython(fingerprints_fill, migrations.RunPython.noop),
    ]
