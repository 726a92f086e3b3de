"""Query-string filters shared by the annotation list and the counts (so both agree)."""

from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django_filters import fields
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from claims.models import Annotation, Article, Tag
from claims.services.errors import Rejected


class UtcIsoDateTimeField(fields.IsoDateTimeField):
    """ISO 8601 with any offset Python accepts (up to ±24 h), handed to the database in UTC:
    PostgreSQL refuses offsets past ±15:59."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError("The date is out of range.", code="invalid") from None


class UtcIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


# Row ids are PostgreSQL bigints: a larger number could match nothing but would fail the query.
ID_MAX = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(filters.NumberFilter):
    """A row id: a whole number (`2.5` is refused, not rounded)."""

    field_class = forms.IntegerField  # type: ignore[assignment]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class StrictFilterSet(filters.FilterSet):
    """Refuses a typed parameter given empty or malformed (django-filter would ignore it and
    list everything): `created_after=`, `article=`, `from_suggestion=maybe`."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, field in self.filters.items():
            raw = (self.data or {}).get(name)
            if raw is None or isinstance(field, filters.CharFilter | TagSlugsFilter):
                continue
            if isinstance(field, filters.BooleanFilter) and raw.lower() not in _BOOLEANS:
                self.form.add_error(name, f"“{raw}” is not true or false.")
            elif raw == "":
                self.form.add_error(name, "Give a value, or leave the parameter out.")
        return valid and not self.form.errors


_BOOLEANS = {"true", "false", "1", "0"}


class VocabularySlugsField(fields.ModelMultipleChoiceField):
    """Tag slugs, each of a tag in the vocabulary. A slug of none is well-formed input that
    names nothing stored, refused as the services refuse one (422), not as malformed."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)  # type: ignore[misc]
        except ValidationError as error:
            slug = (error.params or {}).get("value", "")
            known = ", ".join(Tag.objects.filter(archived=False).values_list("slug", flat=True))
            raise Rejected(
                "tag", f"There is no tag “{slug}”. Tags in use: {known}.", "does_not_exist"
            ) from None


@extend_schema_field({"type": "string", "minLength": 1})
class TagSlugsFilter(filters.ModelMultipleChoiceFilter):
    """Tags by slug, any of several (the schema generator cannot see through `tag__slug`)."""

    field_class = VocabularySlugsField
    # For the schema: an operation taking this filter may answer 422.
    refers_to_stored_rows = True


class AnnotationFilter(StrictFilterSet):
    article = IdFilter(field_name="article_id", help_text="An article id.")
    # Filter on tag__slug: django-filter compares `field_name` with the chosen tag's
    # `to_field_name` value, and a slug compared with the `tag` foreign key raises ValueError.
    # A tag is a to-one relation, so no DISTINCT is needed.
    tag = TagSlugsFilter(
        field_name="tag__slug",
        to_field_name="slug",
        distinct=False,
        queryset=Tag.objects.all(),
        help_text="A tag slug; repeat the parameter for any of several tags.",
    )
    author = filters.CharFilter(field_name="author__username", help_text="A username.")
    publisher = filters.CharFilter(field_name="article__publisher", help_text="Exact publisher.")
    created_after = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="ISO 8601, inclusive."
    )
    created_before = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="ISO 8601, exclusive."
    )
    q = filters.CharFilter(method="filter_text", help_text="Text found in the quote or the note.")
    from_suggestion = filters.BooleanFilter(
        help_text="true: only annotations made by accepting a suggested tag; false: only "
        "those made by hand."
    )

    class Meta:
        model = Annotation
        fields = [
            "article",
            "tag",
            "author",
            "publisher",
            "created_after",
            "created_before",
            "q",
            "from_suggestion",
        ]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(quote__icontains=value) | Q(note__icontains=value))


class ArticleFilter(StrictFilterSet):
    search = filters.CharFilter(method="filter_search", help_text="Text in title or publisher.")
    publisher = filters.CharFilter(field_name="publisher", help_text="Exact publisher.")
    status = filters.ChoiceFilter(choices=Article.Status.choices)
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Article
        fields = ["search", "publisher", "status", "created_after", "created_before"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value))
