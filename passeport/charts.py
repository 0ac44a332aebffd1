"""Geometry of the server-rendered SVG charts: no JavaScript, printable, embeddable in PDFs.

This module only places things (coordinates, sizes, colours, shortened texts); the SVG markup is written by the
templates ``passeport/includes/profile_chart.svg.html`` and ``passeport/includes/heatmap.svg.html``, which escape
every text. Colours are SVG presentation attributes (the Content-Security-Policy forbids inline styles). Every chart
has a role, a <title> and a <desc>, writes the level code as text next to the colour (colour is never the only
carrier), and comes with a table equivalent in the page.
"""

from dataclasses import dataclass

from referentiel.models import Level

# By rank (1 = TI … 4 = TS). Each fill carries white text with a contrast ratio above 4.5:1 (WCAG AA) and stands
# out from the white page by more than 3:1.
LEVEL_FILLS = {1: "#a3161d", 2: "#8a4b00", 3: "#1d6b32", 4: "#123f7a"}
EMPTY_FILL = "#f3f4f7"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
LINE = "#c8ccd4"
WHITE = "#ffffff"


def level_fill(level: Level | None) -> str:
    return LEVEL_FILLS.get(level.rank, MUTED) if level else EMPTY_FILL


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class LegendItem:
    x: int
    y: int
    fill: str
    label: str
    outlined: bool  # the empty swatch is drawn with a border: its fill is close to the page's white

    @property
    def text_x(self) -> int:
        return self.x + 20

    @property
    def text_y(self) -> int:
        return self.y + 12


def _legend(levels: list[Level], y: int, empty_label: str) -> list[LegendItem]:
    items = []
    x = 8
    for level in [*levels, None]:
        label = f"{level.code} – {level.label}" if level else empty_label
        items.append(LegendItem(x, y, level_fill(level), label, level is None))
        x += 26 + 7 * len(label)
    return items


@dataclass(frozen=True)
class Frame:
    """What every chart opens with: its size and the ids its title and description are referenced by."""

    chart_id: str
    title: str
    desc: str
    width: int
    height: int


# --- Profile of one student -------------------------------------------------------------------------------------


@dataclass
class ProfileItem:
    label: str
    level: Level | None


PROFILE_WIDTH, LABEL_WIDTH, STEP, ROW, HEADING = 760, 420, 75, 22, 26


@dataclass(frozen=True)
class ProfileTick:
    x: int
    code: str


@dataclass(frozen=True)
class ProfileBar:
    """One critère's row: its label, and a bar whose length is the rank of the latest level (none if unpositioned)."""

    y: int
    tooltip: str
    label: str
    code: str  # "" when not positioned
    width: int
    fill: str

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def bar_y(self) -> int:
        return self.y + 3

    @property
    def code_x(self) -> int:
        return LABEL_WIDTH + self.width - 5


@dataclass(frozen=True)
class ProfileGroup:
    heading: str
    heading_y: int
    bars: list[ProfileBar]


@dataclass(frozen=True)
class ProfileChart:
    frame: Frame
    top: int
    bottom: int
    ticks: list[ProfileTick]
    groups: list[ProfileGroup]
    legend: list[LegendItem]
    axis_x: int = LABEL_WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def tick_top(self) -> int:
        return self.top - 4

    @property
    def tick_label_y(self) -> int:
        return self.top - 10

    @property
    def empty_x(self) -> int:
        return LABEL_WIDTH + 6


def profile_chart(
    *, chart_id: str, title: str, desc: str, groups: list[tuple[str, list[ProfileItem]]], levels: list[Level]
) -> ProfileChart:
    """Horizontal bars, one per critère grouped by compétence; the bar length is the rank of the latest level."""
    rows = sum(len(items) for _, items in groups)
    height = 34 + HEADING * len(groups) + ROW * rows + 44
    top, bottom = 30, 34 + HEADING * len(groups) + ROW * rows
    ticks = [ProfileTick(LABEL_WIDTH + level.rank * STEP, level.code) for level in levels]
    placed = []
    y = 34
    for heading, items in groups:
        heading_y = y + 17
        y += HEADING
        bars = []
        for item in items:
            bars.append(_profile_bar(item, y))
            y += ROW
        placed.append(ProfileGroup(_truncate(heading, 95), heading_y, bars))
    frame = Frame(chart_id, title, desc, PROFILE_WIDTH, height)
    return ProfileChart(frame, top, bottom, ticks, placed, _legend(levels, height - 30, "non positionné"))


def _profile_bar(item: ProfileItem, y: int) -> ProfileBar:
    level = item.level
    label = _truncate(item.label, 64)
    if level is None:
        return ProfileBar(y, f"{item.label} : non positionné", label, "", 0, EMPTY_FILL)
    tooltip = f"{item.label} : {level.code} – {level.label}"
    return ProfileBar(y, tooltip, label, level.code, level.rank * STEP, level_fill(level))


# --- Heatmap of a cohort ------------------------------------------------------------------------------------------


@dataclass
class HeatCell:
    level: Level | None
    text: str  # short text written in the cell, e.g. "S · 2/4"
    description: str  # full sentence for the tooltip and assistive technologies


NAME_WIDTH, CELL_W, CELL_H, HEADER = 220, 92, 26, 34


@dataclass(frozen=True)
class HeatColumn:
    x: int  # centre of the column
    short: str
    full: str


@dataclass(frozen=True)
class PlacedCell:
    x: int  # left edge of the cell's rectangle
    text_x: int
    fill: str
    ink: str
    text: str
    description: str


@dataclass(frozen=True)
class HeatRow:
    name: str
    rect_y: int
    text_y: int
    cells: list[PlacedCell]


@dataclass(frozen=True)
class Heatmap:
    frame: Frame
    header_y: int
    columns: list[HeatColumn]
    rows: list[HeatRow]
    legend: list[LegendItem]
    cell_width: int = CELL_W - 2
    cell_height: int = CELL_H - 2


def heatmap(
    *,
    chart_id: str,
    title: str,
    desc: str,
    columns: list[tuple[str, str]],
    rows: list[tuple[str, list[HeatCell]]],
    levels: list[Level],
) -> Heatmap:
    """Students × compétences, each cell coloured by the latest formative level and labelled with its text."""
    width = max(NAME_WIDTH + CELL_W * len(columns) + 8, 760)
    height = HEADER + CELL_H * len(rows) + 50
    placed_columns = [
        HeatColumn(NAME_WIDTH + i * CELL_W + CELL_W // 2, short, full) for i, (short, full) in enumerate(columns)
    ]
    placed_rows = []
    for r, (name, cells) in enumerate(rows):
        y = HEADER + r * CELL_H
        placed = [
            PlacedCell(
                NAME_WIDTH + i * CELL_W + 1,
                NAME_WIDTH + i * CELL_W + CELL_W // 2,
                level_fill(cell.level),
                WHITE if cell.level else INK,
                str(cell.text),
                str(cell.description),
            )
            for i, cell in enumerate(cells)
        ]
        placed_rows.append(HeatRow(_truncate(name, 30), y + 1, y + 17, placed))
    frame = Frame(chart_id, title, desc, width, height)
    legend = _legend(levels, height - 34, "aucun positionnement")
    return Heatmap(frame, HEADER - 10, placed_columns, placed_rows, legend)
