"""Spreadsheet exports of training traces: class follow-up, passeport matrix, formative assessments.

Opened back as a user would: XLSX with openpyxl (headers, frozen row, widths, real dates and numbers), CSV as French
Excel reads it (UTF-8 with BOM, semicolons, decimal comma, dates « jj/mm/aaaa »).
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from passeport.services.followup import create_formative_assessment
from tests.factories import add_evidence, criteria, level, make_activity, make_fiche
from tests.personas import make_student

pytestmark = pytest.mark.django_db

HOSTILE = "=cmd|' /C calc'!A0"


def _midnight(*ymd: int) -> datetime.datetime:
    """How openpyxl reads back a date cell: a naive datetime at midnight (a spreadsheet has no time zone)."""
    return datetime.datetime.combine(datetime.date(*ymd), datetime.time())


def _assess(cast, student, on, pairs, *, comment="", fiche=None):
    return create_formative_assessment(
        student=student,
        assessor=cast.teacher,
        assessed_on=on,
        activity=None if fiche else make_activity(student),
        fiche=fiche,
        positions={c: level(student, code) for c, code in pairs},
        comment=comment,
    )


@pytest.fixture
def traces(cast):
    e4 = criteria(cast.student, "E4")  # compétence 1: critères 0-3
    activity = make_activity(cast.student, title="Prospection téléphonique")
    activity.criteria.set([e4[0], e4[4]])
    add_evidence(activity, 2)
    _assess(cast, cast.student, datetime.date(2026, 1, 10), [(e4[0], "TS"), (e4[1], "I")], comment="Bien ; à suivre")
    _assess(cast, cast.student, datetime.date(2026, 2, 10), [(e4[2], "S")], fiche=make_fiche(cast.student))
    return e4


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.content))


def _csv(response):
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in response.content
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _get(login, user, name, pk, fmt):
    return login(user).get(reverse(f"passeport:{name}", args=[pk, fmt]))


# --- Class follow-up ----------------------------------------------------------------------------------------------


def test_followup_xlsx_has_one_row_per_student_with_numbers_and_dates(cast, login, traces):
    book = _xlsx(_get(login, cast.teacher, "cohort_followup_export", cast.cohort.pk, "xlsx"))
    sheet = book["Suivi"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Nom",
        "Prénom",
        "E4·C1 critères mobilisés (sur 4)",
        "E4·C1 couverture (%)",
        "E4·C1 dernier niveau",
        "E4·C1 date du niveau",
        "E4·C1 positionnements",
    )
    assert len(rows[0]) == 2 + 5 * 7  # 4 compétences of E4, 3 of E6
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Étudiant", "Étudiante"}  # one row per student of the class
    emma = by_name["Étudiante"]
    assert emma[2:7] == (1, 25.0, "S", _midnight(2026, 2, 10), 3)  # most recent level, three positions
    assert isinstance(emma[2], int)
    emma_row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Étudiante")
    assert emma_row[5].number_format == "DD/MM/YYYY"
    assert by_name["Étudiant"][2:7] == (0, 0.0, None, None, 0)
    assert sheet.freeze_panes == "C2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width == 22
    assert [row[0] for row in book["Compétences"].iter_rows(values_only=True)][:2] == ["Colonne", "E4·C1"]


def test_followup_csv_is_french_excel(cast, login, traces):
    rows = _csv(_get(login, cast.teacher, "cohort_followup_export", cast.cohort.pk, "csv"))
    assert rows[0][:3] == ["Nom", "Prénom", "E4·C1 critères mobilisés (sur 4)"]
    emma = next(row for row in rows if row[0] == "Étudiante")
    assert emma[2:7] == ["1", "25", "S", "10/02/2026", "3"]
    assert emma[7:9] == ["1", "50"]  # compétence 2: 1 critère of 2
    assert emma[12:14] == ["0", "0"]  # compétence 3
    assert len(rows) == 3


def test_followup_csv_writes_decimals_with_a_comma(cast, login):
    e4 = criteria(cast.student, "E4")
    make_activity(cast.student).criteria.set([e4[7]])  # compétence 3 has three critères: 33.3 %
    rows = _csv(_get(login, cast.teacher, "cohort_followup_export", cast.cohort.pk, "csv"))
    emma = next(row for row in rows if row[0] == "Étudiante")
    assert emma[13] == "33,3"


def test_followup_download_is_audited(cast, login, traces):
    _get(login, cast.teacher, "cohort_followup_export", cast.cohort.pk, "csv")
    entry = AuditEntry.objects.get(action="cohort_followup.exported")
    assert entry.actor == cast.teacher
    assert entry.object_id == str(cast.cohort.pk)
    assert entry.changes["filename"] == "suivi-ndrc-2-2027.csv"


def test_followup_neutralises_formula_names(cast, login):
    make_student("mallory", HOSTILE, "@SUM(1+1)", cast.cohort)
    rows = _csv(_get(login, cast.teacher, "cohort_followup_export", cast.cohort.pk, "csv"))
    assert ["'@SUM(1+1)", "'" + HOSTILE] in [row[:2] for row in rows]
    sheet = _xlsx(_get(login, cast.teacher, "cohort_followup_export", cast.cohort.pk, "xlsx"))["Suivi"]
    cells = [c for row in sheet.iter_rows() for c in row[:2] if c.value and ("SUM" in c.value or "cmd" in c.value)]
    assert {c.value for c in cells} == {"'@SUM(1+1)", "'" + HOSTILE}
    assert all(c.data_type == "s" for c in cells)


def _add_students(cast, n, prefix):
    e4 = criteria(cast.student, "E4")
    for i in range(n):
        student = make_student(f"{prefix}{i}", f"Prénom{i}", f"Nom{prefix}{i}", cast.cohort)
        make_activity(student).criteria.set(e4[:3])
        _assess(cast, student, datetime.date(2026, 3, 1), [(e4[0], "S"), (e4[5], "I")], comment="ok")


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "arg"),
    [("cohort_followup_export", "cohort"), ("cohort_formative_export", "cohort"), ("passeport_export", "student")],
)
def test_queries_do_not_grow_with_the_class(cast, login, django_assert_num_queries, name, arg):
    client = login(cast.teacher)
    pk = cast.cohort.pk if arg == "cohort" else cast.student.pk
    url = reverse(f"passeport:{name}", args=[pk, "xlsx"])
    _add_students(cast, 2, "a")
    if arg == "student":  # the passeport grows by activities and assessments, not by students
        for _ in range(2):
            make_activity(cast.student).criteria.set(criteria(cast.student, "E4")[:2])
    small = _count(client, url)
    _add_students(cast, 8, "b")
    if arg == "student":
        for _ in range(8):
            activity = make_activity(cast.student)
            activity.criteria.set(criteria(cast.student, "E4")[:2])
            add_evidence(activity, 1)
            _assess(cast, cast.student, datetime.date(2026, 3, 2), [(criteria(cast.student, "E6")[0], "TS")])
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


# --- Formative assessments ------------------------------------------------------------------------------------------


def test_formative_xlsx_has_one_row_per_position_with_dates_and_ids(cast, login, traces):
    sheet = _xlsx(_get(login, cast.teacher, "cohort_formative_export", cast.cohort.pk, "xlsx")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "N° d'évaluation",
        "Date",
        "Évaluateur·rice",
        "Nom",
        "Prénom",
        "Objet",
        "Épreuve du critère",
        "Critère",
        "Niveau",
        "Libellé du niveau",
        "Commentaire",
    )
    body = rows[1:]
    assert len(body) == 3  # two positions of the first assessment, one of the second
    first, second, third = body
    assert isinstance(first[0], int) and first[0] == second[0] != third[0]
    assert first[1] == _midnight(2026, 1, 10)
    assert sheet.cell(row=2, column=2).number_format == "DD/MM/YYYY"
    assert first[2] == "Bob PROF"
    assert first[3:5] == ("Étudiante", "Emma")
    assert first[5] == "Activité : Négociation d'un contrat d'entretien"
    assert {first[8], second[8]} == {"TS", "I"}
    assert first[10] == "Bien ; à suivre"
    assert third[1] == _midnight(2026, 2, 10)
    assert third[5].startswith("Fiche E4 n° 1 – ")
    assert third[7] == traces[2].title and third[8] == "S"
    assert sheet.freeze_panes == "A2"


def test_formative_csv_parses_with_semicolons_despite_one_in_a_comment(cast, login, traces):
    rows = _csv(_get(login, cast.teacher, "cohort_formative_export", cast.cohort.pk, "csv"))
    assert len(rows) == 4
    assert all(len(row) == 11 for row in rows)
    assert rows[1][1] == "10/01/2026"
    assert rows[1][10] == "Bien ; à suivre"


def test_student_formative_export_holds_only_that_student(cast, login, traces):
    e4 = criteria(cast.student2, "E4")
    _assess(cast, cast.student2, datetime.date(2026, 1, 5), [(e4[0], "I")])
    rows = _csv(_get(login, cast.student.user, "student_formative_export", cast.student.pk, "csv"))
    assert {row[3] for row in rows[1:]} == {"Étudiante"}
    assert len(rows) == 4
    cohort_rows = _csv(_get(login, cast.teacher, "cohort_formative_export", cast.cohort.pk, "csv"))
    assert [row[3] for row in cohort_rows[1:]] == ["Étudiant", "Étudiante", "Étudiante", "Étudiante"]  # by name


# --- Passeport matrix -----------------------------------------------------------------------------------------------


def test_passeport_xlsx_has_one_row_per_critere_and_a_column_per_activity(cast, login, traces):
    second = make_activity(cast.student, title=HOSTILE, start_date=datetime.date(2026, 6, 1), end_date=None)
    second.criteria.set([traces[0]])
    book = _xlsx(_get(login, cast.student.user, "passeport_export", cast.student.pk, "xlsx"))
    sheet = book["Passeport"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    activity_count = len([h for h in header if h.startswith("A") and " – " in h])
    assert header[:4] == ("Épreuve", "Compétence", "N°", "Critère")
    assert header[-5:] == ("Activités", "Preuves", "Dernier niveau formatif", "Date du niveau", "Positionnements")
    assert header[4].startswith("A1 – ")
    assert header[4 + activity_count - 1] == f"A{activity_count} – {HOSTILE}"  # not at the start: harmless
    first = rows[1]
    assert first[0] == "E4" and first[2] == 1 and first[3] == traces[0].title
    assert first[-5:] == (2, 2, "TS", _midnight(2026, 1, 10), 1)
    assert first[4 + activity_count - 1] == 1
    assert len(rows) - 1 == len(criteria(cast.student, "E4")) + len(criteria(cast.student, "E6"))
    assert sheet.freeze_panes == "E2"
    listed = list(book["Activités"].iter_rows(values_only=True))
    assert listed[0][:2] == ("N°", "Intitulé")
    assert listed[-1][1] == "'" + HOSTILE
    assert listed[-1][5] == _midnight(2026, 6, 1)


def test_passeport_headers_are_neutralised_too(cast, login):
    make_activity(cast.student, title=HOSTILE)
    rows = _csv(_get(login, cast.student.user, "passeport_export", cast.student.pk, "csv"))
    assert rows[0][4] == "A1 – " + HOSTILE
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_passeport_export_is_audited_with_the_student(cast, login):
    _get(login, cast.teacher, "passeport_export", cast.student.pk, "xlsx")
    entry = AuditEntry.objects.get(action="passeport.exported")
    assert entry.object_id == str(cast.student.pk)
    assert entry.changes["filename"] == "passeport-etudiante-emma.xlsx"
