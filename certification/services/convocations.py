"""Official information of the candidates of the date of a situation step, and what it allows.

« The commission cannot assess a student who was not informed unless it records why »: ``can_assess`` and
``assessment_block_reason`` are the single place that rule lives; the grid of the next issue asks them.

Informing a class runs one transaction per student: each information is an independent official fact, the PDF
letter (the slow part) is rendered before the transaction opens, and a class of 35 never holds the database's write
lock for the whole batch. Since already informed students are skipped, sending again after an interruption is safe.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Student, User
from audit.services import log_action
from certification.convocation_pdf import (
    letter_context,
    letter_filename,
    load_step,
    render_letter_pdf,
    step_letter_context,
)
from certification.models import Convocation, InformationMethod, SituationStep, UninformedAssessment
from certification.services.commissions import CommissionError
from notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

EMAIL_KIND = "convocation"


@dataclass
class InformResult:
    emailed: list[Student] = field(default_factory=list)
    # No email address: the teacher hands the printed letter.
    letters: list[Student] = field(default_factory=list)
    already: list[Student] = field(default_factory=list)
    failed: list[Student] = field(default_factory=list)


def inform_students(*, step: SituationStep, actor: User, student_ids: list[int] | None = None) -> InformResult:
    """Inform every student of the commission's cohort (or those of ``student_ids``) not yet informed of ``step``."""
    step = load_step(step.pk)
    students = Student.objects.filter(cohort_id=step.situation.commission.cohort_id).select_related("user")
    if student_ids is not None:
        students = students.filter(pk__in=student_ids)
    informed = set(Convocation.objects.filter(step=step).values_list("student_id", flat=True))
    common = step_letter_context(step)
    result = InformResult()
    for student in students:
        if student.pk in informed:
            result.already.append(student)
            continue
        context = letter_context(common, student)
        letter = render_letter_pdf(context)
        try:
            convocation = _inform_one(step=step, student=student, actor=actor, context=context, letter=letter)
        except Exception:
            # One bad address must not stop the class: the others are informed, this one is reported.
            logger.exception("Information de l'étudiant %s pour l'étape %s impossible", student.pk, step.pk)
            result.failed.append(student)
            continue
        if convocation is None:
            result.already.append(student)
        elif convocation.method == InformationMethod.EMAIL:
            result.emailed.append(student)
        else:
            result.letters.append(student)
    return result


def _inform_one(
    *, step: SituationStep, student: Student, actor: User, context: dict, letter: bytes
) -> Convocation | None:
    email = student.user.email.strip()
    with transaction.atomic():
        # Lock the student's row (PostgreSQL) so two teachers clicking together inform them once.
        Student.objects.select_for_update().filter(pk=student.pk).first()
        if Convocation.objects.filter(step=step, student=student).exists():
            return None
        convocation = Convocation.objects.create(
            step=step,
            student=student,
            method=InformationMethod.EMAIL if email else InformationMethod.LETTER,
            informed_at=timezone.now(),
            informed_by=actor,
        )
        if email:
            convocation.outbox_message_id = _send_email(step, student, email, context, letter)
            convocation.save(update_fields=["outbox_message_id"])
        log_action(
            "convocation.informed",
            actor=actor,
            obj=convocation,
            establishment_id=step.situation.commission.cohort.establishment_id,
            changes={
                "student": str(student),
                "situation": step.situation.code,
                "date": step.date.isoformat(),
                "method": convocation.method,
                "outbox_message_id": convocation.outbox_message_id,
            },
        )
    return convocation


def _send_email(step: SituationStep, student: Student, email: str, context: dict, letter: bytes) -> int | None:
    """File the email in the outbox (same transaction) and return the id of its row."""
    establishment_id = step.situation.commission.cohort.establishment_id
    watermark = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    message = EmailMultiAlternatives(
        subject=render_to_string("certification/email/convocation-subject.txt", context).strip(),
        body=render_to_string("certification/email/convocation-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        headers={"X-NDRC-Establishment": str(establishment_id), "X-NDRC-Kind": EMAIL_KIND},
    )
    message.attach_alternative(render_to_string("certification/email/convocation-body.html", context), "text/html")
    message.attach(letter_filename(step, student), letter, "application/pdf")
    message.send()
    # The backend does not hand the row back: it is the newest "convocation" row to this address since the
    # watermark, written by this very transaction.
    for pk, recipients in (
        OutboxMessage.objects.filter(pk__gt=watermark, kind=EMAIL_KIND).order_by("-pk").values_list("pk", "recipients")
    ):
        if [address.lower() for address in recipients] == [email.lower()]:
            return pk
    return None


def acknowledge_convocation(*, convocation: Convocation, actor: User) -> bool:
    """The student confirms they read it; only the first time counts (returns False afterwards)."""
    with transaction.atomic():
        now = timezone.now()
        updated = Convocation.objects.filter(pk=convocation.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
        if not updated:
            return False
        convocation.acknowledged_at = now
        log_action(
            "convocation.acknowledged",
            actor=actor,
            obj=convocation,
            establishment_id=convocation.student.cohort.establishment_id,
            changes={"acknowledged_at": now.isoformat()},
        )
    return True


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
    # Informed on or before the step's date; the app cannot know the hour the commission meets.
    return Convocation.objects.filter(step=step, student=student, informed_at__date__lte=step.date).exists()


def assessment_block_reason(student: Student, step: SituationStep) -> str | None:
    """Why the commission may not assess ``student`` at ``step`` yet, or None when it may."""
    if _informed_in_time(student, step):
        return None
    if UninformedAssessment.objects.filter(step=step, student=student).exists():
        return None
    return (
        f"{student} n'a pas été informé·e officiellement de la date du {step.date:%d/%m/%Y} : "
        "informez-le ou la, ou enregistrez le motif d'une évaluation sans information préalable."
    )


def can_assess(student: Student, step: SituationStep) -> bool:
    return assessment_block_reason(student, step) is None


def information_by_student_step(steps: list[SituationStep]) -> dict[tuple[int, int], Convocation]:
    """The first information of each (student, step) among ``steps``, in one query."""
    found: dict[tuple[int, int], Convocation] = {}
    for convocation in Convocation.objects.filter(step__in=steps).order_by("informed_at", "pk"):
        found.setdefault((convocation.student_id, convocation.step_id), convocation)
    return found


def uninformed_reasons(steps: list[SituationStep]) -> dict[tuple[int, int], UninformedAssessment]:
    return {(r.student_id, r.step_id): r for r in UninformedAssessment.objects.filter(step__in=steps)}


def student_convocations(student: Student) -> QuerySet[Convocation]:
    """A student's informations, with what their home page shows, newest date first."""
    return (
        Convocation.objects.filter(student=student)
        .select_related("step__situation__commission__exam")
        .order_by("-step__date", "pk")
    )
