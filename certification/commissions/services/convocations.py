"""Official information of the candidates of the date of a situation step (what it allows: ``informed``).

Informing a class runs one transaction per student: each information is an independent official fact, the PDF
letter (the slow part) is rendered before the transaction opens, and a class of 35 never holds the database's write
lock for the whole batch. Since already informed students are skipped, sending again after an interruption is safe.

A scheduled passage (the student comes: E4 situation B, E6) is convoked by ``convoke_passage``, called by the
planning service inside the transaction that saves the passage; a moved passage supersedes the current convocation
and convokes again. For a passage, the convocation sent before its start is what allows the assessment.

« Informé·e » needs a proof (issue 18): what counts as one, and the delivery states of a convocation's email, are in
``services/delivery.py``. A « non remise » or « remise incertaine » email lets the teacher resend it (possibly to a
corrected address) or record the letter handed over (below).
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Student, User
from audit.models import AuditEntry
from audit.services import log_action
from certification.commissions.models import (
    Convocation,
    InformationMethod,
    Passage,
    SituationStep,
)
from certification.commissions.pdf import (
    letter_context,
    letter_filename,
    load_step,
    render_letter_pdf,
    step_letter_context,
)
from certification.commissions.services.commissions import CommissionError
from certification.commissions.services.delivery import (
    UNCERTAIN,
    UNDELIVERED,
    UNDELIVERED_STATES,
    attach_delivery,
    stopped,
    undelivered_student_ids,
)
from lib import generations
from notifications import services as outbox
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
    # A convocation whose email was not delivered, sent again.
    resent: list[Student] = field(default_factory=list)


def inform_students(*, step: SituationStep, actor: User, student_ids: list[int] | None = None) -> InformResult:
    """Inform every student of the commission's cohort (or those of ``student_ids``) not yet informed of ``step``."""
    step = load_step(step.pk)
    students = Student.objects.filter(cohort_id=step.situation.commission.cohort_id).select_related("user")
    if student_ids is not None:
        students = students.filter(pk__in=student_ids)
    informed = set(Convocation.objects.filter(step=step).values_list("student_id", flat=True))
    undelivered = undelivered_student_ids(step)
    common = step_letter_context(step)
    result = InformResult()
    for student in students:
        if student.pk in informed and student.pk not in undelivered:
            result.already.append(student)
            continue
        context = letter_context(common, student)
        letter = render_letter_pdf(context)
        inform = _resend_one if student.pk in undelivered else _inform_one
        try:
            convocation = inform(step=step, student=student, actor=actor, context=context, letter=letter)
        except Exception:
            # One bad address must not stop the class: the others are informed, this one is reported.
            logger.exception("Information de l'étudiant %s pour l'étape %s impossible", student.pk, step.pk)
            result.failed.append(student)
            continue
        if convocation is None:
            result.already.append(student)
        elif student.pk in undelivered:
            result.resent.append(student)
        elif convocation.method == InformationMethod.EMAIL:
            result.emailed.append(student)
        else:
            result.letters.append(student)
    return result


def _inform_one(
    *, step: SituationStep, student: Student, actor: User, context: dict[str, Any], letter: bytes
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


def _resend_one(
    *, step: SituationStep, student: Student, actor: User, context: dict[str, Any], letter: bytes
) -> Convocation | None:
    """Send again the information whose email was not delivered, to the student's current address."""
    email = student.user.email.strip()
    if not email:
        raise CommissionError(f"{student} n'a pas d'adresse électronique : remettez-lui la lettre en main propre.")
    with transaction.atomic():
        Student.objects.select_for_update().filter(pk=student.pk).first()
        convocation = Convocation.objects.filter(stopped(UNDELIVERED_STATES), step=step, student=student).first()
        if convocation is None:
            return None  # delivered, or resent by someone else meanwhile
        previous = convocation.outbox_message_id
        convocation.outbox_message_id = _send_email(step, student, email, context, letter)
        _log_resend(convocation, actor=actor, previous=previous, address=email)
    return convocation


def _log_resend(convocation: Convocation, *, actor: User, previous: int | None, address: str) -> None:
    convocation.informed_at, convocation.informed_by = timezone.now(), actor
    convocation.save(update_fields=["outbox_message_id", "informed_at", "informed_by"])
    log_action(
        "convocation.resent",
        actor=actor,
        obj=convocation,
        establishment_id=convocation.student.cohort.establishment_id,
        changes={
            "student": str(convocation.student),
            "address": address,
            "outbox_message_id": [previous, convocation.outbox_message_id],
        },
    )


def _send_email(
    step: SituationStep, student: Student, email: str, context: dict[str, Any], letter: bytes
) -> int | None:
    """File the email in the outbox (same transaction) and return the id of its row."""
    return file_email(
        establishment_id=step.situation.commission.cohort.establishment_id,
        to=email,
        kind=EMAIL_KIND,
        template="certification/commissions/email/convocation",
        context=context,
        attachment=(letter_filename(step, student), letter),
    )


def file_email(
    *,
    establishment_id: int | None,
    to: str,
    kind: str,
    template: str,
    context: dict[str, Any],
    attachment: tuple[str, bytes] | None = None,
) -> int | None:
    """Send ``template``-subject.txt / -body.txt / -body.html to ``to`` through the outbox, in the caller's
    transaction, and return the id of the outbox row (None if it cannot be found)."""
    watermark = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    message = EmailMultiAlternatives(
        subject=" ".join(render_to_string(f"{template}-subject.txt", context).split()),
        body=render_to_string(f"{template}-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"X-NDRC-Establishment": str(establishment_id or ""), "X-NDRC-Kind": kind},
    )
    message.attach_alternative(render_to_string(f"{template}-body.html", context), "text/html")
    if attachment is not None:
        message.attach(attachment[0], attachment[1], "application/pdf")
    message.send()
    # The backend does not hand the row back: it is the newest row of this kind to this address since the
    # watermark, written by this very transaction.
    for pk, recipients in (
        OutboxMessage.objects.filter(pk__gt=watermark, kind=kind).order_by("-pk").values_list("pk", "recipients")
    ):
        if [address.lower() for address in recipients] == [to.lower()]:
            return pk
    return None


PASSAGE_TEMPLATE = "certification/commissions/email/passage-convocation"


def convoke_passage(
    *, passage: Passage, actor: User, context: dict[str, Any], letter: bytes, filename: str, base_url: str = ""
) -> Convocation:
    """Convoke the student to ``passage`` (inside the caller's transaction): the current convocation, and the email
    with the PDF letter filed in the outbox. A previous current convocation must have been superseded first."""
    student = passage.student
    email = student.user.email.strip()
    convocation = Convocation.objects.create(
        passage=passage,
        student=student,
        method=InformationMethod.EMAIL if email else InformationMethod.LETTER,
        informed_at=timezone.now(),
        informed_by=actor,
        scheduled_for=passage.starts_at,
        room_name=passage.room.name,
    )
    if email:
        context = {
            **context,
            "subject_url": base_url + reverse("certification:candidate_subject", args=[passage.pk]),
            "convocations_url": base_url + reverse("certification:student_convocations", args=[student.pk]),
        }
        convocation.outbox_message_id = file_email(
            establishment_id=passage.situation.commission.cohort.establishment_id,
            to=email,
            kind=EMAIL_KIND,
            template=PASSAGE_TEMPLATE,
            context=context,
            attachment=(filename, letter),
        )
        convocation.save(update_fields=["outbox_message_id"])
    log_action(
        "convocation.passage_convoked",
        actor=actor,
        obj=convocation,
        establishment_id=passage.situation.commission.cohort.establishment_id,
        changes={
            "student": str(student),
            "passage": passage.pk,
            "scheduled_for": passage.starts_at.isoformat(),
            "room": passage.room.name,
            "method": convocation.method,
            "change": bool(context.get("change")),
            "outbox_message_id": convocation.outbox_message_id,
        },
    )
    return convocation


def supersede_current_convocation(passage: Passage) -> int:
    """Mark the passage's current convocation as replaced (it stays as history); returns how many were."""
    generations.changed(Convocation)  # QuerySet.update sends no post_save
    return Convocation.objects.filter(passage=passage, superseded_at__isnull=True).update(superseded_at=timezone.now())


def acknowledge_convocation(*, convocation: Convocation, actor: User) -> bool:
    """The student confirms they read it; only the first time counts (returns False afterwards)."""
    with transaction.atomic():
        now = timezone.now()
        updated = Convocation.objects.filter(pk=convocation.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
        if not updated:
            return False
        generations.changed(Convocation)
        convocation.acknowledged_at = now
        log_action(
            "convocation.acknowledged",
            actor=actor,
            obj=convocation,
            establishment_id=convocation.student.cohort.establishment_id,
            changes={"acknowledged_at": now.isoformat()},
        )
    return True


def _locked_current(convocation: Convocation) -> Convocation:
    current = (
        Convocation.objects.select_for_update(of=("self",))
        .select_related("student__user", "student__cohort")
        .filter(pk=convocation.pk)
        .first()
    )
    if current is None or current.superseded_at is not None:
        raise CommissionError("Cette convocation a été remplacée par une plus récente : agissez sur celle-ci.")
    return current


def _correct_address(student: Student, email: str, *, actor: User) -> str:
    """The address the email goes to; a corrected one replaces the student's (unique among accounts)."""
    try:
        validate_email(email)
    except ValidationError:
        raise CommissionError(f"« {email} » n'est pas une adresse électronique valide.") from None
    user = student.user
    old = user.email
    if email.lower() != old.strip().lower():
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise CommissionError(f"L'adresse « {email} » est déjà celle d'un autre compte : rien n'est envoyé.")
        user.email = email
        user.save(update_fields=["email"])
        log_action(
            "accounts.email_corrected",
            actor=actor,
            obj=user,
            establishment_id=student.cohort.establishment_id,
            changes={"email": [old, email], "reason": "convocation non remise"},
        )
    return email


def resend_convocation(*, convocation: Convocation, email: str, actor: User) -> Convocation:
    """Send the email of a « non remise » or « incertaine » convocation again (a copy of the same message, new
    Message-ID), to ``email``: the student's address, possibly corrected here."""
    email = email.strip()
    with transaction.atomic():
        current = _locked_current(convocation)
        attach_delivery([current])
        if current.delivery_state not in (UNDELIVERED, UNCERTAIN):
            raise CommissionError(
                f"La convocation de {current.student} est « {current.delivery_state_label} » : elle n'est pas renvoyée."
            )
        if current.outbox is None or current.outbox_message_id is None:
            raise CommissionError(
                "Le courriel d'origine est introuvable : remettez la lettre en main propre et enregistrez-le."
            )
        address = _correct_address(current.student, email, actor=actor)
        previous = current.outbox_message_id
        current.outbox_message_id = outbox.resend_copy(message_id=previous, to=address).pk
        _log_resend(current, actor=actor, previous=previous, address=address)
    return current


def record_letter_handed(*, convocation: Convocation, actor: User) -> Convocation:
    """The teacher handed the printed letter to the student: the information is proven from now on."""
    with transaction.atomic():
        current = _locked_current(convocation)
        if current.letter_handed_at is not None:
            raise CommissionError(
                f"La remise de la lettre à {current.student} est déjà enregistrée "
                f"(le {timezone.localtime(current.letter_handed_at):%d/%m/%Y à %H:%M})."
            )
        attach_delivery([current])
        previous = (current.method, current.delivery_state)
        now = timezone.now()
        current.method = InformationMethod.LETTER
        current.letter_handed_at = current.informed_at = now
        current.letter_handed_by = current.informed_by = actor
        current.save(update_fields=["method", "letter_handed_at", "letter_handed_by", "informed_at", "informed_by"])
        log_action(
            "convocation.letter_handed",
            actor=actor,
            obj=current,
            establishment_id=current.student.cohort.establishment_id,
            changes={
                "student": str(current.student),
                "method": [previous[0], current.method],
                "delivery_before": previous[1],
                "outbox_message_id": current.outbox_message_id,
            },
        )
    return current


# How long a requested information shows « envoi en cours » instead of the button: the worker sends a class in a few
# minutes; past this the button comes back (informing again skips those already informed).
IN_FLIGHT = datetime.timedelta(minutes=30)
REQUESTED = "convocation.inform_requested"


def request_information(*, step: SituationStep, actor: User, student_ids: list[int], nonce: str) -> bool:
    """Record the teacher's confirmed request to inform ``student_ids`` of ``step`` and queue it after the commit.

    Idempotent: a confirmation (``nonce``) is honoured once; a double submit returns False and queues nothing. The
    step's row is locked (PostgreSQL) so two submits of the same confirmation cannot both pass the check.
    """
    from certification.commissions import tasks  # tasks import this module: imported when called

    with transaction.atomic():
        SituationStep.objects.select_for_update().filter(pk=step.pk).first()
        if already_requested(step, nonce):
            return False
        log_action(
            REQUESTED,
            actor=actor,
            obj=step,
            establishment_id=step.situation.commission.cohort.establishment_id,
            changes={"nonce": nonce, "students": sorted(student_ids), "date": step.date.isoformat()},
        )
        ids = sorted(student_ids)
        transaction.on_commit(lambda: tasks.inform_step_students.enqueue(step.pk, actor.pk, ids))
    return True


def already_requested(step: SituationStep, nonce: str) -> bool:
    return AuditEntry.objects.filter(
        action=REQUESTED, object_type="certification.situationstep", object_id=str(step.pk), changes__nonce=nonce
    ).exists()


def requests_in_flight(step_ids: list[int]) -> dict[int, list[int]]:
    """``{step id: students of its latest recent request}`` for the steps whose information was requested lately."""
    rows = AuditEntry.objects.filter(
        action=REQUESTED,
        object_type="certification.situationstep",
        object_id__in=[str(pk) for pk in step_ids],
        at__gte=timezone.now() - IN_FLIGHT,
    ).order_by("at", "pk")
    return {int(pk): changes.get("students", []) for pk, changes in rows.values_list("object_id", "changes")}
