"""Builders of commissions, dated steps and informations for tests (the cast lives in tests/personas.py)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from accounts.models import Student, User
from certification.models import (
    Commission,
    CommissionMember,
    Convocation,
    InformationMethod,
    MemberRole,
    Situation,
    SituationStep,
)
from referentiel.models import Exam, ExamRule
from tests.personas import Cast

STEP_DATES = {"A": datetime.date(2027, 5, 20), "B": datetime.date(2027, 6, 3)}


def make_commission(
    cast: Cast, exam_code: str = "E4", *, responsible: User | None = None, cohort=None, with_steps: bool = True
) -> Commission:
    """A commission of ``cast.cohort`` (situations copied from the session rules), the responsible seated."""
    cohort = cohort or cast.cohort
    responsible = responsible or cast.teacher
    session = cohort.exam_session
    exam = Exam.objects.get(version=session.version, code=exam_code)
    commission = Commission.objects.create(session=session, exam=exam, cohort=cohort, responsible=responsible)
    CommissionMember.objects.create(commission=commission, user=responsible, role=MemberRole.TEACHER)
    for rule in ExamRule.objects.get(session=session, exam=exam).situations.all():
        situation = Situation.objects.create(
            commission=commission, code=rule.code, title=rule.title, duration_minutes=rule.duration_minutes
        )
        if with_steps:
            SituationStep.objects.create(situation=situation, date=STEP_DATES[rule.code])
    return commission


def add_member(commission: Commission, user: User, role: str = MemberRole.TEACHER) -> CommissionMember:
    return CommissionMember.objects.create(
        commission=commission, user=user, role=role, carries_responsibility=role == MemberRole.TEACHER
    )


def step_of(commission: Commission, code: str = "A") -> SituationStep:
    step = SituationStep.objects.filter(situation__commission=commission, situation__code=code).first()
    assert step is not None, f"no situation {code} in the commission"
    return step


def make_step(cast: Cast, code: str = "A", **kwargs) -> SituationStep:
    return step_of(make_commission(cast, **kwargs), code)


def make_convocation(step: SituationStep, student: Student, informed_by: User | None = None) -> Convocation:
    return Convocation.objects.create(
        step=step,
        student=student,
        method=InformationMethod.EMAIL,
        informed_at=timezone.now(),
        informed_by=informed_by or step.situation.commission.responsible,
    )


def confirm_information(client, step: SituationStep, data: dict):
    """The commission page's « Informer officiellement »: the confirmation page (GET), then its confirmed POST.

    Returns the POST's response, or the GET's when the confirmation page sent the teacher back (nothing to send,
    nothing ticked).
    """
    page = client.get(reverse("certification:inform_confirm", args=[step.pk]), data)
    if page.status_code != 200:
        return page
    fields = re.findall(r'<input type="hidden" name="(confirmation|scope|students)" value="([^"]*)">', page.text)
    posted: dict[str, list[str]] = {}
    for name, value in fields:
        posted.setdefault(name, []).append(value)
    return client.post(reverse("certification:inform_students", args=[step.pk]), posted)
