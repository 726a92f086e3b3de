"""The API's input and output shapes; rules live in services, these only check types."""

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from claims.iris import tag_iri
from claims.models import (
    Annotation,
    Article,
    Assignment,
    Decision,
    Event,
    Sentence,
    SuggesterVersion,
    Suggestion,
    SuggestionRun,
    Tag,
)
from claims.selectors import GROUP_BY_KEYS
from claims.services.annotations import NOTE_MAX_CHARS
from claims.services.articles import TITLE_MAX
from claims.services.review import DECISION_COMMENT_MAX_CHARS
from claims.services.vocabulary import SHORTCUT_RULE

# --- Request bodies -------------------------------------------------------------------------

# An article's web address, checked as the schema states it: http(s), a host, no spaces or
# control characters. (Django's URLValidator refuses more than a JSON Schema can say, a host
# label over 63 characters for one, so a client could not know beforehand what it would
# refuse.) The ranges are spelt out: `\s` means more characters in Python than in JavaScript.
WEB_ADDRESS_PATTERN = r"^(https?://[^\x00-\x20\x7f/?#]+[^\x00-\x20\x7f]*)?$"


# What `str.strip()` removes, spelt out for the schema (JavaScript's `\s` differs).
PYTHON_WHITESPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)


def web_address_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        WEB_ADDRESS_PATTERN,
        allow_blank=True,
        trim_whitespace=False,
        max_length=2000,
        error_messages={"invalid": "Give an http:// or https:// address."},
        help_text="The article's address on the web: http:// or https://.",
        **kwargs,
    )


class InputSerializer(serializers.Serializer):
    """A request body of the declared fields and no other: a misspelt field is refused rather
    than ignored (which would answer as if it had been applied). The schema says so too."""

    schema_constraints: dict[str, Any] = {"additionalProperties": False}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                known = ", ".join(f"`{name}`" for name in self.fields)
                raise serializers.ValidationError(
                    {name: [f"There is no field `{name}`; give {known}."] for name in unknown}
                )
        if type(data) is dict:  # JSON, where types are the sender's (a form sends only text)
            wrong = {
                name: errors
                for name, value in data.items()
                if (errors := _type_errors(self.fields[name], value))
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        elif hasattr(data, "getlist"):  # a form: a flag is spelt as the schema's boolean
            wrong = {
                name: ["Must be true or false."]
                for name, value in data.items()
                if isinstance(self.fields[name], serializers.BooleanField)
                and str(value).lower() not in _FORM_BOOLEANS
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)


# DRF would also take 1, "yes" or "on"; the schema says boolean, which a form spells so.
_FORM_BOOLEANS = {"true", "false"}


# DRF would take "5" for a number, 1 for true, 5 for a string: in JSON the sender says which.
_JSON_TYPES: tuple[tuple[type[serializers.Field], tuple[type, ...]], ...] = (
    (serializers.BooleanField, (bool,)),
    (serializers.IntegerField, (int,)),
    (serializers.FloatField, (int, float)),
    (serializers.CharField, (str,)),
    (serializers.ChoiceField, (str,)),
    (serializers.ListField, (list,)),
)


def _type_errors(field: serializers.Field, value: Any) -> list[str] | dict[str, list[str]]:
    """DRF's messages for a value not of the JSON type `field` takes; for a list, by item
    number, as DRF reports its items."""
    if value is None:
        return []
    for kind, types in _JSON_TYPES:
        if isinstance(field, kind):
            if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
                return [_type_message(field, value)]
            if isinstance(field, serializers.ListField):
                items = {
                    str(n): _type_errors(field.child, v) for n, v in enumerate(cast(list, value))
                }
                return {n: errors for n, errors in items.items() if errors}  # type: ignore[misc]
            return []
    return []


def _type_message(field: serializers.Field, value: Any) -> str:
    """DRF's own message for a value of the wrong kind."""
    key = "invalid_choice" if isinstance(field, serializers.ChoiceField) else "invalid"
    if isinstance(field, serializers.ListField):
        key = "not_a_list"
    message = str(field.error_messages.get(key, "This value is of the wrong type."))
    return message.format(input=value, input_type=type(value).__name__)


class ChangesSerializer(InputSerializer):
    """A PATCH body: one or more of the declared fields."""

    schema_constraints = {"minProperties": 1, "additionalProperties": False}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            known = ", ".join(f"`{name}`" for name in self.fields)
            raise serializers.ValidationError(f"Give at least one of {known}.")
        return attrs


# --- Articles ---------------------------------------------------------------------------------


class ArticleSerializer(serializers.ModelSerializer):
    # Not a URLField: an article without a source has "" here, which is no URI.
    url = serializers.CharField(
        source="source_url", read_only=True, help_text="Where it was published (may be empty)."
    )
    created_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    sentence_count = serializers.IntegerField(read_only=True)
    annotation_count = serializers.IntegerField(
        read_only=True, help_text="Annotations on this article that you may see."
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "publisher",
            "url",
            "status",
            "language",
            "media_type",
            "original_filename",
            "original_size",
            "content_sha256",
            "sentence_count",
            "annotation_count",
            "created_by",
            "adjudicated_at",
            "suggestions_blind",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    text = serializers.CharField(
        read_only=True, help_text="The canonical text; every offset is a code point into it."
    )
    replaced_bytes = serializers.IntegerField(
        read_only=True,
        help_text="Damaged bytes of a UTF-8 upload, replaced with U+FFFD (�) in `text`; "
        "0 when the file decoded cleanly.",
    )

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "replaced_bytes", "text"]
        read_only_fields = fields


class ArticleUploadSerializer(InputSerializer):
    """Either a file (multipart) or pasted `text` (JSON or form), with optional metadata."""

    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = web_address_field(required=False)
    allow_near_duplicate = serializers.BooleanField(
        default=False,
        help_text="Store it even if most of its sentences are those of a stored article "
        "(which is otherwise refused with 409 `near_duplicate`).",
    )

    def validate_text(self, value: str) -> str:
        # The pipeline would call pasted text "the file"; say what was really sent.
        if not value.strip():
            raise serializers.ValidationError("The text is empty.", code="empty")
        return value

    def validate(self, attrs: dict) -> dict:
        if "file" in attrs and "text" in attrs:
            raise serializers.ValidationError("Send either a `file` or a `text`, not both.")
        if "file" not in attrs and "text" not in attrs:
            raise serializers.ValidationError("Send a `file` or a `text`; neither came.")
        return attrs


class ArticleTextUploadSerializer(ArticleUploadSerializer):
    """For the schema: the JSON body of an upload, pasted `text` with optional metadata."""

    file = None  # type: ignore[assignment]
    text = serializers.RegexField(
        rf"^[^\x00]*[^\x00{PYTHON_WHITESPACE}][^\x00]*$",
        trim_whitespace=False,
        help_text="Not only spaces.",
    )


class ArticleFileUploadSerializer(ArticleUploadSerializer):
    """For the schema: the multipart body of an upload, a `file` with optional metadata."""

    text = None  # type: ignore[assignment]
    file = serializers.FileField(use_url=False, allow_empty_file=True)


class ArticleUpdateSerializer(ChangesSerializer):
    title = serializers.CharField(required=False, max_length=TITLE_MAX)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = web_address_field(required=False)
    status = serializers.ChoiceField(required=False, choices=Article.Status.choices)
    suggestions_blind = serializers.BooleanField(
        required=False, help_text="Hide suggested tags from every reviewer (a blind pass)."
    )


class DuplicateArticleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(
        choices=["duplicate", "near_duplicate"],
        help_text="`duplicate`: the same text is stored. `near_duplicate`: most of its "
        "sentences are; send it again with `allow_near_duplicate=true` to store it anyway.",
    )
    article = serializers.IntegerField(help_text="The article that already has this content.")
    share = serializers.FloatField(
        required=False,
        help_text="`near_duplicate` only: the share (0 to 1) of the upload's sentences that "
        "the article has.",
    )


class SentenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sentence
        fields = ["index", "start", "end", "text", "kind", "block"]


# --- Vocabulary -------------------------------------------------------------------------------


class TagSerializer(serializers.ModelSerializer):
    iri = serializers.SerializerMethodField(help_text="Stable IRI used in W3C tagging bodies.")
    annotation_count = serializers.IntegerField(
        read_only=True, help_text="Annotations with this tag that you may see."
    )

    class Meta:
        model = Tag
        fields = [
            "slug",
            "name",
            "definition",
            "colour",
            "shortcut",
            "order",
            "archived",
            "iri",
            "annotation_count",
        ]
        read_only_fields = fields

    def get_iri(self, tag: Tag) -> str:
        return tag_iri(tag.slug, request=self.context["request"])


# DRF's default ("does not match the required pattern") would not say what a colour looks like.
COLOUR_ERRORS: dict[str, Any] = {"invalid": "“%(value)s” is not a colour like #c0392b."}


# What the vocabulary's names and definitions may not hold (claims.services.vocabulary refuses
# it): control characters, and bidirectional overrides (a definition may break lines).
TAG_TEXT_PATTERNS = {
    "name": {"pattern": "^[^\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$"},
    "definition": {
        "pattern": "^[^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$"
    },
}


def shortcut_field() -> serializers.RegexField:
    return serializers.RegexField(
        r"^[1-9]?$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": SHORTCUT_RULE},
        help_text="One digit from 1 to 9, or empty.",
    )


class TagCreateSerializer(InputSerializer):
    schema_properties = TAG_TEXT_PATTERNS
    slug = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=80)
    definition = serializers.CharField()
    colour = serializers.RegexField(
        r"^#[0-9a-fA-F]{6}$", help_text="#rrggbb", error_messages=COLOUR_ERRORS
    )
    shortcut = shortcut_field()
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)


class TagUpdateSerializer(ChangesSerializer):
    schema_properties = TAG_TEXT_PATTERNS
    name = serializers.CharField(required=False, max_length=80)
    definition = serializers.CharField(required=False)
    colour = serializers.RegexField(
        r"^#[0-9a-fA-F]{6}$", required=False, help_text="#rrggbb", error_messages=COLOUR_ERRORS
    )
    shortcut = shortcut_field()
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    archived = serializers.BooleanField(required=False)


# --- Annotations ------------------------------------------------------------------------------


class AnnotationSerializer(serializers.ModelSerializer):
    """The fields are declared for the schema; `to_representation` builds the same dict
    directly, because list pages of 500 rows spent most of their time in per-field calls."""

    tag: "serializers.SlugRelatedField[Tag]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    author: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    def to_representation(self, annotation: Annotation) -> dict:
        return {
            "id": annotation.pk,
            "article": annotation.article_id,
            "tag": annotation.tag.slug,
            "start": annotation.start,
            "end": annotation.end,
            "quote": annotation.quote,
            "prefix": annotation.prefix,
            "suffix": annotation.suffix,
            "note": annotation.note,
            "author": annotation.author.get_username(),
            "final": annotation.final,
            "from_suggestion": annotation.from_suggestion,
            "created_at": _timestamp(annotation.created_at),
            "updated_at": _timestamp(annotation.updated_at),
        }

    class Meta:
        model = Annotation
        fields = [
            "id",
            "article",
            "tag",
            "start",
            "end",
            "quote",
            "prefix",
            "suffix",
            "note",
            "author",
            "final",
            "from_suggestion",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "final": {"help_text": "An editor's adjudicated annotation rather than a review."},
            "from_suggestion": {"help_text": "Made by accepting a suggested tag."},
        }


def _timestamp(value: datetime) -> str:
    """As DRF's DateTimeField writes it (ISO 8601 in the current time zone, UTC as Z), at a
    tenth of the cost."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class AnnotationCreateSerializer(InputSerializer):
    article = serializers.IntegerField(min_value=1)
    tag = serializers.SlugField(max_length=50, help_text="The tag's slug, e.g. `price-claim`.")
    sentences = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        min_length=2,
        max_length=2,
        required=False,
        help_text="[first, last] sentence numbers (inclusive); the span runs from the first "
        "one's start to the last one's end.",
    )
    start = serializers.IntegerField(
        min_value=0, required=False, help_text="Code-point offset into the article text."
    )
    end = serializers.IntegerField(
        min_value=1, required=False, help_text="Code-point offset, exclusive."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_CHARS, trim_whitespace=False
    )

    def validate(self, attrs: dict) -> dict:
        has_sentences = "sentences" in attrs
        has_offsets = "start" in attrs or "end" in attrs
        if has_sentences == has_offsets:
            raise serializers.ValidationError(
                "Give either `sentences` or both `start` and `end`.", code="required"
            )
        if has_offsets and not ("start" in attrs and "end" in attrs):
            missing = "end" if "start" in attrs else "start"
            raise serializers.ValidationError({missing: "Give both `start` and `end`."})
        return attrs


class AnnotationBySentencesSerializer(AnnotationCreateSerializer):
    """For the schema: an annotation spanning whole sentences (no `start`/`end`)."""

    schema_constraints = {"additionalProperties": False}
    start = None  # type: ignore[assignment]
    end = None  # type: ignore[assignment]
    sentences = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        min_length=2,
        max_length=2,
        help_text="[first, last] sentence numbers (inclusive); the span runs from the first "
        "one's start to the last one's end.",
    )


class AnnotationByOffsetsSerializer(AnnotationCreateSerializer):
    """For the schema: an annotation of any span, by code-point offsets (no `sentences`)."""

    schema_constraints = {"additionalProperties": False}
    sentences = None  # type: ignore[assignment]
    start = serializers.IntegerField(min_value=0, help_text="Code-point offset into the text.")
    end = serializers.IntegerField(min_value=1, help_text="Code-point offset, exclusive.")


# An annotation to create, by sentences or by offsets, as the schema shows it.
ANNOTATION_CREATE_SCHEMA = PolymorphicProxySerializer(
    component_name="AnnotationCreate",
    serializers=[AnnotationBySentencesSerializer, AnnotationByOffsetsSerializer],
    resource_type_field_name=None,
)


class AnnotationBulkSerializer(InputSerializer):
    # many=True makes a ListSerializer, which takes the length bounds.
    annotations = AnnotationCreateSerializer(  # type: ignore[call-arg]
        many=True, allow_empty=False, max_length=settings.API_BULK_MAX
    )


class AnnotationBulkSchemaSerializer(AnnotationBulkSerializer):
    """For the schema: the bulk body with its items as single creations show them."""

    annotations = serializers.ListField(  # type: ignore[assignment]
        child=ANNOTATION_CREATE_SCHEMA, min_length=1, max_length=settings.API_BULK_MAX
    )


class AnnotationBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class AnnotationUpdateSerializer(ChangesSerializer):
    tag = serializers.SlugField(required=False, max_length=50)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_CHARS, trim_whitespace=False
    )


# --- Stats ------------------------------------------------------------------------------------


class TagCountRowSerializer(serializers.Serializer):
    """One row of `stats/tags/`: only the columns of the requested `group_by` appear."""

    publisher = serializers.CharField(required=False)
    article = serializers.IntegerField(required=False)
    article_title = serializers.CharField(required=False)
    author = serializers.CharField(required=False)
    tag = serializers.CharField(required=False)
    month = serializers.CharField(required=False, help_text="YYYY-MM (UTC)")
    annotations = serializers.IntegerField()
    articles = serializers.IntegerField(help_text="Distinct articles among those annotations.")


class TagCountsSerializer(serializers.Serializer):
    group_by = serializers.ListField(child=serializers.ChoiceField(choices=GROUP_BY_KEYS))
    results = TagCountRowSerializer(many=True)


# --- Assignments ------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    reviewer: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    assigned_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    article_title = serializers.CharField(source="article.title", read_only=True)
    done = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "article",
            "article_title",
            "reviewer",
            "assigned_by",
            "assigned_at",
            "done",
            "done_at",
            "blind",
        ]
        read_only_fields = fields

    def get_done(self, assignment: Assignment) -> bool:
        return assignment.done_at is not None


class AssignmentCreateSerializer(InputSerializer):
    articles = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=1000
    )
    reviewers = serializers.ListField(
        child=serializers.CharField(max_length=150),
        allow_empty=False,
        max_length=50,
        help_text="Usernames of reviewers.",
    )
    blind = serializers.BooleanField(
        default=False, help_text="The reviewers see no suggested tags (a blind first pass)."
    )


class AssignmentCreateResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="New assignments; existing pairs are kept.")
    assignments = AssignmentSerializer(many=True)


class AssignmentUpdateSerializer(ChangesSerializer):
    done = serializers.BooleanField(
        required=False, help_text="The reviewer's review of the article is done."
    )
    blind = serializers.BooleanField(
        required=False, help_text="Editors only: hide suggested tags from the reviewer."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give `done`, `blind` or both.")
        return attrs


class AssignmentMarkedSerializer(AssignmentSerializer):
    """An assignment after a change, with how much of the article its reviewer has not read
    yet: marking a review done with sentences unread is allowed, and said."""

    sentences_read = serializers.IntegerField(read_only=True)
    sentences_unread = serializers.IntegerField(read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "sentences_read", "sentences_unread"]
        read_only_fields = fields


# --- Read-through -----------------------------------------------------------------------------


class ReadThroughSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    reviewer = serializers.CharField(help_text="Whose read-through it is (a username).")
    read_up_to = serializers.IntegerField(
        allow_null=True,
        help_text="The last sentence read (its index); every sentence before it is read too. "
        "null before the first.",
    )
    read = serializers.IntegerField(help_text="How many sentences are read.")
    unread = serializers.IntegerField(help_text="How many are not read yet.")
    total = serializers.IntegerField(help_text="How many sentences the article has.")
    updated_at = serializers.DateTimeField(allow_null=True)


class ReadThroughUpdateSerializer(InputSerializer):
    read_up_to = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        help_text="The last sentence read. An index below the stored one leaves it as it is.",
    )


# --- Adjudication -----------------------------------------------------------------------------


class ProposalSerializer(serializers.Serializer):
    tag = serializers.CharField()
    tag_name = serializers.CharField()
    colour = serializers.CharField()
    by = serializers.ListField(child=serializers.CharField(), help_text="Coders who gave it.")
    unanimous = serializers.BooleanField()
    accepted = serializers.BooleanField(allow_null=True, help_text="null while undecided.")
    comment = serializers.CharField(
        allow_blank=True, help_text="The editor's comment on the decision (empty when none)."
    )


class GridMarkSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The reviewer's annotation.")
    tag = serializers.CharField()
    start = serializers.IntegerField(help_text="The annotation's own span, in code points.")
    end = serializers.IntegerField()
    quote = serializers.CharField(help_text="The part of this sentence the annotation covers.")
    note = serializers.CharField(allow_blank=True)
    whole = serializers.BooleanField(help_text="It covers the whole sentence.")


class GridCellSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="coder")
    tags = serializers.ListField(child=serializers.CharField())
    annotations = GridMarkSerializer(many=True, source="marks")


class GridRowSerializer(serializers.Serializer):
    sentence = serializers.IntegerField(source="index")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    cells = GridCellSerializer(many=True)
    proposals = ProposalSerializer(many=True)
    disagreement = serializers.BooleanField()


class GridSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    status = serializers.CharField()
    adjudicated_at = serializers.DateTimeField(allow_null=True)
    reviewers = serializers.ListField(child=serializers.CharField(), source="coders")
    pending = serializers.IntegerField(help_text="Proposed tags without a decision.")
    decided = serializers.IntegerField()
    unanimous_pending = serializers.IntegerField()
    disagreements = serializers.IntegerField(help_text="Sentences the reviewers tag differently.")
    rows = GridRowSerializer(many=True)


class DecisionCreateSerializer(InputSerializer):
    sentence = serializers.IntegerField(min_value=0, help_text="The sentence's number.")
    tag = serializers.SlugField(max_length=50)
    accept = serializers.BooleanField(help_text="true accepts the tag, false rejects it.")
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=DECISION_COMMENT_MAX_CHARS,
        help_text="The editor's reason, shown to reviewers once the adjudication is finished "
        "and carried by the exports; empty removes it, absent leaves it as it is.",
    )


class DecisionSerializer(serializers.ModelSerializer):
    tag: "serializers.SlugRelatedField[Tag]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    decided_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Decision
        fields = [
            *("id", "article", "sentence", "tag", "accepted", "decided_by", "decided_at"),
            "comment",
        ]
        read_only_fields = fields


class UnanimousResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Tags accepted by this request.")


# --- History ----------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    actor: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    # A field named like Serializer.data: DRF's metaclass takes declared fields off the class.
    data = serializers.JSONField(  # type: ignore[assignment]
        read_only=True,
        help_text="The annotation's tag, note, span and quote; for a change, `before` and "
        "`after` of the fields that changed; for a decision, the sentence and tag.",
    )

    class Meta:
        model = Event
        fields = ["id", "article", "annotation_id", "kind", "kind_label", "actor", "at", "data"]
        read_only_fields = fields


# --- Agreement --------------------------------------------------------------------------------


class TagAgreementSerializer(serializers.Serializer):
    tag = serializers.CharField(help_text="A tag slug; empty for the row pooling every tag.")
    tag_name = serializers.CharField()
    units = serializers.IntegerField(help_text="Sentences (sentence-tag pairs when pooled).")
    positive = serializers.IntegerField(help_text="Units at least one reviewer tagged.")
    percent_agreement = serializers.FloatField(allow_null=True)
    cohen_kappa = serializers.FloatField(
        allow_null=True, help_text="Only with exactly two reviewers; null when undefined."
    )
    krippendorff_alpha = serializers.FloatField(allow_null=True, help_text="Nominal.")


class AgreementSerializer(serializers.Serializer):
    articles = serializers.IntegerField(help_text="Articles with two or more reviewers.")
    sentences = serializers.IntegerField()
    coders = serializers.ListField(child=serializers.CharField())
    tags = TagAgreementSerializer(many=True)
    overall = TagAgreementSerializer(allow_null=True)


# --- Suggested tags ---------------------------------------------------------------------------


class SuggestionSerializer(serializers.Serializer):
    """The fields are declared for the schema; `to_representation` builds the same dict
    directly, as AnnotationSerializer does: an article's 1,500 suggestions otherwise spend
    most of the annotation page's wait in per-field calls."""

    id = serializers.IntegerField()
    article = serializers.IntegerField(source="article_id")
    sentence = serializers.IntegerField(help_text="The sentence's index in the article.")
    start = serializers.IntegerField(help_text="Code-point offset into the article's text.")
    end = serializers.IntegerField()
    tag = serializers.CharField(source="tag.slug")
    score = serializers.FloatField(help_text="0 to 1: how sure the model is.")
    reason = serializers.CharField(help_text="One line on what made the model suggest it.")
    shown = serializers.BooleanField(help_text="The score reaches the tag's threshold.")
    model = serializers.CharField(source="model.version")
    state = serializers.ChoiceField(
        choices=["open", "accepted", "dismissed"], help_text="Your answer to it."
    )
    annotation = serializers.IntegerField(
        source="annotation_id", allow_null=True, help_text="The annotation your accept made."
    )

    def to_representation(self, suggestion: Suggestion) -> dict:
        return {
            "id": suggestion.pk,
            "article": suggestion.article_id,
            "sentence": suggestion.sentence,
            "start": suggestion.start,
            "end": suggestion.end,
            "tag": suggestion.tag.slug,
            "score": suggestion.score,
            "reason": suggestion.reason,
            "shown": suggestion.shown,
            "model": suggestion.model.version,
            "state": suggestion.state,  # type: ignore[attr-defined]  # annotated by the selector
            "annotation": suggestion.annotation_id,  # type: ignore[attr-defined]
        }


class SuggestionListSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    model = serializers.CharField(help_text="The active model version.")
    blind = serializers.BooleanField(
        help_text="Suggestions are hidden from you on this article (a blind review): "
        "`results` is empty."
    )
    results = SuggestionSerializer(many=True)


class SuggestionAcceptResultSerializer(serializers.Serializer):
    suggestion = serializers.IntegerField()
    annotation = AnnotationSerializer()


class SuggestionTagAcceptSerializer(InputSerializer):
    tag = serializers.SlugField(max_length=50, help_text="Accept every open suggestion of it.")
    min_score = serializers.FloatField(min_value=0, max_value=1, required=False)


class SuggestionTagAcceptResultSerializer(serializers.Serializer):
    accepted = SuggestionAcceptResultSerializer(many=True)


class SuggestionReopenSerializer(InputSerializer):
    suggestions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=5000
    )


class SuggestionReopenResultSerializer(serializers.Serializer):
    reopened = serializers.IntegerField()


class SuggesterVersionSerializer(serializers.ModelSerializer):
    trained_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="null: shipped."
    )

    class Meta:
        model = SuggesterVersion
        fields = ["version", "active", "figures", "trained_by", "created_at"]
        read_only_fields = fields


class SuggestionRunSerializer(serializers.ModelSerializer):
    model: "serializers.SlugRelatedField[SuggesterVersion]" = serializers.SlugRelatedField(
        slug_field="version", read_only=True
    )
    started_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = SuggestionRun
        fields = [
            "id",
            "model",
            "state",
            "total",
            "done",
            "error",
            "started_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class SuggestionRunCreateSerializer(InputSerializer):
    model = serializers.CharField(
        max_length=64, required=False, help_text="A version; the active one if left out."
    )
