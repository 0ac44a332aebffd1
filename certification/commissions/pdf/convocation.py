"""The letter that officially informs a candidate of the date of a situation d'évaluation (PDF and email text).

What is shared by every student of a step (establishment, exam, situation, dates, rules) is gathered once by
``step_letter_context``, so informing a class of 35 does not query the same rows 35 times.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify

from accounts.models import Student
from certification.models import SituationStep
from lib import pdf
from referentiel.models import ExamRule, SituationRule

STEP_RELATED = (
    "situation__commission__cohort__establishment",
    "situation__commission__exam",
    "situation__commission__session",
    "situation__commission__responsible",
)


def load_step(step_pk: int) -> SituationStep:
    return SituationStep.objects.select_related(*STEP_RELATED).get(pk=step_pk)


def step_letter_context(step: SituationStep) -> dict[str, Any]:
    """Everything the letter says that does not depend on the student."""
    situation = step.situation
    commission = situation.commission
    rule = ExamRule.objects.filter(session_id=commission.session_id, exam_id=commission.exam_id).first()
    situation_rule = SituationRule.objects.filter(rule=rule, code=situation.code).first() if rule else None
    return {
        "step": step,
        "situation": situation,
        "commission": commission,
        "establishment": commission.cohort.establishment,
        "exam": commission.exam,
        "session": commission.session,
        "responsible": commission.responsible,
        # Several dated steps (E4 situation A): the letter lists them all and marks this one.
        "all_steps": list(situation.steps.order_by("date", "pk")),
        # The candidate is not present at E4 situation A: the commission assesses from the dossier.
        "candidate_present": situation_rule.candidate_present if situation_rule else True,
        "fiches_required": rule.fiches_required if rule else None,
        "deposit_deadline": rule.deposit_deadline if rule else None,
        # The dossier is due by the step's date, or by the académie's deadline when that comes first.
        "dossier_due": min(filter(None, [step.date, rule.deposit_deadline if rule else None])),
    }


def letter_context(common: dict[str, Any], student: Student) -> dict[str, Any]:
    return {**common, "student": student, "candidate": student.user}


def render_letter_pdf(context: dict[str, Any]) -> bytes:
    return pdf.render_pdf(render_to_string("certification/commissions/pdf/convocation_letter.html", context))


def letter_filename(step: SituationStep, student: Student) -> str:
    commission = step.situation.commission
    name = slugify(f"{student.user.last_name} {student.user.first_name}") or f"etudiant-{student.pk}"
    return f"convocation-{commission.exam.code}-{step.situation.code}-{step.date:%Y-%m-%d}-{name}.pdf"


def render_convocation_pdf(step: SituationStep, student: Student) -> bytes:
    """The letter of one student for one step (``step`` loaded with ``load_step``)."""
    return render_letter_pdf(letter_context(step_letter_context(step), student))
