"""How many damaged bytes of a UTF-8 upload were replaced.

SQLite rebuilds the article table to add the column, which breaks the annotation span
triggers that read it: they are dropped first and made again last, as in 0004 and 0006."""

from importlib import import_module

from django.db import migrations, models

span_triggers = import_module("claims.migrations.0004_article_text_length")
triggers_drop = span_triggers.triggers_drop
triggers_create = span_triggers.triggers_create(stored_length=True)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_adjudication"),
    ]

    operations = [
        migrations.RunPython(triggers_drop, triggers_create),
        migrations.AddField(
            model_name="article",
            name="replaced_bytes",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Damaged bytes of a UTF-8 upload that became U+FFFD (�) in the text.",
            ),
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
