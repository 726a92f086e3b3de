"""The one refusal services raise: what was refused (`field`), why (`message`, shown to the
user as is) and a machine-readable `code`. The API's exception handler and the forms' helper
turn it into an error body or a form error, each in one place; the subclasses say which kind
of refusal it is, so the API can answer with the right status.

A request the schema allows is never answered 400: a refusal that depends on what is stored
(a tag not in the vocabulary, a span past the article's text, a file of no readable type) or
on how its values relate (`start` before `end`) is a plain Rejected (422); only input the
schema itself refuses is Malformed (400)."""

from typing import Any


class Rejected(ValueError):
    """Well-formed input that breaks a rule no schema can state: the API answers 422
    `{"detail", "code", "field"}`."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


class Malformed(Rejected):
    """Input that is not what the schema allows (a parameter that is no number): 400
    `{field: [message]}`, as DRF answers for a request body its serializer refuses."""


class Forbidden(Rejected):
    """The user may not do this to this object (403)."""

    def __init__(self, message: str, code: str = "permission_denied") -> None:
        super().__init__("non_field_errors", message, code)


class Conflict(Rejected):
    """Refused because it clashes with a stored row (a duplicate, a slug or name taken,
    undecided tags): 409. `details` name the rows in question, for the response body."""

    def __init__(
        self, message: str, code: str, *, field: str = "non_field_errors", **details: Any
    ) -> None:
        super().__init__(field, message, code)
        self.details = details


class Stale(Rejected):
    """The object changed since the caller read it (412)."""

    def __init__(self, message: str) -> None:
        super().__init__("non_field_errors", message, "precondition_failed")


class TooLarge(Rejected):
    """The input is over a size limit (413)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message, "too_large")


class BatchRejected(Rejected):
    """Some items of a batch were refused; `errors` maps each refused item's number to its
    refusal, and nothing was stored. 409 when every refusal is a conflict, else 422."""

    def __init__(self, field: str, errors: dict[int, Rejected], *, count: int) -> None:
        super().__init__(field, f"{len(errors)} of {count} item(s) refused", "invalid")
        self.errors, self.count = errors, count
