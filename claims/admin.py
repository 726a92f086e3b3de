"""Admin pages for every model; articles are read-mostly because offsets depend on their text."""

from django.contrib import admin

from claims.models import Annotation, Article, Sentence, Tag


class SentenceInline(admin.TabularInline):
    model = Sentence
    fields = ["index", "kind", "start", "end", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
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
        "original_file",
        "original_filename",
        "original_size",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [SentenceInline]


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ["article", "index", "kind", "start", "end", "text"]
    list_filter = ["kind"]
    search_fields = ["text"]
    list_select_related = ["article"]
    readonly_fields = ["article", "index", "start", "end", "text", "kind"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "colour", "shortcut", "order", "archived"]
    list_editable = ["order", "archived"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["article", "tag", "author", "start", "end", "quote", "created_at"]
    list_filter = ["tag", "author"]
    search_fields = ["quote", "note"]
    list_select_related = ["article", "tag", "author"]
    raw_id_fields = ["article"]
    readonly_fields = ["quote", "prefix", "suffix", "created_at", "updated_at"]
