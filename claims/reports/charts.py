"""Bar and line charts drawn on the server as inline SVG, so pages need no script and PDFs
show them too."""

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
FONT = "system-ui, sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#d9e2ec"
FALLBACK_COLOUR = "#52606d"
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# Bar chart layout, in SVG user units.
BAR_LABEL_WIDTH = 180
BAR_VALUE_WIDTH = 56
BAR_HEIGHT = 12
BAR_GAP = 4
GROUP_HEADER = 20
GROUP_GAP = 8

# Line chart layout.
LINE_HEIGHT = 240
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 32, 20, 36
MAX_X_LABELS = 12
MAX_VALUE_LABELS = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = FALLBACK_COLOUR


@dataclass(frozen=True)
class BarGroup:
    """Bars drawn together under one heading, such as one publisher's counts per tag."""

    label: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Point:
    label: str
    value: int


def bar_chart(*, title: str, groups: Sequence[BarGroup], unit: str = "") -> SafeString:
    """Horizontal bars in labelled groups; every bar carries its label and value as text, so
    colour is never the only way to tell bars apart."""
    if not any(group.bars for group in groups):
        return _empty(title)
    scale = _scale(max(bar.value for group in groups for bar in group.bars))
    parts: list[SafeString] = []
    y = 0
    for group in groups:
        parts.append(_group_heading(group.label, y=y))
        y += GROUP_HEADER
        for bar in group.bars:
            parts.append(_bar(bar, group=group.label, y=y, scale=scale, unit=unit))
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    return _svg(title=title, height=y, body=_joined(parts))


def _scale(largest: int) -> float:
    """Units of width per unit of value: the largest bar fills the room left by the texts."""
    room = WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH
    return room / max(largest, 1)


def _group_heading(label: str, *, y: int) -> SafeString:
    return format_html(
        '<text x="0" y="{}" font-size="13" font-weight="bold" fill="{}">{}</text>',
        y + 14,
        INK,
        _shortened(label, 80),
    )


def _bar(bar: Bar, *, group: str, y: int, scale: float, unit: str) -> SafeString:
    width = bar.value * scale
    text_y = y + BAR_HEIGHT - 2
    return format_html(
        "<g><title>{}: {}, {}</title>"
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11" fill="{}">{}</text></g>',
        group,
        bar.label,
        _quantity(bar.value, unit),
        BAR_LABEL_WIDTH - 6,
        text_y,
        MUTED,
        _shortened(bar.label, 24),
        BAR_LABEL_WIDTH,
        y,
        _number(width),
        BAR_HEIGHT,
        _colour(bar.colour),
        _number(BAR_LABEL_WIDTH + width + 4),
        text_y,
        INK,
        bar.value,
    )


def line_chart(
    *, title: str, points: Sequence[Point], colour: str = "#0b5cad", unit: str = ""
) -> SafeString:
    """One series over evenly spaced labels (months, say), with a value axis from zero; the
    values are written next to the points while there is room for them."""
    if not points:
        return _empty(title)
    top = _axis_top(max(point.value for point in points))
    xs = _x_positions(len(points))
    ys = [_y_position(point.value, top=top) for point in points]
    parts = [
        *_value_axis(top),
        *_label_axis(points, xs),
        _polyline(xs, ys, colour=colour),
        *_markers(points, xs, ys, colour=colour, unit=unit),
    ]
    return _svg(title=title, height=LINE_HEIGHT, body=_joined(parts))


def _axis_top(largest: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `largest`."""
    if largest <= 1:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= largest)


def _tick_step(top: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that splits 0..`top` into at most five
    equal whole steps."""
    steps = (step * 10**power for power in range(len(str(top))) for step in (1, 2, 5))
    return next(step for step in steps if top % step == 0 and top // step <= 5)


def _x_positions(count: int) -> list[float]:
    room = WIDTH - PLOT_LEFT - PLOT_RIGHT
    if count == 1:
        return [PLOT_LEFT + room / 2]
    return [PLOT_LEFT + room * i / (count - 1) for i in range(count)]


def _y_position(value: int, *, top: int) -> float:
    room = LINE_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    return PLOT_TOP + room * (1 - value / top)


def _value_axis(top: int) -> list[SafeString]:
    """Grid lines with their values, at whole-number steps from zero to the top."""
    ticks = range(0, top + 1, _tick_step(top))
    return [
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>',
            PLOT_LEFT,
            WIDTH - PLOT_RIGHT,
            _number(_y_position(tick, top=top)),
            _number(_y_position(tick, top=top)),
            GRID,
            PLOT_LEFT - 6,
            _number(_y_position(tick, top=top) + 4),
            MUTED,
            tick,
        )
        for tick in ticks
    ]


def _label_axis(points: Sequence[Point], xs: Sequence[float]) -> list[SafeString]:
    # Every n-th label only, so that long series stay readable; the table alongside has all.
    every = math.ceil(len(points) / MAX_X_LABELS)
    return [
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">{}</text>',
            _number(x),
            LINE_HEIGHT - PLOT_BOTTOM + 18,
            MUTED,
            _shortened(point.label, 12),
        )
        for i, (point, x) in enumerate(zip(points, xs, strict=True))
        if i % every == 0
    ]


def _polyline(xs: Sequence[float], ys: Sequence[float], *, colour: str) -> SafeString:
    coordinates = " ".join(f"{_number(x)},{_number(y)}" for x, y in zip(xs, ys, strict=True))
    return format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
        coordinates,
        _colour(colour),
    )


def _markers(
    points: Sequence[Point],
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    colour: str,
    unit: str,
) -> list[SafeString]:
    labelled = len(points) <= MAX_VALUE_LABELS
    return [
        format_html(
            '<g><title>{}: {}</title><circle cx="{}" cy="{}" r="3.5" fill="{}"/>{}</g>',
            point.label,
            _quantity(point.value, unit),
            _number(x),
            _number(y),
            _colour(colour),
            _value_label(point.value, x=x, y=y) if labelled else "",
        )
        for point, x, y in zip(points, xs, ys, strict=True)
    ]


def _value_label(value: int, *, x: float, y: float) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">{}</text>',
        _number(x),
        _number(y - 7),
        INK,
        value,
    )


def _svg(*, title: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{}" '
        'viewBox="0 0 {} {}" width="{}" height="{}" font-family="{}">'
        "<title>{}</title>{}</svg>",
        title,
        WIDTH,
        height,
        WIDTH,
        height,
        FONT,
        title,
        body,
    )


def _empty(title: str) -> SafeString:
    return format_html('<p class="chart-empty">{}: nothing to draw.</p>', title)


def _joined(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _colour(value: str) -> str:
    # Tag colours are checked when stored; this keeps a pure function safe with any input.
    return value if _HEX_COLOUR.fullmatch(value) else FALLBACK_COLOUR


def _quantity(value: int, unit: str) -> str:
    """`unit` is a plural ("flags"); one of it reads without the "s"."""
    return f"{value} {unit.removesuffix('s') if value == 1 else unit}".strip()


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
