"""Access rows for activities, evidence files and internship periods.

Reading: the student, their establishment's staff, the professionals who follow them. Writing: the student only.
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from passeport.models import Evidence, InternshipPeriod
from tests.access import Row, logged_in
from tests.factories import make_activity

PDF = b"%PDF-1.4\n%%EOF\n"


def _stored(name: str) -> str:
    # One small file reused by every run: a download that answers 200 needs a file on disk.
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(PDF))
    return name


def _evidence(student, *, on_disk: bool = True) -> int:
    name = _stored("evidence/access-matrix/preuve.pdf") if on_disk else "evidence/access-matrix/absente.pdf"
    evidence = Evidence.objects.create(
        activity=make_activity(student),
        file=name,
        original_name="preuve.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=student.user,
    )
    return evidence.pk


def _period(student, *, with_attestation: bool = False) -> int:
    period = InternshipPeriod.objects.create(
        student=student,
        organisation="Maisons Rhône",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 2, 27),
        weeks=Decimal(8),
        attestation=_stored("attestations/access-matrix/attestation.pdf") if with_attestation else "",
        attestation_name="attestation.pdf" if with_attestation else "",
        attestation_content_type="application/pdf" if with_attestation else "",
    )
    return period.pk


# The student's own traces: everyone who may view them reads; only the student writes.
READ = logged_in(200, other_teacher=404, student2=404)
WRITE = logged_in(403, student=200, other_teacher=404, student2=404)
WRITE_POST = logged_in(403, student=302, other_teacher=404, student2=404)
# Another student's traces, not followed by the professional: cast.student gets 404 like any outsider.
READ_STUDENT2 = logged_in(200, other_teacher=404, professional=404, student=404)
WRITE_STUDENT2 = logged_in(403, student2=200, other_teacher=404, professional=404, student=404)

ROWS: dict[str, list[Row]] = {
    "passeport:activity_create": [
        Row(WRITE, args=lambda c: [c.student.pk]),
        Row(WRITE_STUDENT2, args=lambda c: [c.student2.pk]),
    ],
    "passeport:activity_detail": [
        Row(READ, args=lambda c: [make_activity(c.student).pk]),
        Row(READ_STUDENT2, args=lambda c: [make_activity(c.student2).pk]),
    ],
    "passeport:activity_edit": [Row(WRITE, args=lambda c: [make_activity(c.student).pk])],
    # No file sent: the author is sent back to the activity with a message.
    "passeport:evidence_upload": [Row(WRITE_POST, args=lambda c: [make_activity(c.student).pk], method="post")],
    "passeport:evidence_download": [
        Row(READ, args=lambda c: [_evidence(c.student)]),
        Row(READ_STUDENT2, args=lambda c: [_evidence(c.student2)]),
    ],
    "passeport:evidence_delete": [
        Row(WRITE_POST, args=lambda c: [_evidence(c.student, on_disk=False)], method="post"),
    ],
    "passeport:internship_create": [Row(WRITE, args=lambda c: [c.student.pk])],
    "passeport:internship_edit": [Row(WRITE, args=lambda c: [_period(c.student)])],
    "passeport:internship_attestation": [
        Row(READ, args=lambda c: [_period(c.student, with_attestation=True)]),
        Row(READ_STUDENT2, args=lambda c: [_period(c.student2, with_attestation=True)]),
    ],
}
