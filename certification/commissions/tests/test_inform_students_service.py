"""certification.commissions.services.convocations.inform_students: official information by email (outbox) or letter."""

import email
import email.policy
import io
import socket

from pypdf import PdfReader

from audit.models import AuditEntry
from certification.commissions.services.convocations import inform_students
from certification.models import Convocation, InformationMethod
from notifications.models import OutboxMessage, OutboxState
from tests.factories_certification_commissions import make_commission, step_of


def _step(cast, code="A", **kwargs):
    return step_of(make_commission(cast, **kwargs), code)


def _parts(message: OutboxMessage):
    return email.message_from_bytes(bytes(message.raw_message), policy=email.policy.default)


def test_it_creates_one_convocation_and_one_outbox_message_per_student_with_an_email(cast):
    step = _step(cast)

    result = inform_students(step=step, actor=cast.teacher)

    assert set(result.emailed) == {cast.student, cast.student2}
    convocations = Convocation.objects.filter(step=step)
    assert convocations.count() == 2
    messages = OutboxMessage.objects.filter(kind="convocation")
    assert messages.count() == 2
    for convocation in convocations:
        assert convocation.outbox_message_id is not None
        message = messages.get(pk=convocation.outbox_message_id)
        assert message.recipients == [convocation.student.user.email]
        assert convocation.method == InformationMethod.EMAIL
        assert convocation.informed_by == cast.teacher
        assert message.establishment_id == cast.establishment.pk


def test_the_email_carries_the_pdf_letter(cast):
    step = _step(cast)

    inform_students(step=step, actor=cast.teacher, student_ids=[cast.student.pk])

    message = OutboxMessage.objects.get(kind="convocation")
    assert "20 mai 2027" in message.subject
    parsed = _parts(message)
    attachments = [part for part in parsed.walk() if part.get_content_disposition() == "attachment"]
    assert len(attachments) == 1
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_filename() == "convocation-E4-A-2027-05-20-etudiante-emma.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachments[0].get_payload(decode=True))).pages)
    assert "Emma" in text
    assert "20 mai 2027" in text
    # Our routing headers are not sent.
    assert parsed["X-NDRC-Kind"] is None


def test_the_email_explains_that_the_candidate_is_not_present_at_e4_situation_a(cast):
    inform_students(step=_step(cast), actor=cast.teacher, student_ids=[cast.student.pk])

    body = _parts(OutboxMessage.objects.get()).get_body(preferencelist=("plain",)).get_content()
    assert "Vous n'êtes pas présent·e" in body
    assert "2 fiches descriptives" in body
    assert "15 avril 2027" in body  # the session's deposit deadline comes before the date


def test_e4_situation_b_convokes_the_candidate(cast):
    inform_students(step=_step(cast, "B"), actor=cast.teacher, student_ids=[cast.student.pk])

    body = _parts(OutboxMessage.objects.get()).get_body(preferencelist=("plain",)).get_content()
    assert "Vous êtes convoqué·e le jeudi 3 juin 2027" in body


def test_informing_twice_does_not_duplicate(cast):
    step = _step(cast)
    inform_students(step=step, actor=cast.teacher)

    again = inform_students(step=step, actor=cast.admin)

    assert again.emailed == [] and len(again.already) == 2
    assert Convocation.objects.filter(step=step).count() == 2
    assert OutboxMessage.objects.count() == 2


def test_a_student_without_email_is_informed_by_letter(cast):
    cast.student2.user.email = ""
    cast.student2.user.save(update_fields=["email"])
    step = _step(cast)

    result = inform_students(step=step, actor=cast.teacher)

    assert result.letters == [cast.student2]
    convocation = Convocation.objects.get(step=step, student=cast.student2)
    assert convocation.method == InformationMethod.LETTER
    assert convocation.outbox_message_id is None
    assert OutboxMessage.objects.count() == 1


def test_only_the_selected_students_are_informed(cast):
    step = _step(cast)

    inform_students(step=step, actor=cast.teacher, student_ids=[cast.student2.pk, cast.other_student.pk])

    assert list(Convocation.objects.values_list("student", flat=True)) == [cast.student2.pk]


def test_each_information_is_audited(cast):
    step = _step(cast)

    inform_students(step=step, actor=cast.teacher)

    entries = AuditEntry.objects.filter(action="convocation.informed")
    assert entries.count() == 2
    assert {entry.changes["method"] for entry in entries} == {"email"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_the_smtp_server_stopped_the_information_is_saved_and_the_email_queued(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    step = _step(cast)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = inform_students(step=step, actor=cast.teacher, student_ids=[cast.student.pk])

    assert callbacks, "delivery is attempted after the commit"
    assert result.emailed == [cast.student]
    convocation = Convocation.objects.get(step=step)
    assert convocation.outbox_message_id is not None
    message = OutboxMessage.objects.get(pk=convocation.outbox_message_id)
    assert message.state == OutboxState.QUEUED
    assert message.attempts == 1
    assert message.last_error.startswith("Serveur SMTP injoignable")
