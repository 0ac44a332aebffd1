"""Training traces as spreadsheets, for the conseil de classe and the livret: XLSX and semicolon CSV (French Excel).

Three exports, each built from the very selector of the page it mirrors, so the file says what the page says:

- the class follow-up (``selectors_cohort.cohort_overview``): one row per student, per compétence the critères
  mobilised, the latest formative level, its date and the number of positions;
- a student's passeport matrix (``selectors.passeport_for``): one row per critère, one column per activity (A1, A2…
  numbered as on the page), then the counts and the latest level; the activities listed on a second sheet (XLSX);
- the formative assessments (``selectors_cohort.formative_by_student``, which reads them as the passeport does): one row
  per position (assessment × critère), so a spreadsheet can filter and count by critère; an assessment without any
  position still gets its row.

Formative levels only: nothing certifying (grids, profiles, marks) is read here. Every text cell goes through
``lib.spreadsheets`` (formula-like names and titles neutralised).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from accounts.models import Cohort, Student
from lib.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from passeport import selectors, selectors_cohort
from referentiel.models import Level

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


def _export(stem: list[str], fmt: str, *sheets: Sheet) -> Export:
    """``fmt`` is "csv" (the first sheet only) or "xlsx" (KeyError otherwise)."""
    content_type = FORMATS[fmt]
    content = csv_bytes(sheets[0]) if fmt == "csv" else xlsx_bytes(*sheets)
    filename = "-".join(slugify(part) for part in stem if slugify(part)) + f".{fmt}"
    return Export(filename, content_type, content)


def _percent(part: int, total: int) -> Decimal:
    return (Decimal(100 * part) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Class follow-up ----------------------------------------------------------------------------------------------

FOLLOWUP_SUFFIXES = ("critères mobilisés", "couverture (%)", "dernier niveau", "date du niveau", "positionnements")


def _short(exam, competency) -> str:
    return f"{exam.code}·C{competency.order}"


def followup_sheets(data: selectors_cohort.CohortOverview) -> tuple[Sheet, Sheet]:
    header = ["Nom", "Prénom"]
    for exam, competency, total in data.columns:
        short = _short(exam, competency)
        header += [
            f"{short} critères mobilisés (sur {total})",
            *(f"{short} {suffix}" for suffix in FOLLOWUP_SUFFIXES[1:]),
        ]
    widths = [22, 18] + [14, 12, 10, 12, 14] * len(data.columns)
    legend = Sheet(
        "Compétences",
        ("Colonne", "Épreuve", "Compétence", "Critères"),
        [(_short(exam, comp), exam.code, comp.title, total) for exam, comp, total in data.columns],
        widths=(10, 10, 70, 10),
    )
    return Sheet("Suivi", header, _followup_rows(data), widths=widths, frozen_columns=2), legend


def _followup_rows(data: selectors_cohort.CohortOverview) -> Iterator[list]:
    for row in data.rows:
        values: list = [row.student.last_name, row.student.first_name]
        for cell in row.cells:
            latest = cell.latest
            values += [
                cell.covered,
                _percent(cell.covered, cell.total),
                latest.level.code if latest else None,
                latest.assessed_on if latest else None,
                latest.count if latest else 0,
            ]
        yield values


def export_cohort_followup(cohort: Cohort, fmt: str) -> Export:
    data = selectors_cohort.cohort_overview(cohort)
    return _export(["suivi", cohort.name, str(cohort.exam_session.year)], fmt, *followup_sheets(data))


# --- A student's passeport matrix -----------------------------------------------------------------------------------

MATRIX_HEAD = ("Épreuve", "Compétence", "N°", "Critère")
MATRIX_TAIL = ("Activités", "Preuves", "Dernier niveau formatif", "Date du niveau", "Positionnements")


def passeport_sheets(p: selectors.Passeport) -> tuple[Sheet, Sheet]:
    numbered = list(enumerate(p.activities, 1))
    header = [*MATRIX_HEAD, *(f"A{n} – {a.title}" for n, a in numbered), *MATRIX_TAIL]
    widths = [9, 40, 5, 50, *(8 for _ in numbered), 10, 10, 12, 12, 14]
    activities = Sheet(
        "Activités",
        ("N°", "Intitulé", "Cadre", "Nature", "Organisation", "Début", "Fin", "Preuves", "Validée en formation"),
        [
            (f"A{n}", a.title, a.setting_label, a.nature_label, a.organisation, a.start_date, a.end_date)
            + (a.evidence_count, a.validated)
            for n, a in numbered
        ],
        widths=(6, 50, 24, 12, 30, 12, 12, 10, 12),
    )
    return Sheet("Passeport", header, _matrix_rows(p), widths=widths, frozen_columns=4), activities


def _matrix_rows(p: selectors.Passeport) -> Iterator[list]:
    for matrix in p.matrices:
        for competency, rows in matrix.competencies:
            for row in rows:
                latest = row.latest
                yield [
                    matrix.exam.code,
                    competency.title,
                    row.criterion.number,
                    row.criterion.title,
                    *(1 if hit else None for hit in row.cells),
                    row.activity_count,
                    row.evidence_count,
                    latest.level.code if latest else None,
                    latest.assessed_on if latest else None,
                    latest.count if latest else 0,
                ]


def export_passeport(student: Student, fmt: str) -> Export:
    data = selectors.passeport_for(student)
    user = student.user
    return _export(["passeport", user.last_name, user.first_name], fmt, *passeport_sheets(data))


# --- Formative assessments ------------------------------------------------------------------------------------------

FORMATIVE_HEADER = (
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
FORMATIVE_WIDTHS = (10, 12, 24, 20, 16, 45, 10, 50, 8, 20, 60)


def _about(a: selectors.PasseportAssessment) -> str:
    label = f"{a.label} – " if a.label else ""
    if a.fiche_id:
        return f"{label}Fiche {a.fiche_exam_code} n° {a.fiche_number} – {a.fiche_title}"
    return f"{label}Activité : {a.activity_title}" if a.activity_title else label


def formative_rows(
    students: list[tuple[selectors_cohort.CohortStudent, list[selectors.PasseportAssessment]]],
) -> Iterator:
    for student, assessments in students:
        for a in assessments:
            common = [a.pk, a.assessed_on, a.assessor_name, student.last_name, student.first_name, _about(a)]
            positions: Sequence[tuple[str | None, str | None, Level | None]] = a.position_list or [(None, None, None)]
            for exam_code, title, level in positions:
                level_cells: list[str | None] = [level.code, level.label] if level else [None, None]
                yield [*common, exam_code, title, *level_cells, a.comment]


def formative_sheet(students) -> Sheet:
    return Sheet("Évaluations formatives", FORMATIVE_HEADER, formative_rows(students), widths=FORMATIVE_WIDTHS)


def export_cohort_formative(cohort: Cohort, fmt: str) -> Export:
    sheet = formative_sheet(selectors_cohort.formative_by_student(cohort=cohort))
    return _export(["evaluations-formatives", cohort.name, str(cohort.exam_session.year)], fmt, sheet)


def export_student_formative(student: Student, fmt: str) -> Export:
    sheet = formative_sheet(selectors_cohort.formative_by_student(student=student))
    user = student.user
    return _export(["evaluations-formatives", user.last_name, user.first_name], fmt, sheet)
