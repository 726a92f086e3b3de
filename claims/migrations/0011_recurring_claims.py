"""Recurring claims: each sentence's claim text (claims.similar.normalise), filled in for the
sentences already stored; on PostgreSQL, pg_trgm with a trigram index over it for similar
sentences, and full-text indexes over sentences and annotation notes for corpus search.

SQLite has none of these: there similar sentences are those of the same claim text, and search
is a substring match, so the indexes are made only on PostgreSQL."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from claims.similar.normalise import claim_text

BATCH = 5_000

INDEXES = {
    # The expression of claims.selectors_similar.ClaimKey (claims.similar.normalise.claim_key).
    "sentence_claim_trgm_idx": (
        "claims_sentence USING gin ((replace(claim_text, ' ', '')) gin_trgm_ops)"
    ),
    "sentence_text_search_idx": (
        "claims_sentence USING gin (to_tsvector('english'::regconfig, text))"
    ),
    "annotation_note_search_idx": (
        "claims_annotation USING gin (to_tsvector('english'::regconfig, note)) WHERE note <> ''"
    ),
}


def claim_text_fill(apps, schema_editor):
    Sentence = apps.get_model("claims", "Sentence")
    last = 0
    while True:
        rows = list(Sentence.objects.filter(pk__gt=last).order_by("pk").only("pk", "text")[:BATCH])
        if not rows:
            return
        for row in rows:
            row.claim_text = claim_text(row.text)
        Sentence.objects.bulk_update(rows, ["claim_text"], batch_size=1_000)
        last = rows[-1].pk


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {target}")


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_originals_in_the_database"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="sentence",
            name="claim_text",
            field=models.TextField(
                db_default="",
                default="",
                editable=False,
                help_text="The text compared to find the same claim elsewhere "
                "(claims.similar.normalise).",
            ),
        ),
        migrations.RunPython(claim_text_fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(indexes_create, indexes_drop),
    ]
