"""Suggested tags: model versions, their suggestions, each reviewer's answer to them, and
corpus-wide runs; annotations remember whether they came from a suggestion.

The shipped default version (claims/suggest/models/default.json, built from the project's
own training corpus) is installed and made active here, so a fresh install suggests tags
right after `migrate`. SQLite rebuilds the article and annotation tables to add columns,
which breaks the span triggers: they are dropped first and made again last, as in 0004."""

import json
from importlib import import_module
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

span_triggers = import_module("claims.migrations.0004_article_text_length")
triggers_drop = span_triggers.triggers_drop
triggers_create = span_triggers.triggers_create(stored_length=True)

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "suggest" / "models" / "default.json"


def default_version_install(apps, schema_editor):
    SuggesterVersion = apps.get_model("claims", "SuggesterVersion")
    weights = DEFAULT_MODEL.read_text(encoding="utf-8")
    data = json.loads(weights)
    SuggesterVersion.objects.update_or_create(
        version=data["version"],
        defaults={"weights": weights, "figures": data.get("figures", {}), "active": True},
    )


def default_version_remove(apps, schema_editor):
    apps.get_model("claims", "SuggesterVersion").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0007_article_replaced_bytes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(triggers_drop, triggers_create),
        migrations.AddField(
            model_name='annotation',
            name='from_suggestion',
            field=models.BooleanField(db_default=False, default=False, help_text='Made by accepting a suggested tag.'),
        ),
        migrations.AddField(
            model_name='article',
            name='suggestions_blind',
            field=models.BooleanField(db_default=False, default=False, help_text='Hide suggested tags from every reviewer of this article (a blind pass).'),
        ),
        migrations.AddField(
            model_name='assignment',
            name='blind',
            field=models.BooleanField(db_default=False, default=False, help_text='The reviewer sees no suggested tags.'),
        ),
        migrations.CreateModel(
            name='SuggesterVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.CharField(max_length=64, unique=True)),
                ('weights', models.TextField(help_text='The model as JSON (claims.suggest.model).')),
                ('figures', models.JSONField(blank=True, default=dict)),
                ('active', models.BooleanField(db_default=False, default=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('trained_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Suggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sentence', models.PositiveIntegerField(help_text="The sentence's index in the article.")),
                ('start', models.PositiveIntegerField()),
                ('end', models.PositiveIntegerField()),
                ('score', models.FloatField()),
                ('reason', models.CharField(blank=True, max_length=200)),
                ('shown', models.BooleanField(help_text="The score reaches the version's threshold for the tag.")),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='claims.article')),
                ('model', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='claims.suggesterversion')),
                ('tag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='claims.tag')),
            ],
            options={
                'ordering': ['article', 'sentence', 'tag__order'],
            },
        ),
        migrations.CreateModel(
            name='SuggestionReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('accepted', 'Accepted'), ('dismissed', 'Dismissed')], max_length=10)),
                ('at', models.DateTimeField(auto_now=True)),
                ('annotation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='claims.annotation')),
                ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestion_reviews', to=settings.AUTH_USER_MODEL)),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='claims.suggestion')),
            ],
            options={
                'ordering': ['suggestion', 'reviewer'],
            },
        ),
        migrations.CreateModel(
            name='SuggestionRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('finished', 'Finished'), ('failed', 'Failed')], default='queued', max_length=10)),
                ('total', models.PositiveIntegerField(default=0)),
                ('done', models.PositiveIntegerField(default=0)),
                ('error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('model', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='runs', to='claims.suggesterversion')),
                ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddConstraint(
            model_name='suggesterversion',
            constraint=models.UniqueConstraint(condition=models.Q(('active', True)), fields=('active',), name='suggester_one_active'),
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(fields=['model', 'tag'], name='suggestion_model_tag_idx'),
        ),
        migrations.AddConstraint(
            model_name='suggestion',
            constraint=models.UniqueConstraint(fields=('article', 'model', 'sentence', 'tag'), name='suggestion_unique'),
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(fields=['article', 'sentence', 'tag'], name='suggestion_sentence_idx'),
        ),
        migrations.AddConstraint(
            model_name='suggestion',
            constraint=models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='suggestion_start_lt_end'),
        ),
        migrations.AddConstraint(
            model_name='suggestion',
            constraint=models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 1)), name='suggestion_score_in_range'),
        ),
        migrations.AddConstraint(
            model_name='suggestionreview',
            constraint=models.UniqueConstraint(fields=('suggestion', 'reviewer'), name='suggestion_review_unique'),
        ),
        migrations.RunPython(triggers_create, triggers_drop),
        migrations.RunPython(default_version_install, default_version_remove),
    ]
