"""send_dossier_reminders: one email per threshold (J-14, J-3) to students whose dossier is not submitted."""

import datetime
import email
import email.policy

import time_machine
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from certification.commissions.services.reminders import send_dossier_reminders
from certification.models import DossierReminder, DossierState
from notifications.models import OutboxMessage
from tests.factories_certification_dossiers import deadline_of, make_dossier

DEADLINE = datetime.date(2027, 4, 15)


def _travel(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_current_timezone()))


def _reminders(student, exam_code="E4") -> list[int]:
    return sorted(
        DossierReminder.objects.filter(student=student, exam__code=exam_code).values_list("days_before", flat=True)
    )


def _submit(student, exam_code="E4"):
    dossier = make_dossier(student, exam_code)
    dossier.state, dossier.submitted_at = DossierState.SUBMITTED, timezone.now()
    dossier.save(update_fields=["state", "submitted_at"])


def test_the_deadline_is_the_session_rule(cast):
    assert deadline_of(cast.student) == DEADLINE


def test_sent_once_at_j14_and_once_at_j3_not_to_a_submitted_dossier(cast):
    _submit(cast.student2)

    with _travel(DEADLINE - datetime.timedelta(days=15)):
        call_command("send_dossier_reminders")
    assert _reminders(cast.student) == []
    with _travel(DEADLINE - datetime.timedelta(days=14)):
        call_command("send_dossier_reminders")
        call_command("send_dossier_reminders")
    assert _reminders(cast.student) == [14]
    with _travel(DEADLINE - datetime.timedelta(days=10)):
        call_command("send_dossier_reminders")
    assert _reminders(cast.student) == [14]
    with _travel(DEADLINE - datetime.timedelta(days=3)):
        call_command("send_dossier_reminders")
        call_command("send_dossier_reminders")

    assert _reminders(cast.student) == [3, 14]
    assert _reminders(cast.student, "E6") == [3, 14]  # the E6 dossier is not submitted either
    assert _reminders(cast.student2) == []
    assert _reminders(cast.student2, "E6") == [3, 14]
    mails = OutboxMessage.objects.filter(kind="reminder", recipients=[cast.student.user.email])
    assert mails.count() == 4


def test_the_email_says_what_and_when(cast):
    with _travel(DEADLINE - datetime.timedelta(days=3)):
        send_dossier_reminders()

    reminder = DossierReminder.objects.get(student=cast.student, exam__code="E4")
    assert reminder.outbox_message_id is not None
    message = OutboxMessage.objects.get(pk=reminder.outbox_message_id)
    assert message.subject == "Rappel : votre dossier E4 est à déposer avant le 15 avril 2027"
    assert message.establishment_id == cast.establishment.pk
    body = email.message_from_bytes(bytes(message.raw_message), policy=email.policy.default)
    text = body.get_body(("plain",)).get_content()
    assert "jeudi 15 avril 2027, dans 3 jours" in text
    assert f"/etudiants/{cast.student.pk}/dossiers/" in text
    assert AuditEntry.objects.filter(action="dossier.reminder_sent").count() == DossierReminder.objects.count()


def test_a_missed_day_is_caught_up_once_and_not_after_the_deadline(cast):
    # The worker was stopped on J-14: on J-10 the J-14 reminder goes, once.
    assert send_dossier_reminders(DEADLINE - datetime.timedelta(days=10)) > 0
    assert send_dossier_reminders(DEADLINE - datetime.timedelta(days=9)) == 0
    assert _reminders(cast.student) == [14]
    # Stopped from J-14 to J-1: only the latest threshold (J-3) is sent, not a burst of both.
    DossierReminder.objects.all().delete()
    send_dossier_reminders(DEADLINE - datetime.timedelta(days=1))
    assert _reminders(cast.student) == [3]
    DossierReminder.objects.all().delete()
    assert send_dossier_reminders(DEADLINE + datetime.timedelta(days=1)) == 0


def test_a_student_without_email_is_skipped(cast):
    cast.student.user.email = ""
    cast.student.user.save(update_fields=["email"])

    send_dossier_reminders(DEADLINE - datetime.timedelta(days=3))

    assert _reminders(cast.student) == []
    assert _reminders(cast.student2) == [3]


def test_a_session_without_thresholds_sends_nothing(cast):
    cast.session.dossier_reminder_days = []
    cast.session.save(update_fields=["dossier_reminder_days"])

    assert send_dossier_reminders(DEADLINE - datetime.timedelta(days=3)) == 0
