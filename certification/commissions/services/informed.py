"""« The commission cannot assess a student who was not informed unless it records why »: ``can_assess`` and
``assessment_block_reason`` are the single place that rule lives; the grid asks them. Also the reads of who was
informed of what (per student and step, per student).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import (
    Convocation,
    Passage,
    SituationStep,
    UninformedAssessment,
)
from certification.commissions.services.commissions import CommissionError
from certification.commissions.services.delivery import proven


def record_uninformed_reason(
    *, step: SituationStep, student: Student, reason: str, actor: User
) -> UninformedAssessment:
    """Why the commission assesses a student who was not informed of the step beforehand (required)."""
    reason = reason.strip()
    if not reason:
        raise CommissionError("Indiquez pourquoi la commission évalue cet·te étudiant·e sans information préalable.")
    if _informed_in_time(student, step):
        raise CommissionError(f"{student} a été informé·e de cette date : aucun motif n'est nécessaire.")
    with transaction.atomic():
        record, created = UninformedAssessment.objects.get_or_create(
            step=step, student=student, defaults={"reason": reason, "recorded_by": actor}
        )
        old = "" if created else record.reason
        if not created:
            record.reason, record.recorded_by = reason, actor
            record.save(update_fields=["reason", "recorded_by"])
        log_action(
            "convocation.uninformed_reason_recorded",
            actor=actor,
            obj=record,
            establishment_id=student.cohort.establishment_id,
            changes={"student": str(student), "date": step.date.isoformat(), "reason": [old, reason]},
        )
    return record


def _informed_in_time(student: Student, step: SituationStep) -> bool:
    # Informed (with a proof) on or before the step's date; the app cannot know the hour the commission meets.
    return Convocation.objects.filter(proven(), step=step, student=student, informed_at__date__lte=step.date).exists()


def passage_informed_in_time(passage: Passage) -> bool:
    """The current convocation of the passage (what the student was last told) was sent, with a proof, before it
    starts."""
    return Convocation.objects.filter(
        proven(), passage=passage, superseded_at__isnull=True, informed_at__lt=passage.starts_at
    ).exists()


def _passage_block_reason(passage: Passage) -> str | None:
    if passage_informed_in_time(passage):
        return None
    start = timezone.localtime(passage.starts_at)
    return (
        f"{passage.student} n'a pas été convoqué·e officiellement à son passage du {start:%d/%m/%Y à %H:%M} : "
        "envoyez la convocation avant le passage."
    )


def assessment_block_reason(student: Student, target: SituationStep | Passage) -> str | None:
    """Why the commission may not assess ``student`` at ``target`` yet, or None when it may.

    ``target`` is a dated step (situation A: the student is absent and is informed of the date) or a passage (the
    student comes: the convocation of the passage counts). A step of a situation where the student has a passage
    is judged by that passage's convocation.
    """
    if isinstance(target, Passage):
        return _passage_block_reason(target)
    step = target
    passage = (
        Passage.objects.select_related("student__user").filter(situation_id=step.situation_id, student=student).first()
    )
    if passage is not None:
        return _passage_block_reason(passage)
    if _informed_in_time(student, step):
        return None
    if UninformedAssessment.objects.filter(step=step, student=student).exists():
        return None
    return (
        f"{student} n'a pas été informé·e officiellement de la date du {step.date:%d/%m/%Y} : "
        "informez-le ou la, ou enregistrez le motif d'une évaluation sans information préalable."
    )


def can_assess(student: Student, target: SituationStep | Passage) -> bool:
    return assessment_block_reason(student, target) is None


def information_by_student_step(steps: list[SituationStep]) -> dict[tuple[int, int | None], Convocation]:
    """The first information of each (student, step) among ``steps``, in one query."""
    found: dict[tuple[int, int | None], Convocation] = {}
    for convocation in Convocation.objects.filter(step__in=steps).order_by("informed_at", "pk"):
        found.setdefault((convocation.student_id, convocation.step_id), convocation)
    return found


def uninformed_reasons(steps: list[SituationStep]) -> dict[tuple[int, int], UninformedAssessment]:
    return {(r.student_id, r.step_id): r for r in UninformedAssessment.objects.filter(step__in=steps)}


def student_convocations(student: Student) -> list[Convocation]:
    """A student's informations and convocations, with what their pages show: the current ones first (newest date
    first), then the superseded convocations of moved passages (their history)."""
    convocations = list(
        Convocation.objects.filter(student=student).select_related(
            "step__situation__commission__exam",
            "passage__situation__commission__exam",
            "passage__situation__commission__session",
            "passage__room",
        )
    )
    return sorted(convocations, key=_student_order)


def _student_order(convocation: Convocation) -> tuple[bool, float, float]:
    step = convocation.step if convocation.step_id else None
    if step is not None:
        when = datetime.datetime.combine(step.date, datetime.time(), tzinfo=datetime.UTC)
    else:
        when = convocation.scheduled_for or convocation.informed_at
    return (convocation.superseded_at is not None, -when.timestamp(), -convocation.informed_at.timestamp())
