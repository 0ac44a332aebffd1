"""Geometry of the strip chart of marks per establishment (issue 16). The SVG itself is written by the template
``harmonisation/includes/strip_chart.jinja``: this module only places the dots, the medians and the scale."""

from dataclasses import dataclass
from decimal import Decimal

from harmonisation.selectors import EstablishmentRow

LABEL_WIDTH = 230
SCALE_WIDTH = 400  # 20 points → 20 px a point
ROW_HEIGHT = 30
TOP = 24
WIDTH = LABEL_WIDTH + SCALE_WIDTH + 20


@dataclass
class ChartRow:
    label: str
    y: float
    path: str  # the dots as one SVG path of zero-length strokes with round caps (see ``dots_path``)
    median_x: float | None
    median: Decimal | None


@dataclass
class StripChart:
    width: int
    height: int
    rows: list[ChartRow]
    ticks: list[tuple[float, int]]
    axis_y: float
    academie_median_x: float | None


def x_of(mark: Decimal) -> float:
    return LABEL_WIDTH + float(mark) * SCALE_WIDTH / 20


def dots_path(marks: list[Decimal], y: float) -> str:
    """One SVG path for a row's dots (one element, not one per mark: the page shows 2,400 of them). Equal marks are
    spread vertically by their rank among the sorted marks (a fixed pattern, so the chart is the same on every load);
    a position drawn twice is written once."""
    points: dict[str, None] = {}
    xs: dict[Decimal, str] = {}
    for i, mark in enumerate(marks):
        x = xs.get(mark)
        if x is None:
            x = xs[mark] = f"M{x_of(mark):.1f} "
        points[f"{x}{y + ((i % 5) - 2) * 3:.1f}h0"] = None
    return "".join(points)


def strip_chart(rows: list[EstablishmentRow], academie_median: Decimal | None) -> StripChart:
    chart_rows = []
    for index, row in enumerate(rows):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        median = row.median
        median_x = x_of(median) if median is not None else None
        chart_rows.append(ChartRow(row.establishment.name[:34], y, dots_path(row.marks, y), median_x, median))
    axis_y = TOP + len(rows) * ROW_HEIGHT + 4
    ticks = [(x_of(Decimal(n)), n) for n in range(0, 21, 2)]
    median_x = x_of(academie_median) if academie_median is not None else None
    return StripChart(WIDTH, int(axis_y + 28), chart_rows, ticks, axis_y, median_x)
