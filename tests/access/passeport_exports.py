"""Spreadsheet exports of training traces: the same access as the pages they mirror.

The class follow-up and the class's formative assessments: as the cohort overview (the establishment's staff).
A student's passeport matrix and formative assessments: as that passeport (the student, the staff, the professional
who follows them). An unknown format is a 404 for those who may see the page.
"""

from tests.access import Row, logged_in

COHORT = logged_in(200, other_teacher=404, professional=404, student=404, student2=404)
CAST_STUDENT = logged_in(200, student2=404, other_teacher=404)
STUDENT2 = logged_in(200, student=404, professional=404, other_teacher=404)


def _cohort_rows() -> list[Row]:
    return [
        Row(COHORT, args=lambda c: [c.cohort.pk, "xlsx"]),
        Row(COHORT, args=lambda c: [c.cohort.pk, "csv"]),
        Row(logged_in(404), args=lambda c: [c.cohort.pk, "ods"]),
    ]


def _student_rows() -> list[Row]:
    return [
        Row(CAST_STUDENT, args=lambda c: [c.student.pk, "xlsx"]),
        Row(CAST_STUDENT, args=lambda c: [c.student.pk, "csv"]),
        Row(STUDENT2, args=lambda c: [c.student2.pk, "xlsx"]),
        Row(logged_in(404), args=lambda c: [c.student.pk, "pdf"]),
    ]


ROWS: dict[str, list[Row]] = {
    "passeport:cohort_followup_export": _cohort_rows(),
    "passeport:cohort_formative_export": _cohort_rows(),
    "passeport:passeport_export": _student_rows(),
    "passeport:student_formative_export": _student_rows(),
}
