"""Bulk article upload over REST: many articles as JSON in one request, each stored or refused
on its own (or all or none), with its outcome in the answer."""

import base64
import binascii
from typing import Any, cast

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.errors import refusals_status
from claims.api.serializers import InputSerializer, web_address_field
from claims.permissions import ANNOTATORS, acting_user
from claims.services.articles import TITLE_MAX, Upload
from claims.services.bulk_articles import (
    ArticleDraft,
    BulkOutcome,
    BulkRefused,
    articles_bulk_ingest,
)

# --- Shapes -----------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "byte", "description": "Base64 (RFC 4648)."})
class Base64BytesField(serializers.Field):
    default_error_messages = {
        "type": "Send the file's bytes as a base64 string.",
        "invalid": "This is not valid base64.",
    }

    def to_internal_value(self, data: Any) -> bytes:
        if not isinstance(data, str):
            self.fail("type")
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            self.fail("invalid")

    def to_representation(self, value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")


class ArticleBulkItemSerializer(InputSerializer):
    """One article: pasted `text`, or a base64 `file` with its `filename`; optional metadata."""

    # For the schema (claims.api.schema): what `validate` asks, one of `text` or `file`.
    schema_constraints = {
        "additionalProperties": False,
        "oneOf": [
            {
                "required": ["text"],
                "not": {"anyOf": [{"required": ["file"]}, {"required": ["filename"]}]},
            },
            {"required": ["file"], "not": {"required": ["text"]}},
        ],
    }

    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    file = Base64BytesField(required=False)
    filename = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="The file's name; its extension helps tell the format.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = web_address_field(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "file" in attrs and "text" in attrs:
            raise serializers.ValidationError("Send either a `file` or a `text`, not both.")
        if "file" not in attrs and "text" not in attrs:
            raise serializers.ValidationError("Send a `file` or a `text`; neither came.")
        if "filename" in attrs and "file" not in attrs:
            raise serializers.ValidationError("A `filename` goes with a `file`.")
        return attrs


class ArticleBulkSerializer(InputSerializer):
    articles = ArticleBulkItemSerializer(
        many=True,
        allow_empty=False,
        help_text="Up to MAX_BULK_ARTICLES (default 1,000) articles, stored in this order.",
    )
    atomic = serializers.BooleanField(
        default=False,
        help_text="`true`: all or none. If any article is refused, none is stored and the "
        "answer is 409 with every article's outcome.",
    )
    allow_near_duplicate = serializers.BooleanField(
        default=False,
        help_text="Store articles even if most of their sentences are those of a stored "
        "article or of an earlier article of this request (otherwise each such one is "
        "refused as `near_duplicate`).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when the request comes, so that the setting can change (and in tests).
        articles = cast(serializers.ListSerializer, self.fields["articles"])
        articles.max_length = settings.MAX_BULK_ARTICLES  # type: ignore[attr-defined]


class ArticleBulkOutcomeSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The article's place in the request, from 0.")
    status = serializers.ChoiceField(
        choices=["created", "duplicate", "near_duplicate", "error", "valid"],
        help_text="`created`: stored as `id`. `duplicate`: the same text is stored as `id`. "
        "`near_duplicate`: most of its sentences are in article `id` (`share`). `error`: "
        "refused (`detail`, `code`, `field`). `valid`: good, but not stored because an "
        "all-or-none request refused another article.",
    )
    id = serializers.IntegerField(
        required=False, help_text="The new article, or the stored one it duplicates."
    )
    item = serializers.IntegerField(
        required=False,
        help_text="All-or-none only: the earlier article of this request that it duplicates.",
    )
    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False, help_text="e.g. `duplicate`, `empty`.")
    field = serializers.CharField(required=False, help_text="`text` or `file`, for an error.")
    share = serializers.FloatField(
        required=False, help_text="`near_duplicate`: the share (0 to 1) of its sentences found."
    )


class ArticleBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = ArticleBulkOutcomeSerializer(many=True, help_text="One per article, in order.")


class ArticleBulkRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["atomic_refused"])
    results = ArticleBulkOutcomeSerializer(many=True, help_text="One per article, in order.")


class _ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


# --- The endpoint -----------------------------------------------------------------------------


class ArticleBulkView(GenericAPIView):
    """Many articles in one request; each is stored or refused on its own, or (`atomic`) all
    are stored or none."""

    roles = {"POST": ANNOTATORS}
    parser_classes = [JSONParser]
    serializer_class = ArticleBulkSerializer

    @extend_schema(
        operation_id="articles_bulk_create",
        request={"application/json": ArticleBulkSerializer},
        responses={
            200: OpenApiResponse(
                ArticleBulkResultSerializer,
                description="Each article's outcome, in order. One refused article does not "
                "stop the others: the good ones are stored.",
            ),
            400: OpenApiResponse(
                description="The request's shape is wrong (not JSON, `articles` not a list, "
                "empty or too long, a field of the wrong type, a `file` that is not base64, "
                "a `url` that is not one): nothing was read or stored. `{field: [message]}`, "
                "with `articles` listing one error object per article (empty for good ones), "
                'or `{"detail"}` for a body that is not JSON.'
            ),
            401: OpenApiResponse(_ErrorSerializer, description="No credentials."),
            403: OpenApiResponse(_ErrorSerializer, description="Readers may not upload."),
            413: OpenApiResponse(
                _ErrorSerializer, description="The request body is over the size limit."
            ),
            409: OpenApiResponse(
                ArticleBulkRefusedSerializer,
                description="`atomic` and every refused article is a duplicate (of a stored "
                "article or of an earlier item): nothing was stored.",
            ),
            422: OpenApiResponse(
                ArticleBulkRefusedSerializer,
                description="`atomic` and some article could not be read (an unreadable "
                "file, no text in it): nothing was stored.",
            ),
            429: OpenApiResponse(_ErrorSerializer, description="Too many requests."),
        },
    )
    def post(self, request: Request) -> Response:
        data = _valid_body(request)
        try:
            outcomes = articles_bulk_ingest(
                drafts=[_draft(item) for item in data["articles"]],
                user=acting_user(request),
                allow_near_duplicate=data["allow_near_duplicate"],
                atomic=data["atomic"],
            )
        except BulkRefused as refused:
            body = {
                "detail": refused.message,
                "code": refused.code,
                "results": [_outcome_body(outcome) for outcome in refused.outcomes],
            }
            refusals = [o.refusal for o in refused.outcomes if o.refusal is not None]
            return Response(body, status=refusals_status(refusals))
        created = sum(outcome.stored for outcome in outcomes)
        return Response(
            {
                "created": created,
                "refused": len(outcomes) - created,
                "results": [_outcome_body(outcome) for outcome in outcomes],
            }
        )


def _valid_body(request: Request) -> dict[str, Any]:
    """The checked body. DRF reports malformed articles as {number: errors}; they are answered
    as one error object per article instead (empty for good ones), as bulk annotations are."""
    serializer = ArticleBulkSerializer(data=request.data)
    if serializer.is_valid():
        return serializer.validated_data
    errors = dict(serializer.errors)
    per_item = errors.get("articles")
    if isinstance(per_item, dict) and per_item and all(isinstance(n, int) for n in per_item):
        count = len(request.data["articles"])  # type: ignore[call-overload]
        errors["articles"] = [per_item.get(number, {}) for number in range(count)]
    raise ValidationError(errors)


def _draft(item: dict[str, Any]) -> ArticleDraft:
    if "file" in item:
        upload = Upload(data=item["file"], filename=item.get("filename", ""), field="file")
    else:
        upload = Upload.pasted(item["text"])
    return ArticleDraft(
        upload=upload,
        title=item.get("title", ""),
        publisher=item.get("publisher", ""),
        source_url=item.get("url", ""),
    )


def _outcome_body(outcome: BulkOutcome) -> dict[str, Any]:
    body: dict[str, Any] = {"index": outcome.index, "status": outcome.status}
    if outcome.article is not None:
        body["id"] = outcome.article.pk
    refusal = outcome.refusal
    if refusal is not None:
        body |= {"detail": refusal.message, "code": refusal.code}
        details = getattr(refusal, "details", {})
        body |= {key: details[key] for key in ("item", "share") if key in details}
        if body["status"] == "error":
            body["field"] = refusal.field
    return body
