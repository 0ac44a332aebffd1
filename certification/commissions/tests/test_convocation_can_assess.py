"""can_assess / assessment_block_reason: no assessment of an uninformed student unless the reason is recorded."""

import datetime

import pytest

from audit.models import AuditEntry
from certification.commissions.services.commissions import CommissionError
from certification.commissions.services.convocations import inform_students
from certification.commissions.services.informed import assessment_block_reason, can_assess, record_uninformed_reason
from certification.models import UninformedAssessment
from notifications.services import deliver_due_messages
from tests.factories_certification_commissions import make_commission, make_convocation, step_of


def test_a_student_not_informed_cannot_be_assessed(cast):
    step = step_of(make_commission(cast))

    assert can_assess(cast.student, step) is False
    assert "n'a pas été informé·e officiellement de la date du 20/05/2027" in str(
        assessment_block_reason(cast.student, step)
    )


def test_once_informed_the_student_can_be_assessed(cast, settings):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    step = step_of(make_commission(cast))

    inform_students(step=step, actor=cast.teacher, student_ids=[cast.student.pk])
    assert can_assess(cast.student, step) is False  # the email is still on its way: no proof yet
    deliver_due_messages()

    assert can_assess(cast.student, step) is True
    assert assessment_block_reason(cast.student, step) is None
    assert can_assess(cast.student2, step) is False


def test_information_of_another_step_does_not_count(cast):
    commission = make_commission(cast)
    make_convocation(step_of(commission, "B"), cast.student)

    assert can_assess(cast.student, step_of(commission, "A")) is False


def test_information_given_after_the_date_does_not_count(cast):
    step = step_of(make_commission(cast))
    step.date = datetime.date(2020, 1, 6)
    step.save(update_fields=["date"])
    make_convocation(step, cast.student)

    assert can_assess(cast.student, step) is False


def test_a_recorded_reason_allows_the_assessment(cast):
    step = step_of(make_commission(cast))

    record_uninformed_reason(step=step, student=cast.student, reason="Inscrit·e après l'envoi", actor=cast.teacher)

    assert can_assess(cast.student, step) is True
    assert AuditEntry.objects.filter(action="convocation.uninformed_reason_recorded").count() == 1


def test_the_reason_is_required(cast):
    step = step_of(make_commission(cast))

    with pytest.raises(CommissionError, match="Indiquez pourquoi"):
        record_uninformed_reason(step=step, student=cast.student, reason="   ", actor=cast.teacher)
    assert can_assess(cast.student, step) is False


def test_no_reason_is_needed_for_an_informed_student(cast):
    step = step_of(make_commission(cast))
    make_convocation(step, cast.student)

    with pytest.raises(CommissionError, match="aucun motif n'est nécessaire"):
        record_uninformed_reason(step=step, student=cast.student, reason="…", actor=cast.teacher)


def test_recording_again_updates_the_reason(cast):
    step = step_of(make_commission(cast))
    record_uninformed_reason(step=step, student=cast.student, reason="Premier motif", actor=cast.teacher)

    record_uninformed_reason(step=step, student=cast.student, reason="Motif précisé", actor=cast.admin)

    record = UninformedAssessment.objects.get()
    assert (record.reason, record.recorded_by) == ("Motif précisé", cast.admin)
