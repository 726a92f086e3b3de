"""The Web Annotation Protocol on `annotations/`, as pure functions: the container and its
pages, the client's `Prefer`ence among container representations, the type links, and a
W3C-shaped annotation read from a POST body."""

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from claims.exports.rows import Links
from claims.exports.w3c import CONTEXT, MEDIA_TYPE, annotation_linked
from claims.models import Annotation
from claims.services.errors import Rejected

LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
PREFER_MINIMAL_CONTAINER = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
PREFER_CONTAINED_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
PREFER_CONTAINED_DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"

CONTAINER_LINK = (
    '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", '
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
ANNOTATION_LINK = (
    '<http://www.w3.org/ns/oa#Annotation>; rel="type", '
    '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
)
ACCEPT_POST = f"{MEDIA_TYPE}, application/json"


@dataclass(frozen=True)
class ContainerPreference:
    """Which container representation the client asked for. `applied` says whether its
    `Prefer` named one we honour (then Preference-Applied answers it)."""

    iris: bool = False  # the pages list annotation IRIs, not descriptions
    minimal: bool = False  # the container embeds no page
    applied: bool = False


def container_preference(prefer: str) -> ContainerPreference:
    """`Prefer: return=representation; include="<IRI> <IRI>"` (RFC 7240, as the protocol and
    LDP use it). Anything else is ignored, as RFC 7240 allows."""
    included: set[str] = set()
    for preference in prefer.split(","):
        name, *parameters = (part.strip() for part in preference.split(";"))
        if name.replace(" ", "") != "return=representation":
            continue
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "include":
                included.update(value.strip().strip('"').split())
    known = {PREFER_MINIMAL_CONTAINER, PREFER_CONTAINED_IRIS, PREFER_CONTAINED_DESCRIPTIONS}
    return ContainerPreference(
        iris=PREFER_CONTAINED_IRIS in included,
        minimal=PREFER_MINIMAL_CONTAINER in included,
        applied=bool(known & included),
    )


@dataclass(frozen=True)
class PageIris:
    """The IRIs around one page: its collection, the collection's first and last pages,
    the page itself and its neighbours."""

    collection: str
    first: str
    last: str
    page: str
    next: str | None = None
    prev: str | None = None


def page_items(
    annotations: list[Annotation], *, links: Links, iris: bool
) -> list[dict[str, Any] | str]:
    if iris:
        return [links.annotation(a.pk) for a in annotations]
    return [annotation_linked(a, links=links, with_context=False) for a in annotations]


def annotation_page(
    items: list[Any], *, iris: PageIris, total: int, start_index: int, embedded: bool = False
) -> dict[str, Any]:
    """An AnnotationPage. On its own it names its collection (`partOf`, with the total and
    the first and last pages); embedded in the container's `first`, it leaves that out."""
    page: dict[str, Any] = {} if embedded else {"@context": CONTEXT}
    page |= {"id": iris.page, "type": "AnnotationPage"}
    if not embedded:
        page["partOf"] = {
            "id": iris.collection,
            "type": "AnnotationCollection",
            "total": total,
            "first": iris.first,
            "last": iris.last,
        }
    page |= {"startIndex": start_index, "items": items}
    if iris.next:
        page["next"] = iris.next
    if iris.prev:
        page["prev"] = iris.prev
    return page


def annotation_container(
    *, iris: PageIris, total: int, first_page: dict[str, Any] | None
) -> dict[str, Any]:
    """The container: an LDP BasicContainer that is also the AnnotationCollection, with its
    first page embedded, or (minimal) only named."""
    return {
        "@context": [CONTEXT, LDP_CONTEXT],
        "id": iris.collection,
        "type": ["BasicContainer", "AnnotationCollection"],
        "total": total,
        "first": first_page if first_page is not None else iris.first,
        "last": iris.last,
    }


def representation_etag(data: dict[str, Any]) -> str:
    """A weak ETag for a container or page: it changes whenever what it says changes."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


# --- A W3C-shaped annotation on POST ------------------------------------------------------


class W3CInputError(Rejected):
    """A POSTed W3C annotation we cannot store: `code` says which part is wrong. JSON-LD
    says the same thing in many shapes (one body or a list, our IRIs under whichever host
    served them), which no schema spells out, so this is a 422 like the service's own."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__("non_field_errors", message, code)


@dataclass(frozen=True)
class W3CAnnotationInput:
    """What a W3C annotation asks for, in our terms; `exact` is its quote, when it gives one."""

    article_id: int
    tag: str
    start: int
    end: int
    exact: str | None
    note: str


def annotation_from_w3c(data: Any, *, links: Links) -> W3CAnnotationInput:
    """A tagging body whose `source` is one of our tag IRIs (and at most one commenting
    body), targeting one of our articles by its API IRI with a TextPositionSelector (and
    optionally a TextQuoteSelector whose `exact` the service checks against the span)."""
    if not isinstance(data, dict) or "Annotation" not in _values(data.get("type")):
        raise W3CInputError("not_an_annotation", 'The body is not an object of type "Annotation".')
    motivations = _values(data.get("motivation"))
    if motivations and "tagging" not in motivations:
        raise W3CInputError(
            "unsupported_motivation",
            f"Only tagging annotations are stored; the motivation is {motivations}.",
        )
    tag = _tag_slug(data.get("body"), links=links)
    note = _note(data.get("body"))
    article_id, selectors = _target(data.get("target"), links=links)
    start, end = _position(selectors)
    quotes = [s for s in selectors if s.get("type") == "TextQuoteSelector"]
    exact = quotes[0].get("exact") if quotes else None
    if exact is not None and not isinstance(exact, str):
        raise W3CInputError("invalid_selector", "TextQuoteSelector.exact must be a string.")
    return W3CAnnotationInput(
        article_id=article_id, tag=tag, start=start, end=end, exact=exact, note=note
    )


def _values(value: Any) -> list[Any]:
    """A JSON-LD value that may be one item or a list of them, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _tag_slug(body: Any, *, links: Links) -> str:
    tagging = [
        b
        for b in _values(body)
        if isinstance(b, dict)
        and (b.get("purpose") == "tagging" or b.get("type") == "SpecificResource")
    ]
    if len(tagging) != 1:
        raise W3CInputError(
            "one_tag_required",
            f'Give exactly one tagging body ({{"purpose": "tagging", "source": '
            f'"{links.tags}<slug>"}}); this annotation has {len(tagging)}.',
        )
    source = tagging[0].get("source")
    slug = source.removeprefix(links.tags) if isinstance(source, str) else ""
    if not isinstance(source, str) or source == slug or not re.fullmatch(r"[-\w]+", slug):
        raise W3CInputError(
            "unknown_tag_iri",
            f"The tagging body's source {json.dumps(source)} is not a tag IRI here: tag IRIs "
            f"are {links.tags}<slug>.",
        )
    return slug


def _note(body: Any) -> str:
    notes = [
        b
        for b in _values(body)
        if isinstance(b, dict)
        and b.get("purpose") != "tagging"
        and (b.get("type") == "TextualBody" or "value" in b)
    ]
    if len(notes) > 1:
        raise W3CInputError("one_note_only", "Give at most one commenting TextualBody.")
    if not notes:
        return ""
    value = notes[0].get("value")
    if not isinstance(value, str):
        raise W3CInputError("invalid_body", "The TextualBody's value must be a string.")
    return value


def _target(target: Any, *, links: Links) -> tuple[int, list[dict[str, Any]]]:
    targets = _values(target)
    if len(targets) != 1 or not isinstance(targets[0], dict):
        raise W3CInputError(
            "one_target_required",
            'Give exactly one target: {"source": <article IRI>, "selector": [...]}.',
        )
    source = targets[0].get("source")
    rest = source.removeprefix(links.articles) if isinstance(source, str) else ""
    match = re.fullmatch(r"(\d+)/?", rest)
    if not isinstance(source, str) or rest == source or match is None:
        raise W3CInputError(
            "unknown_target",
            f"The target's source {json.dumps(source)} is not an article here: article IRIs "
            f"are {links.articles}<id>/.",
        )
    selectors = [s for s in _values(targets[0].get("selector")) if isinstance(s, dict)]
    return int(match.group(1)), selectors


def _position(selectors: list[dict[str, Any]]) -> tuple[int, int]:
    positions = [s for s in selectors if s.get("type") == "TextPositionSelector"]
    if len(positions) != 1:
        raise W3CInputError(
            "position_required",
            "Give the span as one TextPositionSelector (start, end: code points into the "
            "article's text).",
        )
    start, end = positions[0].get("start"), positions[0].get("end")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise W3CInputError(
            "invalid_selector", "TextPositionSelector.start and .end must be whole numbers."
        )
    return start, end  # type: ignore[return-value]  # checked just above
