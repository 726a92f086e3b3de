"""Articles, their sentences, the tag vocabulary and the annotations reviewers make."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from claims.ingest.types import BlockKind, MediaType

REVIEWER, EDITOR, READER = "reviewer", "editor", "reader"
ROLE_GROUPS = (REVIEWER, EDITOR, READER)


class OriginalManager(models.Manager["Original"]):
    """Never reads the bytes unless asked: they are streamed in chunks on download."""

    def get_queryset(self) -> models.QuerySet["Original"]:
        return super().get_queryset().defer("data")


class Original(models.Model):
    """An uploaded file's bytes, stored once per content (the SHA-256 of the bytes).

    By default the bytes are in `data`, in the database, written in the same transaction as
    the article that holds them; with ORIGINALS_STORAGE=files they are in the `originals`
    storage under `storage_name` instead. `held_at` marks an upload waiting for its uploader
    to confirm a near-duplicate (see claims.services.originals)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    data = models.BinaryField(null=True, editable=False)
    storage_name = models.CharField(max_length=300, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OriginalManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="original_sha256_is_hex"
            ),
            models.CheckConstraint(
                condition=Q(data__isnull=False, storage_name="")
                | Q(data__isnull=True) & ~Q(storage_name=""),
                name="original_bytes_in_one_place",
            ),
        ]
        indexes = [models.Index(fields=["held_at"], name="original_held_idx")]

    def __str__(self) -> str:
        return self.sha256


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
    original = models.ForeignKey(
        Original,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The uploaded bytes; none for articles imported from a corpus export.",
    )
    original_filename = models.CharField(max_length=255, blank=True)
    media_type = models.CharField(max_length=100, choices=[(m.value, m.name) for m in MediaType])
    original_size = models.PositiveBigIntegerField(default=0)
    text = models.TextField(help_text="Canonical extracted text; all offsets point into it.")
    text_length = models.PositiveIntegerField(
        default=0, editable=False, help_text="len(text) in code points, kept for span checks."
    )
    replaced_bytes = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Damaged bytes of a UTF-8 upload that became U+FFFD (�) in the text.",
    )
    content_sha256 = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="articles"
    )
    adjudicated_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor finished deciding its final tags."
    )
    suggestions_blind = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Hide suggested tags from every reviewer of this article (a blind pass).",
    )
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
    claim_text = models.TextField(
        default="",
        db_default="",
        editable=False,
        help_text="The text compared to find the same claim elsewhere (claims.similar.normalise).",
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


class SentenceFingerprint(models.Model):
    """One distinct sentence of an article, by the hash of its normalised text
    (claims.ingest.fingerprints): the index an upload is looked up in to find the article it
    nearly duplicates."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="fingerprints", db_index=False
    )
    hash = models.BigIntegerField()

    class Meta:
        constraints = [
            # Leads with the hash: the look-up of an upload's hashes runs off this index.
            models.UniqueConstraint(fields=["hash", "article"], name="fingerprint_unique_hash"),
        ]
        indexes = [models.Index(fields=["article"], name="fingerprint_article_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.hash}"


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
    # A final annotation is one an editor accepted in adjudication: a whole sentence, one per
    # sentence and tag, authored by that editor. Review annotations are everyone else's work.
    final = models.BooleanField(default=False, db_default=False)
    from_suggestion = models.BooleanField(
        default=False, db_default=False, help_text="Made by accepting a suggested tag."
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
                condition=Q(final=False),
                name="annotation_unique_span_tag_author",
            ),
            models.UniqueConstraint(
                fields=["article", "start", "end", "tag"],
                condition=Q(final=True),
                name="annotation_unique_final_span_tag",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "start"], name="annotation_article_start_idx"),
            # The counting indexes cover review annotations only, which is what counts ask for:
            # PostgreSQL then still counts straight off them.
            models.Index(
                fields=["tag", "article"], condition=Q(final=False), name="annotation_rev_tag_idx"
            ),
            # Leads with author for a reviewer's own annotations; with tag last it also lets
            # counts per author and tag run off the index alone.
            models.Index(
                fields=["author", "article", "tag"],
                condition=Q(final=False),
                name="annotation_rev_author_idx",
            ),
            models.Index(fields=["created_at"], name="annotation_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.article_id}[{self.start}:{self.end}]"


class Assignment(models.Model):
    """An editor asked a reviewer to review an article; `done_at` is set when they say so."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    blind = models.BooleanField(
        default=False, db_default=False, help_text="The reviewer sees no suggested tags."
    )

    class Meta:
        ordering = ["article", "reviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer"], name="assignment_unique_article_reviewer"
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "article"], name="assignment_reviewer_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.reviewer_id}"


class ReadThrough(models.Model):
    """How far a reviewer has read an article: every sentence up to `read_up_to` (an index)
    is read, from the first one on. One row per reviewer and article, only ever moved on."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_throughs")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_throughs"
    )
    read_up_to = models.PositiveIntegerField(help_text="The last sentence read (its index).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer"], name="readthrough_unique_article_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} read {self.article_id} up to {self.read_up_to}"


class Decision(models.Model):
    """An editor's verdict on one tag for one sentence: accepted ones are the final annotations."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="decisions")
    sentence = models.PositiveIntegerField(help_text="The sentence's index in the article.")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="decisions")
    accepted = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    decided_at = models.DateTimeField(auto_now=True)
    comment = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="The editor's word on the decision, for the reviewers and the exports.",
    )

    class Meta:
        ordering = ["article", "sentence", "tag__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "sentence", "tag"], name="decision_unique_sentence_tag"
            ),
        ]

    def __str__(self) -> str:
        verdict = "accepted" if self.accepted else "rejected"
        return f"{self.tag_id} on {self.article_id}#{self.sentence} {verdict}"


REPLY_MAX_CHARS = 5_000


class Reply(models.Model):
    """A message in the thread under an annotation: its reviewer and the editors discussing
    it. Only its author edits or deletes it; it goes when the annotation goes."""

    annotation = models.ForeignKey(
        Annotation, on_delete=models.CASCADE, related_name="replies", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="replies"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["annotation_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(body__regex=r"\S"), name="reply_body_not_blank"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), REPLY_MAX_CHARS),
                name="reply_body_bounded",
            ),
        ]
        indexes = [models.Index(fields=["annotation", "id"], name="reply_annotation_idx")]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"reply {self.pk} on {self.annotation_id} by {self.author_id}"


class Event(models.Model):
    """One step in an article's history: an annotation made, changed or deleted, a tag accepted
    or rejected in adjudication, an assignment. Never updated, and it outlives the annotation
    it names (`annotation_id` is a plain number, not a foreign key)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        ADJUDICATED = "adjudicated", "Adjudication finished"
        ASSIGNED = "assigned", "Assigned"
        UNASSIGNED = "unassigned", "Unassigned"
        REVIEW_DONE = "review_done", "Review done"
        REVIEW_REOPENED = "review_reopened", "Review reopened"
        REPLIED = "replied", "Replied"
        REPLY_EDITED = "reply_edited", "Reply edited"
        REPLY_DELETED = "reply_deleted", "Reply deleted"
        COMMENTED = "commented", "Decision commented"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    annotation_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    # What the step was about: an annotation's fields ({"tag", "note", "start", "end", ...});
    # for a change, {"before": {...}, "after": {...}} of the fields that changed.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["article", "id"], name="event_article_idx"),
            models.Index(fields=["annotation_id", "id"], name="event_annotation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.article_id} by {self.actor_id}"


class SuggesterVersion(models.Model):
    """A trained suggestion model, stored as data (vocabulary, weights, thresholds as JSON):
    never a pickle. Exactly one version is active; its suggestions are the ones shown."""

    version = models.CharField(max_length=64, unique=True)
    weights = models.TextField(help_text="The model as JSON (claims.suggest.model).")
    figures = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=False, db_default=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="suggester_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.version


class Suggestion(models.Model):
    """A tag a model version proposes for one sentence. It becomes an annotation only when a
    reviewer accepts it; each reviewer accepts or dismisses it for themselves."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    sentence = models.PositiveIntegerField(help_text="The sentence's index in the article.")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="suggestions")
    model = models.ForeignKey(
        SuggesterVersion, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    score = models.FloatField()
    reason = models.CharField(max_length=200, blank=True)
    shown = models.BooleanField(help_text="The score reaches the version's threshold for the tag.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "sentence", "tag__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "model", "sentence", "tag"], name="suggestion_unique"
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="suggestion_start_lt_end"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="suggestion_score_in_range"
            ),
        ]
        indexes = [
            # The unique constraint serves per-article reads; this one serves per-model ones
            # (the corpus run's "articles without suggestions", a version's figures).
            models.Index(fields=["model", "tag"], name="suggestion_model_tag_idx"),
            # A reviewer's answer holds for a sentence and tag under every version: the
            # per-row look-up of it seeks on this.
            models.Index(fields=["article", "sentence", "tag"], name="suggestion_sentence_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id}? on {self.article_id}#{self.sentence} ({self.score:.2f})"


class SuggestionReview(models.Model):
    """One reviewer's answer to a suggestion: accepted (with the annotation it made) or
    dismissed. No row means the suggestion is still open for that reviewer."""

    class State(models.TextChoices):
        ACCEPTED = "accepted"
        DISMISSED = "dismissed"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_reviews"
    )
    state = models.CharField(max_length=10, choices=State.choices)
    annotation = models.ForeignKey(
        Annotation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["suggestion", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "reviewer"], name="suggestion_review_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.state} by {self.reviewer_id}"


class SuggestionRun(models.Model):
    """A background run computing suggestions for many articles, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        FINISHED = "finished"
        FAILED = "failed"

    model = models.ForeignKey(SuggesterVersion, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk}: {self.done}/{self.total} {self.state}"


class ClaimCluster(models.Model):
    """Tagged sentences of two or more articles that make one claim (claims.similar.clusters),
    with what the list shows stored so that listing them reads no members."""

    representative = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    claim_key = models.TextField(
        help_text="The representative's claim key (claims.similar.normalise.claim_key): what "
        "a new sentence is compared with to join the cluster."
    )
    publisher_count = models.PositiveIntegerField(default=0)
    article_count = models.PositiveIntegerField(default=0)
    member_count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(
        null=True, blank=True, help_text="When the earliest article holding it was stored."
    )
    last_seen = models.DateTimeField(
        null=True, blank=True, help_text="When the latest article holding it was stored."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="clusters")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-publisher_count", "-article_count", "id"]
        indexes = [
            models.Index(
                fields=["-publisher_count", "-article_count", "id"], name="cluster_publishers_idx"
            )
        ]

    def __str__(self) -> str:
        return f"cluster {self.pk}: {self.article_count} articles"


class ClusterMember(models.Model):
    """A sentence in a cluster; a sentence is in one cluster at most."""

    cluster = models.ForeignKey(ClaimCluster, on_delete=models.CASCADE, related_name="members")
    sentence = models.OneToOneField(
        Sentence, on_delete=models.CASCADE, related_name="cluster_membership"
    )

    class Meta:
        ordering = ["cluster", "sentence"]
        indexes = [models.Index(fields=["cluster", "sentence"], name="cluster_member_idx")]

    def __str__(self) -> str:
        return f"{self.sentence_id} in {self.cluster_id}"


class ClusterJob(models.Model):
    """A background rebuild of every cluster, with its progress in steps."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        FINISHED = "finished"
        FAILED = "failed"

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=80, blank=True, help_text="What the job is doing now.")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0, help_text="Clusters made, once finished.")
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"cluster job {self.pk}: {self.done}/{self.total} {self.state}"
