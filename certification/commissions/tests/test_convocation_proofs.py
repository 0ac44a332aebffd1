"""convocation_proofs: per candidate, the current convocation, its delivery state, the acknowledgement, the history."""

from django.urls import reverse
from django.utils import timezone

from certification.commissions.services.planning import move_passage
from certification.models import Convocation
from notifications.models import OutboxMessage, OutboxState
from tests.factories_certification_commissions import make_commission, make_convocation, step_of
from tests.factories_certification_planning import at, responsible_seat, schedule


def url(commission):
    return reverse("certification:convocation_proofs", args=[commission.pk])


def test_it_shows_the_delivery_state_and_the_history_of_a_moved_passage(cast, login):
    commission = make_commission(cast)
    make_convocation(step_of(commission, "A"), cast.student)
    passage = schedule(commission, cast.student, at(14))
    move_passage(
        passage,
        starts_at=at(16),
        room=passage.room,
        members=[responsible_seat(commission)],
        simulation_kind=passage.simulation_kind,
        expected_version=1,
        actor=cast.teacher,
    )
    current = Convocation.objects.get(passage=passage, superseded_at__isnull=True)
    assert current.outbox_message_id is not None
    OutboxMessage.objects.filter(pk=current.outbox_message_id).update(state=OutboxState.SENT, sent_at=timezone.now())
    Convocation.objects.filter(pk=current.pk).update(acknowledged_at=timezone.now())

    response = login(cast.teacher).get(url(commission))

    assert response.status_code == 200
    (row,) = [r for r in response.context["rows"] if r.student == cast.student]
    step_line, passage_line = row.lines
    assert step_line.label == "Situation A – 20/05/2027"
    assert step_line.current is not None
    assert passage_line.current.pk == current.pk
    assert passage_line.current.delivery == "envoyé"
    assert passage_line.current.acknowledged_at is not None
    (old,) = passage_line.history
    assert old.scheduled_for == at(14)
    assert old.delivery == "en file d'attente"
    html = response.content.decode()
    assert "remplacée le" in html


def test_a_failed_email_is_shown_with_its_reason(cast, login):
    commission = make_commission(cast)
    passage = schedule(commission, cast.student, at(14))
    convocation = Convocation.objects.get(passage=passage)
    assert convocation.outbox_message_id is not None
    OutboxMessage.objects.filter(pk=convocation.outbox_message_id).update(
        state=OutboxState.FAILED, last_error="Adresse refusée : 550 Utilisateur inconnu"
    )

    html = login(cast.teacher).get(url(commission)).content.decode()

    assert "échec" in html
    assert "550 Utilisateur inconnu" in html


def test_students_and_outsiders_get_a_404(cast, login):
    commission = make_commission(cast)

    assert login(cast.student).get(url(commission)).status_code == 404
    assert login(cast.other_teacher).get(url(commission)).status_code == 404
