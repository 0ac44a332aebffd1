"""Builders for the conformity check tests (the cast lives in tests/personas.py)."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Student, User
from certification.models import (
    Commission,
    CommissionMember,
    ConformityCheck,
    Dossier,
    DossierAttestation,
    DossierState,
    MemberRole,
)
from passeport.models import InternshipPeriod
from referentiel.models import ExamRule
from tests.factories import exam
from tests.personas import Cast

CHECKED_ON = datetime.date(2026, 1, 15)


def make_conformity_commission(cast: Cast, exam_code: str = "E4", *, cohort=None) -> Commission:
    """The commission of ``cast.cohort`` for ``exam_code``, cast.teacher responsible and seated."""
    cohort = cohort or cast.cohort
    commission = Commission.objects.create(
        session=cohort.exam_session, exam=exam(exam_code, cast.student), cohort=cohort, responsible=cast.teacher
    )
    CommissionMember.objects.create(commission=commission, user=cast.teacher, role=MemberRole.TEACHER)
    return commission


def set_deadline(student: Student, exam_code: str, deadline: datetime.date | None) -> None:
    ExamRule.objects.filter(session=student.cohort.exam_session, exam__code=exam_code).update(deposit_deadline=deadline)


def deadline_of(student: Student, exam_code: str = "E4") -> datetime.date:
    deadline = ExamRule.objects.get(session=student.cohort.exam_session, exam__code=exam_code).deposit_deadline
    assert deadline is not None, "the fixture session sets every deposit deadline"
    return deadline


def add_internship(student: Student, weeks: int = 16, *, with_file: bool = True) -> InternshipPeriod:
    period = InternshipPeriod.objects.create(
        student=student,
        organisation="Nettoyage Pro Rhône",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 4, 24),
        weeks=Decimal(weeks),
    )
    if with_file:
        period.attestation.save("attestation.pdf", ContentFile(b"%PDF-1.4 attestation"), save=False)
        period.attestation_name = "attestation.pdf"
        period.save(update_fields=["attestation", "attestation_name"])
    return period


def make_dossier(
    student: Student,
    exam_code: str = "E4",
    *,
    submitted_at: datetime.datetime | None = None,
    internships: Sequence[InternshipPeriod] = (),
) -> Dossier:
    """A dossier, deposited at ``submitted_at`` when given (else a draft), with attestations of ``internships``."""
    dossier = Dossier.objects.create(
        student=student,
        exam=exam(exam_code, student),
        session=student.cohort.exam_session,
        state=DossierState.SUBMITTED if submitted_at else DossierState.DRAFT,
        submitted_at=submitted_at,
        submitted_by=student.user if submitted_at else None,
    )
    for period in internships:
        DossierAttestation.objects.create(dossier=dossier, internship=period)
    return dossier


def on_time(student: Student, exam_code: str = "E4") -> datetime.datetime:
    """Noon, Paris time, on the deadline day: still on time."""
    deadline = deadline_of(student, exam_code)
    return datetime.datetime.combine(deadline, datetime.time(12), tzinfo=timezone.get_default_timezone())


def good_dossier(student: Student, exam_code: str = "E4") -> Dossier:
    """Deposited on time, with 16 weeks of internship and their attestation: nothing to suggest."""
    return make_dossier(
        student, exam_code, submitted_at=on_time(student, exam_code), internships=[add_internship(student)]
    )


def make_check(
    dossier: Dossier,
    decided_by: User,
    decision: str = "nv",
    reasons: Sequence[str] = ("late_deposit",),
    comment: str = "",
) -> ConformityCheck:
    return ConformityCheck.objects.create(
        dossier=dossier,
        decision=decision,
        nv_reasons=list(reasons) if decision == "nv" else [],
        comment=comment,
        checked_on=CHECKED_ON,
        decided_by=decided_by,
    )


def checked_dossier(cast: Cast, decision: str = "nv") -> ConformityCheck:
    """A check of cast.student's E4 dossier by the commission of cast.cohort (cast.teacher)."""
    make_conformity_commission(cast)
    return make_check(good_dossier(cast.student), cast.teacher, decision)
