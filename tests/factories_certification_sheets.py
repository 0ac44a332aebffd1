"""Builders of evaluation sheets, results, signatures and deliberations for tests."""

import datetime
from decimal import Decimal

from accounts.models import Student, User
from certification.evaluation.services.sheets import format_mark
from certification.models import (
    CandidateResult,
    Commission,
    CommissionMember,
    Deliberation,
    EvaluationSheet,
    ResultStatus,
    Signature,
    SituationAppraisal,
)
from tests.factories_certification_commissions import make_commission

DELIBERATED_ON = datetime.date(2027, 6, 20)
APPRAISAL_A = "Ciblage pertinent, prospection bien menée et information partagée avec l'équipe."
APPRAISAL_B = "Négociation structurée, reformulation efficace des besoins du client."


def make_result(commission: Commission, student: Student, mark: str | None = "14.5", **kwargs) -> CandidateResult:
    status = ResultStatus.MARK if mark is not None else kwargs.pop("status", ResultStatus.PENDING)
    return CandidateResult.objects.create(
        commission=commission,
        student=student,
        status=status,
        mark=Decimal(mark) if mark is not None else None,
        profile=kwargs.pop("profile", {}),
        **kwargs,
    )


def make_sheet(commission: Commission, student: Student, texts: dict[str, str] | None = None) -> EvaluationSheet:
    texts = texts if texts is not None else {"A": APPRAISAL_A, "B": APPRAISAL_B}
    # The sheet may exist already: ``agree_grid`` names the fiche of situation B on it (the fiche kept, then).
    sheet, _ = EvaluationSheet.objects.get_or_create(commission=commission, student=student, defaults={"version": 1})
    for situation in commission.situations.all():
        SituationAppraisal.objects.update_or_create(
            sheet=sheet,
            situation=situation,
            defaults={"date": datetime.date(2027, 5, 20), "text": texts.get(situation.code, "")},
        )
    return sheet


def sign(sheet: EvaluationSheet, member: CommissionMember) -> Signature:
    result = CandidateResult.objects.filter(commission=sheet.commission, student=sheet.student).first()
    return Signature.objects.create(
        sheet=sheet, member=member, sheet_version=sheet.version, mark_repr=format_mark(result)
    )


def deliberate(commission: Commission, by: User) -> Deliberation:
    return Deliberation.objects.create(commission=commission, deliberated_on=DELIBERATED_ON, recorded_by=by)


def released_commission(cast, exam_code: str = "E4", student: Student | None = None) -> Commission:
    """A released commission of cast.cohort (cast.teacher responsible): the candidate has a mark and a signed sheet."""
    commission = make_commission(cast, exam_code)
    student = student or cast.student
    make_result(commission, student)
    sheet = make_sheet(commission, student)
    sign(sheet, commission.members.get(user=cast.teacher))
    deliberate(commission, cast.admin)
    return commission
