"""The body of the cohort follow-up table (``classes/<id>/suivi/``), written in Python rather than in the template.

A class is about 30 students × 7 compétences: some 210 cells of a dozen template nodes each (variables, ``pluralize``,
``{% if %}``, number localisation) plus one ``{% url %}`` per row. Through the template engine that loop was about
two thirds of the page's CPU time; written here it costs well under a millisecond. The HTML is the one the template
loop wrote (same elements, classes, links and French texts, every user text escaped with ``conditional_escape``);
only whitespace differs. ``passeport/tests/test_render_cohort.py`` compares the two. The page template keeps the
layout, the caption and the sortable headers.
"""

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from passeport.selectors import StudentRow

_SENTINEL = 918273645  # a student pk that cannot collide with the rest of the URL


def _plural(n: int) -> str:
    """The ``pluralize`` filter for an integer."""
    return "" if n == 1 else "s"


def student_name(row: StudentRow) -> str:
    """``{{ user.last_name|upper }} {{ user.first_name }}``, not escaped."""
    return f"{row.student.last_name.upper()} {row.student.first_name}"


def table_rows(rows: list[StudentRow]) -> SafeString:
    """The ``<tr>`` of the ``<tbody>``: the student's name linking to the passeport, then one cell per compétence
    with the critères mobilised over the total and the latest formative level (and the number of positions)."""
    prefix, suffix = (
        str(conditional_escape(part))
        for part in reverse("passeport:passeport", args=[_SENTINEL]).split(str(_SENTINEL), 1)
    )
    levels: dict[int, str] = {}  # id(level) → its escaped badge, built once per level
    parts = []
    for row in rows:
        parts.append(
            f'<tr>\n<th scope="row"><a href="{prefix}{row.student.pk}{suffix}">'
            f"{conditional_escape(student_name(row))}</a></th>\n"
        )
        for cell in row.cells:
            latest = cell.latest
            if latest is None:
                level = '<span class="help">non positionné</span>'
            else:
                badge = levels.get(id(latest.level))
                if badge is None:
                    badge = levels[id(latest.level)] = (
                        f'<span class="level level-{latest.level.rank:d}">'
                        f"{conditional_escape(latest.level.code)}</span>"
                    )
                level = f'{badge} <span class="help">{latest.count} positionnement{_plural(latest.count)}</span>'
            parts.append(
                f'<td>{cell.covered}/{cell.total} <span class="help">critère{_plural(cell.total)}</span><br>\n'
                f"{level}</td>\n"
            )
        parts.append("</tr>\n")
    return mark_safe("".join(parts))  # noqa: S308 - names and level codes go through conditional_escape, the rest are ints
