"""The OpenAPI schema as consumers read it: every operation lists each status it can answer,
with the error body of each, and request bodies carry the constraints the server applies."""

import re
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

# What each refusal means, for operations that can answer it.
_ERROR_DESCRIPTIONS = {
    "400": "The request is malformed: it is not what this schema allows.",
    "401": "No credentials, or a wrong or expired token.",
    "403": "Your role may not do this here (or only the author may).",
    "404": "No such object, or none you may see; or an unknown `format`.",
    "409": "It conflicts with what is stored; `code` says how.",
    "412": "`If-Match` does not name the current version.",
    "413": "The request body is over the size limit.",
    "415": "The body is not of a media type this operation takes.",
    "422": "Well-formed, but refused by a rule that depends on what is stored or on how the "
    "values relate (no such tag or article, a span past the text, a file of no readable "
    "type): `detail` says which, `code` how, `field` where.",
    "429": "Too many requests: wait the seconds `Retry-After` gives.",
}


class ApiErrorSerializer(serializers.Serializer):
    """A refusal: `detail` says what was wrong; most refusals add a `code`, the `field` they
    refuse, and the rows they name (a duplicate's `article` or `annotation`)."""

    detail = serializers.CharField()
    code = serializers.CharField(
        required=False, help_text="A stable word for the kind of refusal, e.g. `duplicate`."
    )
    field = serializers.CharField(required=False, help_text="The input refused, if one is.")


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "The refused fields, each with its messages: `{field: [message]}` (a bulk "
    'request\'s `annotations` holds one such object per item, empty for good ones); `{"detail"}` '
    "for a body that is not valid JSON.",
    "additionalProperties": {},
}


NO_NULL_CHARACTER = "^[^\\x00]*$"


def _refuses_null_characters(field: Any) -> bool:
    """A text field with no pattern of its own (a pattern given excludes U+0000 itself)."""
    kinds = {type(v) for v in getattr(field, "validators", [])}
    return ProhibitNullCharactersValidator in kinds and not any(
        issubclass(kind, RegexValidator) for kind in kinds
    )


def _blank_option_folded(schema: Any) -> Any:
    """drf-spectacular writes a blank-allowed text field with a pattern as oneOf [the string,
    an empty string]. Where the pattern already admits "" (as NO_NULL_CHARACTER does), "" then
    matches both branches, which oneOf forbids: the schema would refuse the empty string the
    server takes. Such a field is the first branch alone."""
    options = schema.get("oneOf") if isinstance(schema, dict) else None
    if not options or len(options) != 2 or options[1] != {"type": "string", "maxLength": 0}:
        return schema
    inner = options[0]
    pattern = inner.get("pattern")
    if "format" in inner or inner.get("minLength") or not pattern or not re.search(pattern, ""):
        return schema
    folded = {key: value for key, value in schema.items() if key != "oneOf"}
    return {**inner, **folded}


class ApiSchema(AutoSchema):
    """drf-spectacular's schema, with the error responses and body constraints added."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        if self.method == "PATCH" and "requestBody" in operation:
            # A change names at least one field (ChangesSerializer), so a body is required.
            operation["requestBody"]["required"] = True
        responses = operation.setdefault("responses", {})
        for status in self._error_statuses(operation):
            response = responses.setdefault(status, {})
            response.setdefault("description", _ERROR_DESCRIPTIONS[status])
            if "content" not in response:
                response["content"] = self._error_content(status)
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        statuses = {"401", "403", "404", "429"} | {
            code for code in operation.get("responses", {}) if code in _ERROR_DESCRIPTIONS
        }
        takes_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if takes_query or "requestBody" in operation:
            statuses.add("400")
        if "requestBody" in operation or self.method in {"POST", "PUT", "PATCH"}:
            statuses |= {"400", "413", "415"}
        # What a schema cannot state: whether the rows a body or filter names exist, and
        # whether a write clashes with stored ones.
        if "requestBody" in operation or self._filters_on_stored_rows():
            statuses.add("422")
        if "requestBody" in operation and self.method in {"POST", "PUT", "PATCH"}:
            statuses.add("409")
        return sorted(statuses)

    def _filters_on_stored_rows(self) -> bool:
        filterset = getattr(self.view, "filterset_class", None)
        if self.method != "GET" or filterset is None:
            return False
        return any(
            getattr(f, "refers_to_stored_rows", False) for f in filterset.base_filters.values()
        )

    def _error_content(self, status: str) -> dict[str, Any]:
        if status == "400":
            component = ResolvedComponent(
                name="ValidationError",
                type=ResolvedComponent.SCHEMA,
                object="ValidationError",
                schema=VALIDATION_ERROR_SCHEMA,
            )
            self.registry.register_on_missing(component)
        else:
            component = self.resolve_serializer(ApiErrorSerializer, "response")
        content = {}
        for media_type in self.map_renderers("media_type"):
            if media_type == "text/csv":
                content[media_type] = {"schema": {"type": "string"}}
            else:
                content[media_type] = {"schema": component.ref}
        return content

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        # drf-spectacular finds no required property in a body of several shapes (oneOf) or
        # in a schema given as is; every such body here requires some.
        instance = force_instance(serializer)
        if isinstance(instance, PolymorphicProxySerializer):
            required = all(
                any(field.required for field in force_instance(choice).fields.values())
                for choice in instance.serializers
            )
        elif isinstance(serializer, dict):
            required = bool(serializer.get("required")) or "$ref" in serializer
        return schema, required

    def _get_response_for_code(self, serializer: Any, status_code: Any, *args: Any, **kwargs: Any):
        response = super()._get_response_for_code(serializer, status_code, *args, **kwargs)
        schema = serializer.response if isinstance(serializer, OpenApiResponse) else serializer
        if isinstance(schema, dict) and ("$ref" in schema or "oneOf" in schema):
            # A schema given as is describes the whole body: drf-spectacular would take it
            # for an item and wrap it in the list's page when the view also lists JSON.
            for media_type in response.get("content", {}).values():
                media_type["schema"] = schema
        return response

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
                # django-filter's text fields are Django form fields: they refuse U+0000.
                schema["pattern"] = NO_NULL_CHARACTER
        return parameters

    def get_filter_backends(self) -> list[Any]:
        # The counts are no list, but take the list's filters.
        if self.method == "GET" and getattr(self.view, "filterset_class", None):
            return list(getattr(self.view, "filter_backends", []))
        return super().get_filter_backends()

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        folded = _blank_option_folded(schema)
        if folded is not schema:
            schema.clear()
            schema.update(folded)

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and _refuses_null_characters(field):
            # DRF refuses U+0000 in every text field; a pattern of its own says so too.
            schema.setdefault("pattern", NO_NULL_CHARACTER)
        if isinstance(field, serializers.ListField | serializers.ListSerializer):
            if not field.allow_empty:
                schema.setdefault("minItems", 1)
            max_length = getattr(field, "max_length", None)
            if max_length is not None:
                schema.setdefault("maxItems", max_length)
        return schema

    def _map_serializer(self, serializer: Any, direction: Any, bypass_extensions: bool = False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        instance = force_instance(serializer)
        if direction == "request":
            schema.update(getattr(instance, "schema_constraints", {}))
            for name, extra in getattr(instance, "schema_properties", {}).items():
                schema.get("properties", {}).get(name, {}).update(extra)
        return schema


# --- The W3C Web Annotation form (`?format=jsonld`) -------------------------------------------
# Components of their own, so that a generated client has a typed model for each.


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


_IRI = {"type": "string", "format": "uri"}

W3C_COMPONENTS: dict[str, dict[str, Any]] = {
    "W3CAnnotation": {
        "type": "object",
        "description": "A W3C Web Annotation (https://www.w3.org/TR/annotation-model/): a "
        "tagging body naming the tag's IRI, a commenting body for the note, and a target "
        "selecting the span by quote and by code-point position.",
        "required": [
            "id",
            "type",
            "motivation",
            "creator",
            "created",
            "modified",
            "body",
            "target",
        ],
        "properties": {
            "@context": {
                **_enum("http://www.w3.org/ns/anno.jsonld"),
                "description": "Left out of the items of a page, which carries it once.",
            },
            "id": {**_IRI, "description": "The annotation's IRI."},
            "type": _enum("Annotation"),
            "motivation": _enum("tagging"),
            "creator": _ref("W3CCreator"),
            "created": {"type": "string", "format": "date-time"},
            "modified": {"type": "string", "format": "date-time"},
            "body": {"type": "array", "items": _ref("W3CBody"), "minItems": 1},
            "target": _ref("W3CTarget"),
        },
    },
    "W3CCreator": {
        "type": "object",
        "required": ["type", "nickname"],
        "properties": {"type": _enum("Person"), "nickname": {"type": "string"}},
    },
    "W3CBody": {
        "type": "object",
        "description": "The tag (`SpecificResource`, `purpose` tagging, `source` the tag's "
        "IRI) or the note (`TextualBody`, `purpose` commenting, `value` its text).",
        "required": ["type", "purpose"],
        "properties": {
            "type": _enum("SpecificResource", "TextualBody"),
            "purpose": _enum("tagging", "commenting"),
            "source": _IRI,
            "value": {"type": "string"},
            "format": _enum("text/plain"),
        },
    },
    "W3CTarget": {
        "type": "object",
        "required": ["source", "selector"],
        "properties": {
            "source": {**_IRI, "description": "The article's API IRI."},
            "selector": {"type": "array", "items": _ref("W3CSelector")},
        },
    },
    "W3CSelector": {
        "type": "object",
        "description": "A TextQuoteSelector (`exact`, `prefix`, `suffix`) or a "
        "TextPositionSelector (`start`, `end`: code points into the article's text).",
        "required": ["type"],
        "properties": {
            "type": _enum("TextQuoteSelector", "TextPositionSelector"),
            "exact": {"type": "string"},
            "prefix": {"type": "string"},
            "suffix": {"type": "string"},
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
        },
    },
    "W3CAnnotationPage": {
        "type": "object",
        "description": "One page of an AnnotationCollection. On its own it names its "
        "collection (`partOf`); embedded as the collection's `first`, it does not.",
        "required": ["id", "type", "startIndex", "items"],
        "properties": {
            "@context": _enum("http://www.w3.org/ns/anno.jsonld"),
            "id": {**_IRI, "description": "The page's IRI (its collection's, with `page`)."},
            "type": _enum("AnnotationPage"),
            "partOf": _ref("W3CAnnotationPagePartOf"),
            "startIndex": {"type": "integer", "minimum": 0},
            "items": {
                "type": "array",
                "description": "The annotations, or only their IRIs (`iris=1`, or `Prefer` "
                "PreferContainedIRIs).",
                "items": {"oneOf": [_ref("W3CAnnotation"), _IRI]},
            },
            "next": {**_IRI, "description": "The next page, if there is one."},
            "prev": {**_IRI, "description": "The previous page, if there is one."},
        },
    },
    "W3CAnnotationPagePartOf": {
        "type": "object",
        "description": "The collection a page belongs to.",
        "required": ["id", "type", "total", "first", "last"],
        "properties": {
            "id": _IRI,
            "type": _enum("AnnotationCollection"),
            "total": {"type": "integer", "minimum": 0},
            "first": _IRI,
            "last": _IRI,
        },
    },
    "W3CAnnotationCollection": {
        "type": "object",
        "description": "The annotations container: an LDP BasicContainer that is the "
        "AnnotationCollection, with its first page embedded (or, with `Prefer` "
        "PreferMinimalContainer, only named).",
        "required": ["@context", "id", "type", "total", "first", "last"],
        "properties": {
            "@context": {
                "type": "array",
                "items": _enum(
                    "http://www.w3.org/ns/anno.jsonld", "http://www.w3.org/ns/ldp.jsonld"
                ),
            },
            "id": {**_IRI, "description": "The collection's IRI: the request's, without paging."},
            "type": {"type": "array", "items": _enum("BasicContainer", "AnnotationCollection")},
            "total": {"type": "integer", "minimum": 0},
            "first": {"oneOf": [_ref("W3CAnnotationPage"), _IRI]},
            "last": _IRI,
        },
    },
    "W3CAnnotationRequest": {
        "type": "object",
        "description": "A W3C Web Annotation to store (`Content-Type: application/ld+json`): "
        "one tagging body whose `source` is a tag IRI, at most one commenting TextualBody "
        "(the note), and one target whose `source` is an article's API IRI with a "
        "TextPositionSelector (and, optionally, a TextQuoteSelector whose `exact` must be "
        "the text at that span). JSON-LD allows one value or a list wherever the model does.",
        "required": ["type", "body", "target"],
        "properties": {
            "@context": {},
            "type": {"description": '`"Annotation"`, or a list holding it.'},
            "motivation": {"description": '`"tagging"`, or a list holding it.'},
            "body": {"description": "A body, or a list of them."},
            "target": {"description": "The target, or a one-item list."},
        },
    },
}

W3C_ANNOTATION_SCHEMA = _ref("W3CAnnotation")
W3C_ANNOTATION_REQUEST_SCHEMA = _ref("W3CAnnotationRequest")
# The list in the W3C form: the container, or (with `page`) one of its pages.
W3C_LIST_SCHEMA = {"oneOf": [_ref("W3CAnnotationCollection"), _ref("W3CAnnotationPage")]}


def w3c_components(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the W3C form's components, which the views
    refer to."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(W3C_COMPONENTS)
    return result
