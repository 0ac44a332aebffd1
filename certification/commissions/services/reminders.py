"""Reminders before the dossier deposit deadline, to students whose dossier is not submitted.

For each exam rule with a deadline and each threshold of its session (``dossier_reminder_days``, e.g. [14, 3]), a
student gets one email on the day ``deadline - days``. Run late (the worker was stopped), it catches up once: only the
most recent threshold already reached is sent, never a burst of every missed one, and nothing after the deadline.
The ``DossierReminder`` row (unique per student, exam, session and threshold) makes it idempotent: the command runs
every hour, and running it twice sends nothing more.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Student
from audit.services import log_action
from certification.commissions.services.convocations import file_email
from certification.dossiers.models import Dossier, DossierReminder, DossierState
from referentiel.models import ExamRule

logger = logging.getLogger(__name__)

EMAIL_KIND = "reminder"


def _threshold_due(rule: ExamRule, today: datetime.date) -> int | None:
    """The threshold (days before the deadline) whose reminder is due today, or None."""
    deadline = rule.deposit_deadline
    if deadline is None or today > deadline:
        return None
    reached = [
        days for days in rule.session.dossier_reminder_days or [] if deadline - datetime.timedelta(days) <= today
    ]
    return min(reached) if reached else None


def _students_to_remind(rule: ExamRule, days_before: int) -> QuerySet[Student]:
    submitted = Dossier.objects.filter(
        exam_id=rule.exam_id, session_id=rule.session_id, state=DossierState.SUBMITTED
    ).values("student_id")
    reminded = DossierReminder.objects.filter(
        exam_id=rule.exam_id, session_id=rule.session_id, days_before=days_before
    ).values("student_id")
    return (
        Student.objects.filter(cohort__exam_session_id=rule.session_id)
        .exclude(pk__in=submitted)
        .exclude(pk__in=reminded)
        .exclude(user__email="")
        .select_related("user", "cohort__establishment")
    )


def send_dossier_reminders(today: datetime.date | None = None) -> int:
    """Send the reminders due ``today`` (local date by default); returns how many emails were filed."""
    today = today or timezone.localdate()
    sent = 0
    rules = ExamRule.objects.filter(deposit_deadline__gte=today).select_related("session", "exam")
    for rule in rules:
        days_before = _threshold_due(rule, today)
        if days_before is None:
            continue
        for student in _students_to_remind(rule, days_before):
            try:
                if _remind(rule=rule, student=student, days_before=days_before, today=today):
                    sent += 1
            except Exception:
                # One bad address must not stop the others; the next run tries again (no row was written).
                logger.exception("Relance du dossier %s de l'étudiant %s impossible", rule.exam.code, student.pk)
    return sent


def _remind(*, rule: ExamRule, student: Student, days_before: int, today: datetime.date) -> bool:
    deadline = rule.deposit_deadline
    if deadline is None:  # no deadline, nothing to remind of
        return False
    establishment = student.cohort.establishment
    context = {
        "student": student,
        "candidate": student.user,
        "exam": rule.exam,
        "session": rule.session,
        "deadline": deadline,
        "days_left": (deadline - today).days,
        "establishment": establishment,
        "dossiers_url": settings.SITE_URL + reverse("certification:dossier_list", args=[student.pk]),
    }
    try:
        with transaction.atomic():
            reminder = DossierReminder.objects.create(
                student=student, exam=rule.exam, session=rule.session, days_before=days_before
            )
            reminder.outbox_message_id = file_email(
                establishment_id=establishment.pk,
                to=student.user.email.strip(),
                kind=EMAIL_KIND,
                template="certification/dossiers/email/dossier-reminder",
                context=context,
            )
            reminder.save(update_fields=["outbox_message_id"])
            log_action(
                "dossier.reminder_sent",
                obj=reminder,
                establishment_id=establishment.pk,
                changes={
                    "student": str(student),
                    "exam": rule.exam.code,
                    "deadline": deadline.isoformat(),
                    "days_before": days_before,
                    "outbox_message_id": reminder.outbox_message_id,
                },
            )
    except IntegrityError:
        # Another run sent it meanwhile.
        return False
    return True
