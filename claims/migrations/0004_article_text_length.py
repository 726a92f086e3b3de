"""Keep each article's text length in a column, so that the span check on every annotation
insert reads one integer instead of measuring (and de-TOASTing) the whole article text; drop
the annotation foreign keys' single-column indexes, which composite indexes already lead.

The span triggers are dropped first and made again last: SQLite alters a table by rebuilding
it, which fails while a trigger names the table being rebuilt."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Length

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION claims_annotation_within_text() RETURNS trigger AS $$
BEGIN
    IF NEW."end" > (SELECT {length} FROM claims_article WHERE id = NEW.article_id) THEN
        RAISE EXCEPTION 'annotation end % is past the end of article % text', NEW."end",
            NEW.article_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claims_annotation_within_text
    BEFORE INSERT OR UPDATE OF "end", article_id ON claims_annotation
    FOR EACH ROW EXECUTE FUNCTION claims_annotation_within_text();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS claims_annotation_within_text ON claims_annotation;
DROP FUNCTION IF EXISTS claims_annotation_within_text();
"""
SQLITE_UP = """
CREATE TRIGGER claims_annotation_within_text_{event}
BEFORE {event} ON claims_annotation
WHEN NEW."end" > (SELECT {length} FROM claims_article WHERE id = NEW.article_id)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: annotation end is past the article text');
END;
"""


def lengths_fill(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    Article.objects.update(text_length=Length("text"))


def triggers_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS claims_annotation_within_text_{event}")


def triggers_create(*, stored_length: bool):
    def create(apps, schema_editor):
        connection = schema_editor.connection
        if stored_length:
            length = "text_length"
        else:
            length = "char_length(text)" if connection.vendor == "postgresql" else "length(text)"
        if connection.vendor == "postgresql":
            # A plain cursor: the schema editor would read plpgsql's % as a placeholder.
            with connection.cursor() as cursor:
                cursor.execute(POSTGRES_UP.format(length=length))
        elif connection.vendor == "sqlite":
            for event in ("INSERT", "UPDATE"):
                schema_editor.execute(SQLITE_UP.format(event=event, length=length))

    return create


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_annotation_within_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(triggers_drop, triggers_create(stored_length=False)),
        migrations.AddField(
            model_name="article",
            name="text_length",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="len(text) in code points, kept for span checks."
            ),
        ),
        migrations.RunPython(lengths_fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("text_length", django.db.models.functions.text.Length("text"))),
                name="article_text_length_matches",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="article",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="annotations",
                to="claims.article",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="author",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="annotations",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="tag",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="annotations",
                to="claims.tag",
            ),
        ),
        migrations.RunPython(triggers_create(stored_length=True), triggers_drop),
    ]
