"""Cursor pagination: pages stay put while annotations are added, and deep pages cost the same
as the first (no OFFSET scans)."""

from django.conf import settings
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class OrderedCursorPagination(CursorPagination):
    """`?ordering=` picks one of `orderings`; `id` always breaks ties so the order is total."""

    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    orderings: tuple[str, ...] = ("id", "-id", "created_at", "-created_at")
    default_ordering = "id"
    page_size: int
    max_page_size: int

    def __init__(self) -> None:
        # Read per request, so that settings changes (and test overrides) apply.
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        chosen = request.query_params.get(self.ordering_query_param, self.default_ordering)
        if chosen not in self.orderings:
            raise ValidationError({"ordering": [f"Order by one of: {', '.join(self.orderings)}."]})
        if chosen.lstrip("-") == "id":
            return (chosen,)
        return (chosen, "-id" if chosen.startswith("-") else "id")

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        parameters.append(
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "Sort order; `id` (the default) lists oldest first.",
                "schema": {"type": "string", "enum": list(self.orderings)},
            }
        )
        return parameters

    def start_index(self, queryset: QuerySet) -> int:
        """How many rows of the (filtered) queryset come before this page's first row."""
        if not self.page:
            return 0
        first = self.page[0]
        before = Q()
        ties = Q()
        for field in self.ordering:
            name = field.lstrip("-")
            lookup = "__gt" if field.startswith("-") else "__lt"
            value = getattr(first, name)
            before |= ties & Q(**{name + lookup: value})
            ties &= Q(**{name: value})
        return queryset.filter(before).count()
