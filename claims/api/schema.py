"""The OpenAPI schema as consumers read it: every operation lists each status it can answer,
with the error body of each, and request bodies carry the constraints the server applies."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import serializers

# What each refusal means, for operations that can answer it.
_ERROR_DESCRIPTIONS = {
    "400": "The request is malformed or a value is refused.",
    "401": "No credentials, or a wrong or expired token.",
    "403": "Your role may not do this here (or only the author may).",
    "404": "No such object, or none you may see; or an unknown `format`.",
    "409": "It conflicts with what is stored; `code` says how.",
    "412": "`If-Match` does not name the current version.",
    "413": "The request body is over the size limit.",
    "415": "The body is not of a media type this operation takes.",
    "429": "Too many requests: wait the seconds `Retry-After` gives.",
}


class ApiErrorSerializer(serializers.Serializer):
    """A refusal: `detail` says what was wrong; some refusals add a `code` and the rows they
    name (a duplicate's `article` or `annotation`)."""

    detail = serializers.CharField()
    code = serializers.CharField(
        required=False, help_text="A stable word for the kind of refusal, e.g. `duplicate`."
    )


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "The refused fields, each with its messages: `{field: [message]}` (a bulk "
    'request\'s `annotations` holds one such object per item, empty for good ones); `{"detail"}` '
    "for a body that is not valid JSON.",
    "additionalProperties": {},
}


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
        return sorted(statuses)

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

    def get_filter_backends(self) -> list[Any]:
        # The counts are no list, but take the list's filters.
        if self.method == "GET" and getattr(self.view, "filterset_class", None):
            return list(getattr(self.view, "filter_backends", []))
        return super().get_filter_backends()

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
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


# One annotation in the W3C Web Annotation form (`?format=jsonld`), as far as a client needs
# it typed.
W3C_ANNOTATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A W3C Web Annotation (https://www.w3.org/TR/annotation-model/).",
    "required": ["id", "type", "target"],
    "properties": {
        "@context": {"description": "http://www.w3.org/ns/anno.jsonld"},
        "id": {"type": "string", "description": "The annotation's IRI."},
        "type": {"type": "string", "enum": ["Annotation"]},
        "motivation": {"type": "string"},
        "creator": {"description": "Who made it."},
        "created": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
        "body": {"type": "array", "items": {"type": "object"}},
        "target": {"type": "object", "description": "The article and the span's selectors."},
    },
}
