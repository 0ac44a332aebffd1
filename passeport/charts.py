"""Server-rendered SVG charts: no JavaScript, printable, embeddable in PDFs.

Colours are SVG presentation attributes (the Content-Security-Policy forbids inline styles). Every chart has a
role, a <title> and a <desc>, writes the level code as text next to the colour (colour is never the only carrier),
and comes with a table equivalent in the page.
"""

from dataclasses import dataclass
from html import escape as text_escape

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from referentiel.models import Level

# By rank (1 = TI … 4 = TS). Each fill carries white text with a contrast ratio above 4.5:1 (WCAG AA) and stands
# out from the white page by more than 3:1.
LEVEL_FILLS = {1: "#a3161d", 2: "#8a4b00", 3: "#1d6b32", 4: "#123f7a"}
EMPTY_FILL = "#f3f4f7"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
LINE = "#c8ccd4"
WHITE = "#ffffff"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


def level_fill(level: Level | None) -> str:
    return LEVEL_FILLS.get(level.rank, MUTED) if level else EMPTY_FILL


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{escape(chart_id)}-titre {escape(chart_id)}-desc" {FONT}>',
        f'<title id="{escape(chart_id)}-titre">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{WHITE}"/>',
    ]


def _legend(levels: list[Level], y: int, empty_label: str) -> list[str]:
    parts = []
    x = 8
    for level in [*levels, None]:
        label = f"{level.code} – {level.label}" if level else empty_label
        stroke = f' stroke="{MUTED}"' if level is None else ""
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{level_fill(level)}"{stroke}/>')
        parts.append(f'<text x="{x + 20}" y="{y + 12}" font-size="12" fill="{INK}">{escape(label)}</text>')
        x += 26 + 7 * len(label)
    return parts


# --- Profile of one student -------------------------------------------------------------------------------------


@dataclass
class ProfileItem:
    label: str
    level: Level | None


PROFILE_WIDTH, LABEL_WIDTH, STEP, ROW, HEADING = 760, 420, 75, 22, 26


def profile_chart(
    *, chart_id: str, title: str, desc: str, groups: list[tuple[str, list[ProfileItem]]], levels: list[Level]
) -> SafeString:
    """Horizontal bars, one per critère grouped by compétence; the bar length is the rank of the latest level."""
    rows = sum(len(items) for _, items in groups)
    height = 34 + HEADING * len(groups) + ROW * rows + 44
    top, bottom = 30, 34 + HEADING * len(groups) + ROW * rows
    parts = _open(chart_id, PROFILE_WIDTH, height, title, desc)
    x0 = LABEL_WIDTH
    for level in levels:
        x = x0 + level.rank * STEP
        parts.append(f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{bottom}" stroke="{LINE}" stroke-dasharray="3 3"/>')
        parts.append(
            f'<text x="{x}" y="{top - 10}" font-size="12" text-anchor="end" fill="{INK}">{escape(level.code)}</text>'
        )
    parts.append(f'<line x1="{x0}" y1="{top - 4}" x2="{x0}" y2="{bottom}" stroke="{MUTED}"/>')
    y = 34
    for heading, items in groups:
        parts.append(
            f'<text x="4" y="{y + 17}" font-size="13" font-weight="700" fill="{INK}">{escape(_truncate(heading, 95))}'
            "</text>"
        )
        y += HEADING
        for item in items:
            parts.extend(_profile_row(item, y))
            y += ROW
    parts.extend(_legend(levels, height - 30, "non positionné"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def _profile_row(item: ProfileItem, y: int) -> list[str]:
    level = item.level
    text = f"{item.label} : {level.code} – {level.label}" if level else f"{item.label} : non positionné"
    parts = [
        "<g>",
        f"<title>{escape(text)}</title>",
        f'<text x="16" y="{y + 15}" font-size="12" fill="{INK}">{escape(_truncate(item.label, 64))}</text>',
    ]
    if level is None:
        parts.append(f'<text x="{LABEL_WIDTH + 6}" y="{y + 15}" font-size="12" fill="{MUTED}">non positionné</text>')
    else:
        width = level.rank * STEP
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="16" fill="{level_fill(level)}"/>'
            f'<text x="{LABEL_WIDTH + width - 5}" y="{y + 15}" font-size="12" font-weight="700" text-anchor="end" '
            f'fill="{WHITE}">{escape(level.code)}</text>'
        )
    parts.append("</g>")
    return parts


# --- Heatmap of a cohort ------------------------------------------------------------------------------------------


@dataclass
class HeatCell:
    level: Level | None
    text: str  # short text written in the cell, e.g. "S · 2/4"
    description: str  # full sentence for the tooltip and assistive technologies


NAME_WIDTH, CELL_W, CELL_H, HEADER = 220, 92, 26, 34


def heatmap(
    *,
    chart_id: str,
    title: str,
    desc: str,
    columns: list[tuple[str, str]],
    rows: list[tuple[str, list[HeatCell]]],
    levels: list[Level],
) -> SafeString:
    """Students × compétences, each cell coloured by the latest formative level and labelled with its text.

    The ~200 cells are escaped with the standard library's ``html.escape`` (what Django's ``escape`` calls, without
    its lazy-string wrapper, which cost more than the rest of the chart).
    """
    width = max(NAME_WIDTH + CELL_W * len(columns) + 8, 760)
    height = HEADER + CELL_H * len(rows) + 50
    parts = _open(chart_id, width, height, title, desc)
    for i, (short, full) in enumerate(columns):
        x = NAME_WIDTH + i * CELL_W + CELL_W // 2
        parts.append(
            f"<g><title>{escape(full)}</title>"
            f'<text x="{x}" y="{HEADER - 10}" font-size="12" font-weight="700" text-anchor="middle" '
            f'fill="{INK}">{escape(short)}</text></g>'
        )
    for r, (name, cells) in enumerate(rows):
        y = HEADER + r * CELL_H
        parts.append(f'<text x="4" y="{y + 17}" font-size="12" fill="{INK}">{text_escape(_truncate(name, 30))}</text>')
        for i, cell in enumerate(cells):
            x = NAME_WIDTH + i * CELL_W
            ink = WHITE if cell.level else INK
            parts.append(
                f"<g><title>{text_escape(str(cell.description))}</title>"
                f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'fill="{level_fill(cell.level)}" stroke="{WHITE}"/>'
                f'<text x="{x + CELL_W // 2}" y="{y + 17}" font-size="12" text-anchor="middle" '
                f'fill="{ink}">{text_escape(str(cell.text))}</text></g>'
            )
    parts.extend(_legend(levels, height - 34, "aucun positionnement"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape() or text_escape()
