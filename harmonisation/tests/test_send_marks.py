"""Sending an establishment's marks to the académie: only after the deliberation, frozen, audited, and a later change
flagged to the académie (issue 16)."""

import html
from decimal import Decimal

from django.urls import reverse

from audit.models import AuditEntry
from certification.evaluation.services import lifecycle
from certification.models import CandidateResult
from harmonisation.models import MarksDispatch
from tests.factories_harmonisation import deliberate, make_world, send
from tests.personas import PASSWORD


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def _send_url(cast, world):
    return reverse("harmonisation:send", args=[cast.establishment.pk, cast.session.pk, world.commission.exam_id])


def _exam_url(cast, world):
    return reverse("harmonisation:exam", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])


def test_marks_cannot_be_sent_before_the_deliberation(client, cast):
    world = make_world(cast, size=1)
    _login(client, cast.teacher)
    page = client.get(_send_url(cast, world)).content.decode()
    assert "le jury n&#x27;a pas encore délibéré" in page
    assert "Transmettre les notes à l'académie</button>" not in page
    response = client.post(_send_url(cast, world), follow=True)
    assert "qu&#x27;après la délibération" in response.content.decode()
    assert not MarksDispatch.objects.exists()
    assert not AuditEntry.objects.filter(action="harmonisation.marks_sent").exists()


def test_the_responsible_sends_a_frozen_copy_once_deliberated(client, cast):
    world = make_world(cast, size=1)
    deliberate(world.commission)
    _login(client, cast.teacher)
    page = client.get(_send_url(cast, world)).content.decode()
    assert "Transmettre les notes à l'académie</button>" in page
    response = client.post(_send_url(cast, world), follow=True)
    assert "Notes transmises à l&#x27;académie" in response.content.decode()
    dispatch = MarksDispatch.objects.get()
    assert (dispatch.establishment, dispatch.academie) == (cast.establishment, world.academie)
    assert dispatch.sent_by == cast.teacher
    assert sorted((row["number"], row["mark"]) for row in dispatch.marks) == [
        ("02412345678", "12.0"),
        ("jm0000", "11.0"),
        ("jm0001", "12.0"),
    ]
    entry = AuditEntry.objects.get(action="harmonisation.marks_sent")
    assert (entry.actor, entry.establishment_id) == (cast.teacher, cast.establishment.pk)
    assert entry.changes["candidates"] == 3
    again = client.post(_send_url(cast, world), follow=True).content.decode()
    assert "déjà été transmises" in again and MarksDispatch.objects.count() == 1


def test_the_administrator_sends_and_another_teacher_may_not(client, cast):
    world = make_world(cast, size=1)
    deliberate(world.commission)
    _login(client, cast.teacher2)
    assert client.post(_send_url(cast, world)).status_code == 403
    _login(client, cast.admin)
    assert client.post(_send_url(cast, world)).status_code == 302
    assert MarksDispatch.objects.get().sent_by == cast.admin


def test_the_inspector_and_the_other_establishment_cannot_send(client, cast):
    world = make_world(cast, size=1)
    deliberate(world.commission)
    for user in (world.inspector, cast.other_teacher):
        _login(client, user)
        assert client.post(_send_url(cast, world)).status_code == 404
    other = reverse("harmonisation:send", args=[cast.other_establishment.pk, cast.session.pk, world.commission.exam_id])
    _login(client, cast.teacher)
    assert client.post(other).status_code == 404
    assert not MarksDispatch.objects.exists()


def test_a_change_after_sending_is_flagged_to_the_academie(client, cast):
    world = make_world(cast, size=1)
    send(world.commission)
    _login(client, world.inspector)
    page = html.unescape(client.get(_exam_url(cast, world)).content.decode())
    assert "Notes transmises le" in page and "modifié après l'envoi" not in page
    lifecycle.reopen_after_deliberation(
        commission=world.commission, student=cast.student, actor=cast.teacher, reason="Erreur de report."
    )
    CandidateResult.objects.filter(commission=world.commission, student=cast.student).update(mark=Decimal("14"))
    page = html.unescape(client.get(_exam_url(cast, world)).content.decode())
    assert "modifié après l'envoi des notes le " in page
    assert f"{cast.student.candidate_number} : 12 → 14" in page
    assert f"{cast.student.candidate_number} : résultat rouvert, nouvelle délibération attendue" in page
    _login(client, cast.teacher)
    blocked = client.get(_send_url(cast, world)).content.decode()
    assert "un résultat rouvert attend une nouvelle délibération" in blocked
    assert "12 → 14" in blocked


def test_the_to_do_reminds_the_responsible_of_marks_to_send(client, cast):
    world = make_world(cast, size=1)
    _login(client, cast.teacher)
    todo = reverse("certification:todo")
    assert _send_url(cast, world) not in client.get(todo).content.decode()  # not deliberated yet
    deliberate(world.commission)
    page = client.get(todo).content.decode()
    assert "Notes à transmettre à l&#x27;académie : E6 session 2027" in page
    assert _send_url(cast, world) in page
    send(world.commission)
    assert _send_url(cast, world) not in client.get(todo).content.decode()


def test_the_sends_page_lists_the_exams_of_the_senders_establishment(client, cast):
    world = make_world(cast, size=1)
    _login(client, cast.admin)
    page = client.get(reverse("harmonisation:sends")).content.decode()
    assert _send_url(cast, world) in page and "non transmises" in page
    _login(client, cast.other_teacher)
    assert _send_url(cast, world) not in client.get(reverse("harmonisation:sends")).content.decode()
