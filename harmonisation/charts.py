"""Geometry of the strip chart of marks per establishment (issue 16). The SVG itself is written by the template
``harmonisation/includes/strip_chart.html``: this module only places the dots, the medians and the scale."""

from dataclasses import dataclass
from decimal import Decimal

from harmonisation.selectors import EstablishmentRow

LABEL_WIDTH = 230
SCALE_WIDTH = 400  # 20 points → 20 px a point
ROW_HEIGHT = 30
TOP = 24
WIDTH = LABEL_WIDTH + SCALE_WIDTH + 20


@dataclass
class Dot:
    x: float
    y: float
    mark: Decimal


@dataclass
class ChartRow:
    label: str
    y: float
    dots: list[Dot]
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


def strip_chart(rows: list[EstablishmentRow], academie_median: Decimal | None) -> StripChart:
    chart_rows = []
    for index, row in enumerate(rows):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        # Equal marks are spread vertically (a fixed pattern, so the chart is the same on every load).
        dots = [Dot(x_of(mark), y + ((i % 5) - 2) * 3, mark) for i, mark in enumerate(row.marks)]
        median = row.median
        chart_rows.append(
            ChartRow(row.establishment.name[:34], y, dots, x_of(median) if median is not None else None, median)
        )
    axis_y = TOP + len(rows) * ROW_HEIGHT + 4
    ticks = [(x_of(Decimal(n)), n) for n in range(0, 21, 2)]
    median_x = x_of(academie_median) if academie_median is not None else None
    return StripChart(WIDTH, int(axis_y + 28), chart_rows, ticks, axis_y, median_x)
