"""Demo commissions for `make run`: the E4 and E6 commissions of the demo cohort, with their dated steps.

Runs after accounts.demo (settings.DEMO_LOADERS). Nobody is informed here: the demo journey does it. Idempotent:
a commission is found again by (session, exam, cohort), a member by (commission, user), a step by (situation, date).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from accounts.demo import DEMO_SESSION_YEAR, DEMO_UAI
from accounts.models import Cohort, User
from certification.commissions.models import Commission, CommissionMember, MemberRole, SituationStep
from certification.commissions.services import commissions as services
from certification.dossiers.demo import ccf_exams


@dataclass(frozen=True)
class DemoCommission:
    exam: str  # the exam's assessors in its data (referentiel.exams), not its code: see COMMISSIONS
    responsible: str  # username
    members: list[tuple[str, str]]  # (username, MemberRole)
    steps: list[tuple[str, datetime.date, str]]  # (situation code, date, label)


# Each commission's exam is found by its data (referentiel.exams), not by its code: « commission » is the exam
# assessed by a commission with a fiche sujet in situation B (E4), « single » the one with a single assessor (E6).
COMMISSIONS = [
    DemoCommission(
        exam="commission",
        responsible="prof",
        members=[("prof2", MemberRole.TEACHER), ("pro", MemberRole.PROFESSIONAL)],
        steps=[("A", datetime.date(2027, 5, 20), ""), ("B", datetime.date(2027, 6, 3), "")],
    ),
    DemoCommission(
        exam="single",
        responsible="prof2",  # E6 in CCF: a single assessor
        members=[],
        steps=[("A", datetime.date(2027, 6, 8), ""), ("B", datetime.date(2027, 6, 10), "")],
    ),
]
COUNTED = {"commissions": Commission, "membres": CommissionMember, "dates": SituationStep}


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing and report how many rows were created."""
    before = {label: model._default_manager.count() for label, model in COUNTED.items()}
    cohort = Cohort.objects.select_related("exam_session", "establishment").get(
        establishment__uai=DEMO_UAI, exam_session__year=DEMO_SESSION_YEAR
    )
    users = {u.username: u for u in User.objects.filter(username__in=["prof", "prof2", "pro"])}
    exams = {exam.definition.assessors: exam for exam in ccf_exams(cohort.exam_session.version_id)}
    for item in COMMISSIONS:
        responsible = users[item.responsible]
        exam = exams[item.exam]
        commission = Commission.objects.filter(
            session=cohort.exam_session, exam=exam, cohort=cohort
        ).first() or services.create_commission(
            session=cohort.exam_session,
            exam_code=exam.code,
            cohort=cohort,
            number="",
            responsible=responsible,
            actor=responsible,
        )
        for username, role in item.members:
            if not commission.members.filter(user=users[username]).exists():
                services.add_member(commission=commission, user=users[username], role=role, actor=responsible)
        for code, date, label in item.steps:
            if not SituationStep.objects.filter(situation__commission=commission, situation__code=code, date=date):
                services.create_step(
                    commission=commission, situation_code=code, date=date, label=label, actor=responsible
                )
    return {label: model._default_manager.count() - before[label] for label, model in COUNTED.items()}
