"""The cohort overview: students × compétences, coverage and latest formative level, sortable, printable."""

import datetime
import re

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passeport.selectors_cohort import CohortStudent, CompetencyCell, StudentRow
from passeport.services.followup import create_formative_assessment
from referentiel.models import Level
from tests.factories import criteria, make_activity
from tests.personas import make_student


def _url(cohort, query=""):
    return reverse("passeport:cohort_overview", args=[cohort.pk]) + query


def _level(student, code):
    return Level.objects.get(version=student.cohort.exam_session.version, code=code)


def _assess(student, teacher, on, *pairs):
    return create_formative_assessment(
        student=student,
        assessor=teacher,
        assessed_on=on,
        activity=make_activity(student),
        positions={c: _level(student, code) for c, code in pairs},
    )


def _rows(page):
    """``{student name: [cell text, …]}`` from the table, in the order of the page."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    rows = {}
    for match in re.finditer(r'<th scope="row"><a [^>]+>([^<]+)</a></th>(.*?)</tr>', body, flags=re.S):
        cells = [
            re.sub(r"<[^>]+>|\s+", " ", cell).split() for cell in re.findall(r"<td>(.*?)</td>", match.group(2), re.S)
        ]
        rows[match.group(1)] = [" ".join(cell) for cell in cells]
    return rows


def test_it_shows_coverage_and_latest_level_per_competence(cast, login):
    e4 = criteria(cast.student, "E4")  # compétence 1 has critères 0-3, compétence 2 has 4-5
    activity = make_activity(cast.student)
    activity.criteria.set([e4[0], e4[1], e4[4]])
    make_activity(cast.student).criteria.set([e4[1]])  # mobilised twice, counted once
    _assess(cast.student, cast.teacher, datetime.date(2026, 1, 10), (e4[0], "TS"))
    _assess(cast.student, cast.teacher, datetime.date(2026, 2, 10), (e4[2], "I"))
    _assess(cast.student, cast.teacher, datetime.date(2025, 12, 1), (e4[3], "S"))
    rows = _rows(login(cast.teacher).get(_url(cast.cohort)).content.decode())
    emma = rows["ÉTUDIANTE Emma"]
    assert emma[0] == "2/4 critères I 3 positionnements"  # most recent (10/02) wins over the better TS
    assert emma[1] == "1/2 critères non positionné"
    assert emma[2] == "0/3 critères non positionné"
    assert len(emma) == 7  # 4 compétences of E4, 3 of E6
    assert rows["ÉTUDIANT Lucas"][0] == "0/4 critères non positionné"


def test_two_criteres_of_a_competence_in_one_assessment_show_the_lower_level(cast, login):
    e4 = criteria(cast.student, "E4")
    _assess(cast.student, cast.teacher, datetime.date(2026, 1, 10), (e4[0], "TS"), (e4[1], "I"))
    rows = _rows(login(cast.teacher).get(_url(cast.cohort)).content.decode())
    assert rows["ÉTUDIANTE Emma"][0] == "0/4 critères I 2 positionnements"


def test_it_sorts_by_name_by_default_and_can_reverse(cast, login):
    make_student("anna", "Anna", "Abel", cast.cohort)
    make_student("zeno", "Zeno", "Zola", cast.cohort)
    client = login(cast.teacher)
    names = list(_rows(client.get(_url(cast.cohort)).content.decode()))
    assert names == ["ABEL Anna", "ÉTUDIANT Lucas", "ÉTUDIANTE Emma", "ZOLA Zeno"]
    names = list(_rows(client.get(_url(cast.cohort, "?tri=nom&ordre=desc")).content.decode()))
    assert names == ["ZOLA Zeno", "ÉTUDIANTE Emma", "ÉTUDIANT Lucas", "ABEL Anna"]


def test_it_sorts_by_a_competence_column_weakest_first(cast, login):
    e4 = criteria(cast.student, "E4")
    competency = e4[0].competency
    abel = make_student("anna", "Anna", "Abel", cast.cohort)
    _assess(cast.student, cast.teacher, datetime.date(2026, 1, 10), (e4[0], "TS"))
    _assess(cast.student2, cast.teacher, datetime.date(2026, 1, 10), (e4[0], "I"))
    make_activity(abel).criteria.set([e4[0]])
    client = login(cast.teacher)
    page = client.get(_url(cast.cohort, f"?tri=c{competency.pk}")).content.decode()
    assert list(_rows(page)) == ["ABEL Anna", "ÉTUDIANT Lucas", "ÉTUDIANTE Emma"]
    page = client.get(_url(cast.cohort, f"?tri=c{competency.pk}&ordre=desc")).content.decode()
    assert list(_rows(page)) == ["ÉTUDIANTE Emma", "ÉTUDIANT Lucas", "ABEL Anna"]


def test_the_headers_are_links_and_the_sorted_one_has_aria_sort(cast, login):
    competency = criteria(cast.student, "E4")[0].competency
    client = login(cast.teacher)
    page = client.get(_url(cast.cohort)).content.decode()
    assert '<th scope="col" aria-sort="ascending">' in page
    assert 'href="?tri=nom&amp;ordre=desc"' in page
    assert f'href="?tri=c{competency.pk}&amp;ordre=asc"' in page
    assert page.count("aria-sort=") == 1
    page = client.get(_url(cast.cohort, f"?tri=c{competency.pk}&ordre=desc")).content.decode()
    header = page[page.index('aria-sort="descending"') :]
    assert header.index(competency.title) < header.index("</th>")
    assert f'href="?tri=c{competency.pk}&amp;ordre=asc"' in header


def test_an_unknown_sort_falls_back_to_names(cast, login):
    response = login(cast.teacher).get(_url(cast.cohort, "?tri=c999999&ordre=nimporte"))
    assert response.status_code == 200
    assert '<th scope="col" aria-sort="ascending">' in response.content.decode()


def test_the_heatmap_is_accessible_svg_with_a_legend(cast, login):
    e4 = criteria(cast.student, "E4")
    make_activity(cast.student).criteria.set([e4[0]])
    _assess(cast.student, cast.teacher, datetime.date(2026, 1, 10), (e4[0], "S"))
    page = login(cast.teacher).get(_url(cast.cohort)).content.decode()
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="carte-classe"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="carte-classe-titre">Carte de chaleur de la classe NDRC 2</title>' in svg
    assert "<desc id=" in svg
    assert "S · 1/4" in svg
    assert "ÉTUDIANTE Emma, Cibler et prospecter la clientèle : dernier niveau S, 1 critère(s) mobilisé(s) sur 4" in svg
    assert "S – Satisfaisant" in svg and "aucun positionnement" in svg  # legend
    assert "E4·C1 = Cibler et prospecter la clientèle" in page  # key of the short column names


def test_the_page_links_to_each_passeport_and_loads_the_print_css(cast, login):
    page = login(cast.teacher).get(_url(cast.cohort)).content.decode()
    assert reverse("passeport:passeport", args=[cast.student.pk]) in page
    assert "/static/css/passeport.css" in page


def test_names_are_escaped_and_counts_are_said_in_french(cast, login):
    make_student("jeanne", 'Jeanne "la" <i>', "d'Arc & <script>alert(1)</script>", cast.cohort)
    e4 = criteria(cast.student, "E4")
    make_activity(cast.student).criteria.set([e4[4]])
    _assess(cast.student, cast.teacher, datetime.date(2026, 1, 10), (e4[4], "TS"), (e4[5], "TS"))
    page = login(cast.teacher).get(_url(cast.cohort)).content.decode()
    assert "<script>alert" not in page and "<i>" not in page
    escaped = (
        r"D&#(x27|39);ARC &amp; &lt;SCRIPT&gt;ALERT\(1\)&lt;/SCRIPT&gt; "
        r"Jeanne &(quot|#34);la&(quot|#34); &lt;i&gt;</a>"
    )
    assert re.search(escaped, page)
    emma = _rows(page)["ÉTUDIANTE Emma"]
    assert emma[1] == "1/2 critères TS 2 positionnements"
    assert '<span class="level level-4">TS</span> <span class="help">2 positionnements</span>' in page


def test_an_empty_cohort_says_so(cast, login):
    from accounts.models import Cohort

    empty = Cohort.objects.create(establishment=cast.establishment, name="Vide", year=2, exam_session=cast.session)
    page = login(cast.teacher).get(_url(empty)).content.decode()
    assert "Aucun étudiant dans cette classe." in page


def _fill(cohort, teacher, count, start):
    for i in range(start, start + count):
        student = make_student(f"s{i}", f"Prénom{i}", f"Nom{i:03d}", cohort)
        e4 = criteria(student, "E4")
        e6 = criteria(student, "E6")
        make_activity(student).criteria.set([e4[i % len(e4)], e6[i % len(e6)]])
        _assess(student, teacher, datetime.date(2026, 1, 1 + i % 28), (e4[i % len(e4)], "S"), (e6[0], "TI"))


def _count(client, cohort):
    client.get(_url(cohort))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(cohort, "?tri=nom")).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_number_of_students(cast, login):
    from accounts.models import Cohort

    small = Cohort.objects.create(establishment=cast.establishment, name="Petit", year=2, exam_session=cast.session)
    large = Cohort.objects.create(establishment=cast.establishment, name="Grand", year=2, exam_session=cast.session)
    _fill(small, cast.teacher, 5, 0)
    _fill(large, cast.teacher, 50, 100)
    client = login(cast.teacher)
    assert small.students.count() == 5 and large.students.count() == 50
    assert _count(client, small) == _count(client, large)


def test_the_jinja_rows_are_inserted_escaped_once():
    rows = [StudentRow(CohortStudent(7, "Dupont & fils", "Léa"), [CompetencyCell(covered=1, total=1, latest=None)])]
    page = Template('{% load jinja %}<tbody>{% jinja "passeport/includes/cohort_rows.jinja" rows=rows %}</tbody>')
    html = page.render(Context({"rows": rows}))
    assert ">DUPONT &amp; FILS Léa</a>" in html
    assert '1/1 <span class="help">critère</span>' in html and "non positionné" in html
