"""Issue 18, faults 2 and 3, seen from the commission: a real SMTP server on 127.0.0.1 that refuses with 550,
stores then answers too late, or drops the connection. Everything a teacher does goes through HTTP.

« Informé·e » needs a proof: a refused convocation is « non remise » on the commission page and in the to-do, and
can be resent (to a corrected address) or replaced by the letter handed over; a convocation sent without an
answer is « remise incertaine », and was received at most twice.
"""

import email
from email import policy

import pytest
from django.contrib.messages import get_messages
from django.db.models import F
from django.urls import reverse

from audit.models import AuditEntry
from certification.commissions.services.informed import can_assess
from certification.evaluation.selectors.todo import todo_count, todo_for
from certification.models import Convocation, InformationMethod
from notifications.models import OutboxMessage, OutboxState
from notifications.services import deliver_due_messages
from notifications.tests.smtp_servers import CLIENT_TIMEOUT, DroppingInbox, RefusingInbox, StallingInbox, smtp_server
from tests.factories_certification_commissions import confirm_information, make_commission, step_of
from tests.factories_certification_planning import free_port, point_delivery_at


@pytest.fixture
def port(settings) -> int:
    port = free_port()
    point_delivery_at(settings, port)
    settings.EMAIL_TIMEOUT = CLIENT_TIMEOUT
    return port


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``run(client.post, url, data)``: the request, then what it queued on commit (the information task, the
    delivery of each email), as the worker would run it."""

    def _run(method, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return method(url, data or {})

    return _run


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _page(client, step) -> str:
    return client.get(reverse("certification:commission_detail", args=[step.situation.commission_id])).text


def _cell(page: str, student) -> str:
    """The commission page's row of ``student``."""
    start = page.index(f'id="etudiant-{student.pk}"')
    return page[start : page.index("</tr>", start)]


def _inform(run, client, step):
    return run(lambda url, data: confirm_information(client, step, data), None, {"scope": "all"})


def test_fault_3_a_convocation_refused_with_550_is_non_remise_on_the_commission_page_and_in_the_todo(
    cast, login, port, run
):
    step = step_of(make_commission(cast))
    teacher = login(cast.teacher)
    with smtp_server(RefusingInbox(at_rcpt=True), port) as server:
        _inform(run, teacher, step)
    assert sorted(server.refused) == sorted([cast.student.user.email, cast.student2.user.email])

    page = _page(teacher, step)
    assert '<span class="tag tag-err">non remise</span>' in _cell(page, cast.student)
    assert "550 5.1.1 Adresse inconnue" in _cell(page, cast.student)
    assert '<span class="tag tag-ok">informé·e</span>' not in _cell(page, cast.student)
    assert "0/2 informé·e(s)" in page
    assert can_assess(cast.student, step) is False

    todo = teacher.get(reverse("certification:todo")).text
    assert "Convocations non remises : 2" in todo
    assert reverse("certification:commission_detail", args=[step.situation.commission_id]) + "#etudiants" in todo
    items = todo_for(cast.teacher)
    assert todo_count(cast.teacher) == len(items)  # the navigation's counter agrees
    assert [item.label for item in items if item.kind == "delivery"] == ["Convocations non remises : 2"]
    assert [item for item in todo_for(cast.teacher2) if item.kind == "delivery"] == []  # only the responsible acts


def test_fault_3_informing_again_resends_a_non_delivered_convocation_instead_of_inchange(cast, login, port, run):
    step = step_of(make_commission(cast))
    teacher = login(cast.teacher)
    with smtp_server(RefusingInbox(at_rcpt=True), port) as server:
        _inform(run, teacher, step)
        server.accept = True  # the mailbox exists again

        response = _inform(run, teacher, step)

    assert not any("inchangé" in text for text in _messages(response))
    assert "Information en cours : 2 étudiant·e(s) à informer" in _messages(response)[0]
    assert len(server.envelopes) == 2
    assert Convocation.objects.filter(step=step).count() == 2  # the same informations, resent
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 2
    assert "2/2 informé·e(s)" in _page(teacher, step)
    assert AuditEntry.objects.filter(action="convocation.resent").count() == 2
    assert "Convocations non remises : " not in teacher.get(reverse("certification:todo")).text
    assert can_assess(cast.student, step) is True


def test_fault_3_the_teacher_resends_a_refused_convocation_to_a_corrected_address(cast, login, port, run):
    step = step_of(make_commission(cast))
    teacher = login(cast.teacher)
    with smtp_server(RefusingInbox(), port) as server:
        _inform(run, teacher, step)
        convocation = Convocation.objects.get(step=step, student=cast.student)
        assert convocation.outbox_message_id is not None
        refused = OutboxMessage.objects.get(pk=convocation.outbox_message_id)
        assert refused.state == OutboxState.REFUSED
        server.accept = True

        response = run(
            teacher.post,
            reverse("certification:convocation_resend", args=[convocation.pk]),
            {"email": "emma.martin@example.org"},
        )

    assert _messages(response)[-1] == (
        f"Convocation de {cast.student} renvoyée à emma.martin@example.org : envoi en cours."
    )
    (envelope,) = server.envelopes
    assert envelope.rcpt_tos == ["emma.martin@example.org"]
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    original = email.message_from_bytes(bytes(refused.raw_message), policy=policy.default)
    assert parsed["To"] == "emma.martin@example.org"
    assert parsed["Subject"] == original["Subject"]
    assert parsed["Message-ID"] != original["Message-ID"]  # a new email, not a duplicate of the refused one
    assert [part.get_filename() for part in parsed.iter_attachments()] == [
        part.get_filename() for part in original.iter_attachments()
    ]
    cast.student.user.refresh_from_db()
    assert cast.student.user.email == "emma.martin@example.org"
    assert '<span class="tag tag-ok">informé·e</span>' in _cell(_page(teacher, step), cast.student)
    assert '<span class="tag tag-err">non remise</span>' in _cell(_page(teacher, step), cast.student2)
    assert "Convocations non remises : 1" in teacher.get(reverse("certification:todo")).text
    entry = AuditEntry.objects.get(action="convocation.resent")
    assert entry.changes["outbox_message_id"][0] == refused.pk
    assert AuditEntry.objects.get(action="accounts.email_corrected").changes["email"][1] == "emma.martin@example.org"


def test_fault_3_the_teacher_records_the_letter_handed_over_instead(cast, login, port, run):
    step = step_of(make_commission(cast))
    teacher = login(cast.teacher)
    with smtp_server(RefusingInbox(), port):
        _inform(run, teacher, step)
    convocation = Convocation.objects.get(step=step, student=cast.student2)

    response = teacher.post(reverse("certification:convocation_letter_handed", args=[convocation.pk]))

    assert _messages(response)[-1] == f"Lettre remise en main propre à {cast.student2} : enregistré."
    convocation.refresh_from_db()
    assert convocation.method == InformationMethod.LETTER
    assert convocation.letter_handed_by == cast.teacher
    assert "(lettre remise en main propre)" in _cell(_page(teacher, step), cast.student2)
    assert can_assess(cast.student2, step) is True
    entry = AuditEntry.objects.get(action="convocation.letter_handed")
    assert entry.changes["method"] == ["email", "letter"]
    assert entry.changes["delivery_before"] == "undelivered"
    again = teacher.post(reverse("certification:convocation_letter_handed", args=[convocation.pk]), follow=True)
    assert "déjà enregistrée" in again.text


def test_a_delivered_convocation_is_not_resent_and_a_bad_address_changes_nothing(cast, login, settings, run):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    step = step_of(make_commission(cast))
    teacher = login(cast.teacher)
    _inform(run, teacher, step)
    convocation = Convocation.objects.get(step=step, student=cast.student)
    url = reverse("certification:convocation_resend", args=[convocation.pk])

    refused = teacher.post(url, {"email": "autre@example.org"}, follow=True)
    invalid = teacher.post(url, {"email": "pas une adresse"}, follow=True)

    assert "est « informé·e » : elle n&#x27;est pas renvoyée." in refused.text
    assert "Convocation non renvoyée : Saisissez une adresse" in invalid.text
    assert OutboxMessage.objects.count() == 2
    cast.student.user.refresh_from_db()
    assert cast.student.user.email != "autre@example.org"


def test_only_who_manages_the_commission_may_resend_or_record_a_letter(cast, login, port, run):
    step = step_of(make_commission(cast))
    with smtp_server(RefusingInbox(), port):
        _inform(run, login(cast.teacher), step)
    convocation = Convocation.objects.get(step=step, student=cast.student)

    for persona in (cast.other_teacher, cast.student, cast.outsider):
        client = login(persona)
        assert client.post(reverse("certification:convocation_letter_handed", args=[convocation.pk])).status_code in (
            403,
            404,
        )
        assert client.post(
            reverse("certification:convocation_resend", args=[convocation.pk]), {"email": "x@example.org"}
        ).status_code in (403, 404)
    convocation.refresh_from_db()
    assert convocation.letter_handed_at is None


def test_fault_2_a_slow_server_receives_each_convocation_at_most_twice_and_shows_remise_incertaine(
    cast, login, port, run
):
    step = step_of(make_commission(cast))
    teacher = login(cast.teacher)
    with smtp_server(StallingInbox(), port) as server:
        _inform(run, teacher, step)
        for _ in range(6):  # every later sweep of the worker
            OutboxMessage.objects.filter(state=OutboxState.QUEUED).update(next_attempt_at=F("created_at"))
            deliver_due_messages()

    for student in (cast.student, cast.student2):
        received = [e for e in server.envelopes if e.rcpt_tos == [student.user.email]]
        assert len(received) == 2
        ids = {email.message_from_bytes(e.content, policy=policy.default)["Message-ID"] for e in received}
        assert len(ids) == 1
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxState.UNCERTAIN}
    page = _page(teacher, step)
    assert '<span class="tag tag-warn">remise incertaine</span>' in _cell(page, cast.student)
    assert "0/2 informé·e(s)" in page
    assert can_assess(cast.student, step) is False
    # « informer » does not send an uncertain convocation a third time; the teacher decides, one student at a time.
    _inform(run, teacher, step)
    assert OutboxMessage.objects.count() == 2


def test_a_dropped_connection_after_the_data_is_remise_incertaine_and_before_it_envoi_en_cours(cast, login, port, run):
    step = step_of(make_commission(cast))
    teacher = login(cast.teacher)
    with smtp_server(DroppingInbox(after_data=False), port):
        _inform(run, teacher, step)
    assert "envoi en cours" in _cell(_page(teacher, step), cast.student)

    with smtp_server(DroppingInbox(after_data=True), port) as server:
        for _ in range(4):
            OutboxMessage.objects.filter(state=OutboxState.QUEUED).update(next_attempt_at=F("created_at"))
            deliver_due_messages()

    assert len([e for e in server.envelopes if e.rcpt_tos == [cast.student.user.email]]) == 2
    assert '<span class="tag tag-warn">remise incertaine</span>' in _cell(_page(teacher, step), cast.student)


def test_fault_3_a_refused_passage_convocation_is_non_remise_on_the_proofs_page_and_can_be_resent(
    cast, login, port, run, time_machine
):
    from tests.factories_certification_planning import at, schedule

    time_machine.move_to("2027-05-20 10:00 +02:00", tick=False)
    commission = make_commission(cast)
    teacher = login(cast.teacher)
    with smtp_server(RefusingInbox(at_rcpt=True), port) as server:
        passage = run(lambda *_: schedule(commission, cast.student, at(14)), None)
        convocation = Convocation.objects.get(passage=passage)
        proofs = teacher.get(reverse("certification:convocation_proofs", args=[commission.pk])).text
        assert '<span class="tag tag-err">non remise</span>' in proofs
        assert reverse("certification:convocation_resend", args=[convocation.pk]) in proofs
        assert "Convocations non remises : 1" in teacher.get(reverse("certification:todo")).text
        server.accept = True

        response = run(
            teacher.post,
            reverse("certification:convocation_resend", args=[convocation.pk]),
            {"email": cast.student.user.email},
        )

    assert response.url == reverse("certification:convocation_proofs", args=[commission.pk])
    (envelope,) = server.envelopes
    assert envelope.rcpt_tos == [cast.student.user.email]
    proofs = teacher.get(reverse("certification:convocation_proofs", args=[commission.pk])).text
    assert '<span class="tag tag-ok">envoyé</span>' in proofs
    assert AuditEntry.objects.filter(action="accounts.email_corrected").count() == 0  # same address: no change
