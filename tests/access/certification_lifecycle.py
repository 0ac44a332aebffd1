"""The candidate's lifecycle: readiness, absences and their private justifications, « absence de dépôt ».

The jury and the establishment's administrators read the page; the commission's deciders (its responsible, members
carrying the responsibility, the administration) record; a professional member reads only (403); a student and
anyone outside get a 404 — the justification of an absence included.
"""

import datetime

from django.core.files.base import ContentFile

from certification.models import Absence, AbsenceKind
from tests.access import Row, logged_in
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_grids import with_professional

READ = logged_in(404, admin=200, teacher=200)
DECIDE = logged_in(404, admin=302, teacher=302)


def _commission(cast):
    return make_commission(cast)


def _with_professional(cast):
    return with_professional(cast, informed=False)


def _absence(cast) -> list:
    commission = _commission(cast)
    absence = Absence(
        situation=commission.situations.get(code="B"),
        student=cast.student,
        absent_on=datetime.date(2026, 11, 20),
        kind=AbsenceKind.JUSTIFIED,
        document_name="certificat.pdf",
        document_type="application/pdf",
        recorded_by=cast.teacher,
    )
    absence.document.save("justificatif.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    absence.save()
    return [absence.pk]


ROWS: dict[str, list[Row]] = {
    "certification:candidate_lifecycle": [
        Row(READ, args=lambda c: [_commission(c).pk, c.student.pk]),
        Row(
            logged_in(404, admin=200, teacher=200, professional=200),
            args=lambda c: [_with_professional(c).pk, c.student.pk],
        ),
        # A student of another cohort is never a candidate of this commission.
        Row(logged_in(404), args=lambda c: [_commission(c).pk, c.other_student.pk]),
    ],
    "certification:readiness_record": [
        # An empty form comes back with its errors (400) to a decider.
        Row(logged_in(404, admin=400, teacher=400), args=lambda c: [_commission(c).pk, c.student.pk], method="post"),
        Row(
            logged_in(404, admin=400, teacher=400, professional=403),
            args=lambda c: [_with_professional(c).pk, c.student.pk],
            method="post",
        ),
    ],
    "certification:absence_record": [
        Row(logged_in(404, admin=400, teacher=400), args=lambda c: [_commission(c).pk, c.student.pk], method="post"),
        Row(
            logged_in(404, admin=400, teacher=400, professional=403),
            args=lambda c: [_with_professional(c).pk, c.student.pk],
            method="post",
        ),
    ],
    "certification:absence_document": [
        Row(READ, args=_absence),
    ],
    "certification:no_deposit": [
        Row(DECIDE, args=lambda c: [_commission(c).pk, c.student.pk], method="post"),
        Row(
            logged_in(404, admin=302, teacher=302, professional=403),
            args=lambda c: [_with_professional(c).pk, c.student.pk],
            method="post",
        ),
    ],
}
