"""The Python-written rows of the cohort follow-up table write what the former template loop wrote."""

import datetime
import re

from django.template import engines
from django.urls import reverse

from passeport.render_cohort import table_rows
from passeport.selectors import CohortStudent, CompetencyCell, Latest, StudentRow
from referentiel.models import Level

# The loop of templates/passeport/cohort_overview.html before it moved to passeport/render_cohort.py (only the path to
# the names changed: the rows now carry the names instead of a Student and its User).
FORMER_TEMPLATE = """
      {% for row in o.rows %}
      <tr>
        <th scope="row"><a href="{% url 'passeport:passeport' row.student.pk %}">{{ row.student.last_name|upper }} {{ row.student.first_name }}</a></th>
        {% for cell in row.cells %}
        <td>{{ cell.covered }}/{{ cell.total }} <span class="help">critère{{ cell.total|pluralize }}</span><br>
          {% if cell.latest %}<span class="level level-{{ cell.latest.level.rank }}">{{ cell.latest.level.code }}</span> <span class="help">{{ cell.latest.count }} positionnement{{ cell.latest.count|pluralize }}</span>{% else %}<span class="help">non positionné</span>{% endif %}</td>
        {% endfor %}
      </tr>
      {% endfor %}
"""  # noqa: E501


def _normalise(html: str) -> str:
    """Whitespace only: collapsed, and dropped around the table's own tags (where it never shows)."""
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r" ?(</?(?:tr|td|th)\b[^>]*>) ?", r"\1", html)
    return html.replace("<br> ", "<br>").strip()


def _rows() -> list[StudentRow]:
    ti = Level(pk=1, code="TI", label="Très insuffisant", rank=1)
    ts = Level(pk=4, code="TS", label="Très satisfaisant", rank=4)
    odd = Level(pk=9, code="<b>", label="Piège", rank=3)
    on = datetime.date(2026, 1, 10)
    return [
        StudentRow(
            CohortStudent(12, "Étudiante", "Emma"),
            [
                CompetencyCell(covered=2, total=4, latest=Latest(ts, on, 3)),
                CompetencyCell(covered=1, total=1, latest=Latest(ti, on, 1)),
                CompetencyCell(covered=0, total=3, latest=None),
            ],
        ),
        StudentRow(
            CohortStudent(7, "d'Arc & <script>alert(1)</script>", 'Jeanne "la" <i>'),
            [
                CompetencyCell(covered=0, total=4, latest=None),
                CompetencyCell(covered=0, total=1, latest=Latest(odd, on, 12)),
                CompetencyCell(covered=3, total=3, latest=Latest(ts, on, 2)),
            ],
        ),
    ]


def test_the_rows_are_those_of_the_former_template():
    rows = _rows()
    former = engines["django"].from_string(FORMER_TEMPLATE).render({"o": {"rows": rows}})
    assert _normalise(table_rows(rows)) == _normalise(former)


def test_the_rows_link_to_the_passeports_and_say_the_counts_in_french():
    html = str(table_rows(_rows()))
    assert f'<th scope="row"><a href="{reverse("passeport:passeport", args=[12])}">ÉTUDIANTE Emma</a></th>' in html
    assert f'href="{reverse("passeport:passeport", args=[7])}"' in html
    assert '2/4 <span class="help">critères</span><br>' in html
    assert '1/1 <span class="help">critère</span><br>' in html
    assert '<span class="level level-4">TS</span> <span class="help">3 positionnements</span>' in html
    assert '<span class="level level-1">TI</span> <span class="help">1 positionnement</span>' in html
    assert '<span class="help">non positionné</span>' in html
    assert html.count("<tr>") == 2 and html.count("<td>") == 6


def test_user_text_is_escaped():
    html = str(table_rows(_rows()))
    assert "<script>" not in html and "<i>" not in html and "<b>" not in html
    assert "D&#x27;ARC &amp; &lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt; Jeanne &quot;la&quot; &lt;i&gt;</a>" in html
    assert '<span class="level level-3">&lt;b&gt;</span>' in html
