from django.utils import timezone

from notifications.models import OutboxMessage, OutboxState
from tests.access import ADMIN_ONLY, STAFF_ONLY, Row, everyone, logged_in


def _failed_message(cast) -> int:
    return OutboxMessage.objects.create(
        establishment_id=cast.establishment.pk,
        subject="Convocation",
        from_email="ne-pas-repondre@example.org",
        recipients=["emma@example.org"],
        raw_message=b"Subject: x\r\n\r\nx\r\n",
        state=OutboxState.FAILED,
        next_attempt_at=timezone.now(),
    ).pk


ROWS: dict[str, list[Row]] = {
    "home": [Row(logged_in(200))],
    "whoami": [Row(logged_in(200))],
    "accounts:login": [Row(everyone(302, anonymous=200))],
    "accounts:logout": [Row(everyone(302), method="post")],
    "accounts:password_reset": [Row(everyone(200))],
    "accounts:password_reset_done": [Row(everyone(200))],
    "accounts:password_reset_confirm": [Row(everyone(200), args=lambda c: ["MQ", "bad-token"])],
    "accounts:password_reset_complete": [Row(everyone(200))],
    "accounts:password_change": [Row(logged_in(200))],
    "accounts:cohort_list": [Row(STAFF_ONLY)],
    "accounts:cohort_detail": [
        Row(
            logged_in(200, other_teacher=404, professional=404, student=404, student2=404), args=lambda c: [c.cohort.pk]
        )
    ],
    "accounts:cohort_create": [Row(ADMIN_ONLY)],
    "accounts:cohort_edit": [Row(logged_in(404, admin=200, teacher=403), args=lambda c: [c.cohort.pk])],
    "accounts:staff": [Row(ADMIN_ONLY)],
    "accounts:student_import": [
        Row(
            logged_in(200, other_teacher=404, professional=404, student=404, student2=404), args=lambda c: [c.cohort.pk]
        ),
        # A teacher of the establishment who does not teach that cohort sees it but may not change it.
        Row(
            logged_in(200, teacher=403, other_teacher=404, professional=404, student=404, student2=404),
            args=lambda c: [c.first_year.pk],
        ),
    ],
    # A preview or a confirmation with no staged file: allowed people are sent back with a message, others never
    # learn more.
    "accounts:student_import_preview": [
        Row(
            logged_in(302, other_teacher=404, professional=404, student=404, student2=404),
            args=lambda c: [c.cohort.pk, "perime"],
        ),
    ],
    "accounts:student_import_confirm": [
        Row(
            logged_in(302, other_teacher=404, professional=404, student=404, student2=404),
            args=lambda c: [c.cohort.pk, "perime"],
            method="post",
            data={"version": "1"},
        ),
    ],
    "accounts:student_detail": [
        Row(logged_in(200, other_teacher=404, student2=404), args=lambda c: [c.student.pk]),
        Row(logged_in(404, admin=200, teacher=200, student2=200), args=lambda c: [c.student2.pk]),
    ],
    "accounts:invite_professional": [Row(STAFF_ONLY)],
    "accounts:accept_invitation": [Row(everyone(404), args=lambda c: ["unknown-token"])],
    "accounts:audit_log": [Row(ADMIN_ONLY)],
    "accounts:outbox": [Row(ADMIN_ONLY)],
    "accounts:outbox_retry": [Row(logged_in(404, admin=302), args=lambda c: [_failed_message(c)], method="post")],
    "referentiel:detail": [Row(logged_in(200))],
}
