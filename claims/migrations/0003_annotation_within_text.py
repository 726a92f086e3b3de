"""Enforce in the database that an annotation's span lies inside its article's text.

A CHECK constraint cannot look at another table, so this is a trigger, written for
PostgreSQL (production, CI) and SQLite (the zero-setup default).
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION claims_annotation_within_text() RETURNS trigger AS $$
BEGIN
    IF NEW."end" > (SELECT char_length(text) FROM claims_article WHERE id = NEW.article_id) THEN
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
SQLITE_CHECK = """
CREATE TRIGGER claims_annotation_within_text_{event}
BEFORE {event} ON claims_annotation
WHEN NEW."end" > (SELECT length(text) FROM claims_article WHERE id = NEW.article_id)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: annotation end is past the article text');
END;
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # A plain cursor: the schema editor would read plpgsql's % as a placeholder.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(SQLITE_CHECK.format(event=event))


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS claims_annotation_within_text_{event}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_roles_and_default_tags")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
