"""One way to write a moment everywhere: "2026-12-01 21:44 UTC" (dates alone: "2026-12-01"),
in a <time> element carrying the exact ISO value. claims/static/claims/dom.js writes the same
form in the browser."""

from datetime import UTC, datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def moment_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@register.filter
def moment(value: datetime | None) -> SafeString | str:
    """`{{ when|moment }}`: the moment as a <time> element, or "—" when there is none."""
    if value is None:
        return "—"
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), moment_text(value))
