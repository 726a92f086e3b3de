"""Articles, their sentences, the tag vocabulary and the annotations reviewers make."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length

from claims.ingest.types import BlockKind, MediaType

REVIEWER, EDITOR, READER = "reviewer", "editor", "reader"
ROLE_GROUPS = (REVIEWER, EDITOR, READER)


class Article(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        REVIEWED = "reviewed", "Reviewed"

    title = models.CharField(max_length=300)
    publisher = models.CharField(
        max_length=200, blank=True, help_text="The clinic, vendor or site that published it."
    )
    source_url = models.URLField(max_length=2000, blank=True)
    original_file = models.FileField(upload_to="originals/", blank=True, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    media_type = models.CharField(max_length=100, choices=[(m.value, m.name) for m in MediaType])
    original_size = models.PositiveBigIntegerField(default=0)
    text = models.TextField(help_text="Canonical extracted text; all offsets point into it.")
    text_length = models.PositiveIntegerField(
        default=0, editable=False, help_text="len(text) in code points, kept for span checks."
    )
    content_sha256 = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["publisher"], name="article_publisher_idx"),
            models.Index(fields=["status"], name="article_status_idx"),
            models.Index(fields=["-created_at"], name="article_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_sha256__regex=r"^[0-9a-f]{64}$"),
                name="article_sha256_is_hex",
            ),
            models.CheckConstraint(
                condition=Q(text_length=Length("text")), name="article_text_length_matches"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Sentence(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    index = models.PositiveIntegerField()
    block = models.PositiveIntegerField(
        default=0, help_text="Number of the block (heading, paragraph, ...) it belongs to."
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    kind = models.CharField(
        max_length=16,
        choices=[(k.value, k.name.replace("_", " ").lower()) for k in BlockKind],
        default=BlockKind.PARAGRAPH,
    )

    class Meta:
        ordering = ["article", "index"]
        constraints = [
            models.UniqueConstraint(fields=["article", "index"], name="sentence_unique_index"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="sentence_start_lt_end"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("text")), name="sentence_text_matches_span"
            ),
        ]
        indexes = [models.Index(fields=["article", "start"], name="sentence_article_start_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.index}: {self.text[:60]}"


class Tag(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=80, unique=True)
    definition = models.TextField()
    colour = models.CharField(max_length=7, help_text="#rrggbb")
    shortcut = models.CharField(max_length=1, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="tag_colour_is_hex"
            ),
            models.UniqueConstraint(
                fields=["shortcut"], condition=~Q(shortcut=""), name="tag_unique_shortcut"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def iri(self) -> str:
        return f"{settings.CLAIMSCOPE_TAG_IRI_BASE}{self.slug}"


class Annotation(models.Model):
    # No single-column indexes on the foreign keys: each leads a composite index below, and
    # every extra index slows every insert.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="annotations", db_index=False
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField(help_text="article.text[start:end], kept for W3C quote selectors.")
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, related_name="annotations", db_index=False
    )
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="annotations",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="annotation_start_lt_end"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")), name="annotation_quote_matches_span"
            ),
            models.UniqueConstraint(
                fields=["article", "start", "end", "tag", "author"],
                name="annotation_unique_span_tag_author",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "start"], name="annotation_article_start_idx"),
            models.Index(fields=["tag", "article"], name="annotation_tag_article_idx"),
            # Leads with author for a reviewer's own annotations; with tag last it also lets
            # counts per author and tag run off the index alone.
            models.Index(fields=["author", "article", "tag"], name="annotation_author_art_tag_idx"),
            models.Index(fields=["created_at"], name="annotation_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.article_id}[{self.start}:{self.end}]"
