"""Dossiers: the student prepares and deposits their own; the establishment's staff read them (and the commission,
see certification.permissions); only an administrator records a late deposit."""

from tests.access import Row, logged_in
from tests.factories_certification_dossiers import complete_dossier

# Reading: the student and the staff of the establishment; another establishment, another student, a professional
# who sits on no commission: 404.
READERS = {"other_teacher": 404, "professional": 404, "student2": 404}
# Writing: the student only; staff in scope: 403.
STUDENT_WRITES = {"admin": 403, "teacher": 403, **READERS}


def _dossier(cast) -> list:
    return [complete_dossier(cast.student).pk]


ROWS: dict[str, list[Row]] = {
    "certification:dossier_list": [Row(logged_in(200, **READERS), args=lambda c: [c.student.pk])],
    "certification:dossier_edit": [
        Row(logged_in(200, **READERS), args=lambda c: [c.student.pk, "E4"]),
        Row(logged_in(404), args=lambda c: [c.student.pk, "E5"]),
        # An empty selection is saved as a draft (defects flagged, never blocking).
        Row(logged_in(302, **STUDENT_WRITES), args=lambda c: [c.student.pk, "E6"], method="post"),
    ],
    "certification:dossier_submit": [Row(logged_in(302, **STUDENT_WRITES), args=_dossier, method="post")],
    "certification:dossier_late_deposit": [
        Row(logged_in(200, teacher=403, student=403, **READERS), args=_dossier),
        Row(
            logged_in(302, teacher=403, student=403, **READERS),
            args=_dossier,
            method="post",
            data={"deposit_date": "2026-01-05", "reason": "Dossier remis en main propre au secrétariat."},
        ),
    ],
    "certification:dossier_detail": [Row(logged_in(200, **READERS), args=_dossier)],
}
