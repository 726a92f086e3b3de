"""Admin pages for every model; articles are read-mostly because offsets depend on their text,
and sentences, annotations, assignments, decisions and history are read-only here: they change
through the app, which records every change in the history. The vocabulary has its own page
in the app (/vocabulary/edit/)."""

from django.contrib import admin

from claims.models import Annotation, Article, Assignment, Decision, Event, Reply, Sentence, Tag


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never written: a change made here would bypass the history."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SentenceInline(admin.TabularInline):
    model = Sentence
    fields = ("index", "kind", "start", "end", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "media_type", "status", "created_by", "created_at"]
    list_filter = ["status", "media_type", "publisher"]
    search_fields = ["title", "publisher", "source_url"]
    readonly_fields = [
        "text",
        "content_sha256",
        "media_type",
        "original",
        "original_filename",
        "original_size",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [SentenceInline]


# Sentences are the article's text cut at offsets that annotations point into: ingestion makes
# them, and a sentence added, changed or deleted here would move every annotation's meaning.
@admin.register(Sentence)
class SentenceAdmin(ReadOnlyAdmin):
    list_display = ["article", "index", "kind", "start", "end", "text"]
    list_filter = ["kind"]
    search_fields = ["text"]
    list_select_related = ["article"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "colour", "shortcut", "order", "archived"]
    list_editable = ["order", "archived"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Annotation)
class AnnotationAdmin(ReadOnlyAdmin):
    list_display = ["article", "tag", "author", "final", "start", "end", "quote", "created_at"]
    list_filter = ["final", "tag", "author"]
    search_fields = ["quote", "note"]
    list_select_related = ["article", "tag", "author"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["article", "reviewer", "assigned_by", "assigned_at", "done_at"]
    list_filter = ["reviewer"]
    list_select_related = ["article", "reviewer", "assigned_by"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["article", "sentence", "tag", "accepted", "decided_by", "decided_at", "comment"]
    list_filter = ["accepted", "tag"]
    list_select_related = ["article", "tag", "decided_by"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["annotation", "author", "created_at", "edited_at"]
    search_fields = ["body"]
    list_select_related = ["annotation", "author"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "article", "annotation_id", "actor"]
    list_filter = ["kind"]
    list_select_related = ["article", "actor"]
