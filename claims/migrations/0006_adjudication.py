"""Assignments, adjudication decisions, final annotations and the history table.

SQLite rebuilds the annotation table to add `final`, which drops its span triggers: they are
dropped first and made again last, as in 0004."""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


span_triggers = import_module("claims.migrations.0004_article_text_length")
triggers_drop = span_triggers.triggers_drop
triggers_create = span_triggers.triggers_create(stored_length=True)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_annotation_author_article_tag_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(triggers_drop, triggers_create),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("assigned_at", models.DateTimeField(auto_now_add=True)),
                ("done_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["article", "reviewer__username"],
            },
        ),
        migrations.CreateModel(
            name="Decision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "sentence",
                    models.PositiveIntegerField(help_text="The sentence's index in the article."),
                ),
                ("accepted", models.BooleanField()),
                ("decided_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["article", "sentence", "tag__order"],
            },
        ),
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("annotation_id", models.PositiveBigIntegerField(blank=True, null=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("created", "Created"),
                            ("changed", "Changed"),
                            ("deleted", "Deleted"),
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                            ("adjudicated", "Adjudication finished"),
                            ("assigned", "Assigned"),
                            ("unassigned", "Unassigned"),
                            ("review_done", "Review done"),
                            ("review_reopened", "Review reopened"),
                        ],
                        max_length=20,
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
                ("data", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="annotation",
            name="annotation_unique_span_tag_author",
        ),
        migrations.RemoveIndex(
            model_name="annotation",
            name="annotation_tag_article_idx",
        ),
        migrations.RemoveIndex(
            model_name="annotation",
            name="annotation_author_art_tag_idx",
        ),
        migrations.AddField(
            model_name="annotation",
            name="final",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name="article",
            name="adjudicated_at",
            field=models.DateTimeField(
                blank=True, help_text="When an editor finished deciding its final tags.", null=True
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="adjudicated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("final", False)),
                fields=["tag", "article"],
                name="annotation_rev_tag_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("final", False)),
                fields=["author", "article", "tag"],
                name="annotation_rev_author_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("final", False)),
                fields=("article", "start", "end", "tag", "author"),
                name="annotation_unique_span_tag_author",
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("final", True)),
                fields=("article", "start", "end", "tag"),
                name="annotation_unique_final_span_tag",
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assignments",
                to="claims.article",
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="assigned_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="reviewer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assignments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="decisions",
                to="claims.article",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="decided_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="tag",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="claims.tag",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="actor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="claims.article",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["reviewer", "article"], name="assignment_reviewer_idx"),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.UniqueConstraint(
                fields=("article", "reviewer"), name="assignment_unique_article_reviewer"
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                fields=("article", "sentence", "tag"), name="decision_unique_sentence_tag"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["article", "id"], name="event_article_idx"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["annotation_id", "id"], name="event_annotation_idx"),
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
