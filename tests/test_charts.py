"""Inline SVG charts: well-formed, accessible, labelled in text and safe with any label."""

import xml.etree.ElementTree as ET

from claims.reports.charts import Bar, BarGroup, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"

GROUPS = [
    BarGroup(
        label="RegenWell Institute",
        bars=(Bar("Overstated", 12, "#dc2626"), Bar("Price claim", 3, "#059669")),
    ),
    BarGroup(label="VitaCell", bars=(Bar("Overstated", 0, "#dc2626"), Bar("Price claim", 6))),
]


def _parsed(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def _texts(svg: ET.Element) -> list[str]:
    return [element.text for element in svg.iter(f"{SVG}text")]


def test_it_draws_a_bar_chart_as_an_image_with_a_title_and_label():
    svg = _parsed(bar_chart(title="Flags per tag and publisher", groups=GROUPS))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Flags per tag and publisher"
    assert svg.find(f"{SVG}title").text == "Flags per tag and publisher"


def test_it_writes_every_bars_label_and_value_as_text():
    texts = _texts(_parsed(bar_chart(title="Flags", groups=GROUPS)))
    assert texts == [
        "RegenWell Institute",
        "Overstated",
        "12",
        "Price claim",
        "3",
        "VitaCell",
        "Overstated",
        "0",
        "Price claim",
        "6",
    ]


def test_it_draws_bars_in_proportion_and_in_their_colours():
    rects = _parsed(bar_chart(title="Flags", groups=GROUPS)).iter(f"{SVG}rect")
    bars = [(float(rect.get("width")), rect.get("fill")) for rect in rects]
    longest = bars[0][0]
    assert bars[0][1] == "#dc2626" and bars[1][1] == "#059669"
    assert bars[1][0] == longest / 4
    assert bars[2][0] == 0
    assert bars[3][0] == longest / 2


def test_it_gives_each_bar_a_tooltip_naming_group_tag_and_count():
    svg = _parsed(bar_chart(title="Flags", groups=GROUPS, unit="flags"))
    tooltips = [title.text for title in svg.iter(f"{SVG}title")][1:]
    assert tooltips[0] == "RegenWell Institute: Overstated, 12 flags"
    assert "VitaCell: Overstated, 0 flags" in tooltips


def test_it_says_one_flag_not_one_flags():
    groups = [BarGroup(label="VitaCell", bars=(Bar("Overstated", 1),))]
    svg = _parsed(bar_chart(title="Flags", groups=groups, unit="flags"))
    assert [title.text for title in svg.iter(f"{SVG}title")][1] == "VitaCell: Overstated, 1 flag"


def test_it_escapes_markup_in_titles_and_labels():
    groups = [
        BarGroup(
            label='Smith & "Partners" <script>alert(1)</script>',
            bars=(Bar("<b>tag</b>", 2, '#fff" onload="x'),),
        )
    ]
    markup = str(bar_chart(title="<i>Flags</i>", groups=groups))
    assert "<script>" not in markup and "<b>" not in markup and "<i>" not in markup
    svg = _parsed(markup)
    assert svg.get("aria-label") == "<i>Flags</i>"
    assert 'Smith & "Partners" <script>alert(1)</script>' in _texts(svg)
    assert [rect.get("fill") for rect in svg.iter(f"{SVG}rect")] == ["#52606d"]
    assert "onload" not in [attribute for e in svg.iter() for attribute in e.attrib]


def test_it_shortens_long_labels_in_the_drawing_but_not_in_the_tooltip():
    name = "The International Institute of Regenerative and Anti-Ageing Medicine " * 2
    groups = [BarGroup(label=name, bars=(Bar("Overstated", 2),))]
    svg = _parsed(bar_chart(title="Flags", groups=groups))
    heading = _texts(svg)[0]
    assert heading.endswith("…") and len(heading) == 80
    assert [title.text for title in svg.iter(f"{SVG}title")][1].startswith(name)


def test_it_says_so_when_there_is_nothing_to_draw():
    assert str(bar_chart(title="Flags", groups=[])) == (
        '<p class="chart-empty">Flags: nothing to draw.</p>'
    )
    assert "nothing to draw" in str(line_chart(title="Flags per month", points=[]))


MONTHS = [Point("2025-01", 4), Point("2025-02", 0), Point("2025-03", 7), Point("2025-04", 2)]


def test_it_draws_a_line_chart_as_an_image_with_a_title_and_label():
    svg = _parsed(line_chart(title="Flags per month", points=MONTHS))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Flags per month"
    assert svg.find(f"{SVG}title").text == "Flags per month"


def test_it_joins_one_point_per_label_left_to_right_and_higher_for_more():
    svg = _parsed(line_chart(title="Flags per month", points=MONTHS))
    [line] = svg.iter(f"{SVG}polyline")
    points = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
    assert len(points) == 4
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    heights = [y for _, y in points]  # SVG's y grows downwards
    assert heights[2] < heights[0] < heights[3] < heights[1]


def test_it_labels_months_points_and_a_value_axis_from_zero_in_text():
    texts = _texts(_parsed(line_chart(title="Flags per month", points=MONTHS)))
    assert texts[:6] == ["0", "2", "4", "6", "8", "10"]  # the axis runs to 10
    assert texts[6:10] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert texts[10:] == ["4", "0", "7", "2"]


def test_it_writes_only_every_nth_label_on_a_long_series():
    points = [Point(f"{2020 + i // 12}-{i % 12 + 1:02d}", i) for i in range(48)]
    texts = _texts(_parsed(line_chart(title="Flags per month", points=points)))
    assert "2020-01" in texts and "2020-05" in texts and "2020-02" not in texts
    circles = list(_parsed(line_chart(title="Flags", points=points)).iter(f"{SVG}circle"))
    assert len(circles) == 48


def test_it_draws_a_single_point():
    svg = _parsed(line_chart(title="Flags per month", points=[Point("2025-03", 5)]))
    assert len(list(svg.iter(f"{SVG}circle"))) == 1
    assert "2025-03" in _texts(svg)


def test_it_escapes_markup_in_line_labels():
    markup = str(line_chart(title="Flags", points=[Point("<b>March</b>", 1)], colour="red"))
    assert "<b>" not in markup
    svg = _parsed(markup)
    assert "<b>March</b>" in _texts(svg)
    assert next(svg.iter(f"{SVG}polyline")).get("stroke") == "#52606d"
