"""certification.commissions.services.planning.move_passage: a new time or room convokes again and keeps the history."""

import pytest

from audit.models import AuditEntry
from certification.commissions.services.planning import PlanningError, move_passage
from certification.models import Convocation, Passage, PassageJuror
from notifications.models import OutboxMessage
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_planning import at, make_room, responsible_seat, schedule


def _move(passage, starts_at, *, room=None, members=None, version=None, actor=None):
    commission = passage.situation.commission
    return move_passage(
        passage,
        starts_at=starts_at,
        room=room or passage.room,
        members=members or [responsible_seat(commission)],
        simulation_kind=passage.simulation_kind,
        expected_version=passage.version if version is None else version,
        actor=actor or commission.responsible,
    )


def test_moving_supersedes_the_convocation_and_convokes_again(cast):
    passage = schedule(make_commission(cast), cast.student, at(14))
    first = Convocation.objects.get(passage=passage)

    _move(passage, at(15, 30), room=make_room(cast.establishment, "C3"))

    passage.refresh_from_db()
    assert (passage.starts_at, passage.ends_at, passage.room.name, passage.version) == (at(15, 30), at(15, 45), "C3", 2)
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert (first.scheduled_for, first.room_name) == (at(14), "B12")
    current = Convocation.objects.get(passage=passage, superseded_at__isnull=True)
    assert (current.scheduled_for, current.room_name) == (at(15, 30), "C3")
    assert current.outbox_message_id is not None
    message = OutboxMessage.objects.get(pk=current.outbox_message_id)
    assert message.subject.startswith("Modification de votre convocation – BTS NDRC E4 situation B : 3 juin 2027")
    assert OutboxMessage.objects.count() == 2
    entry = AuditEntry.objects.get(action="planning.passage_moved")
    assert entry.changes["room"] == ["B12", "C3"]
    assert entry.changes["notified"] is True


def test_changing_only_the_jury_does_not_notify_the_student(cast):
    commission = make_commission(cast)
    seat2 = add_member(commission, cast.teacher2)
    passage = schedule(commission, cast.student, at(14))

    _move(passage, at(14), members=[seat2])

    assert list(PassageJuror.objects.values_list("member", flat=True)) == [seat2.pk]
    assert Convocation.objects.filter(passage=passage).count() == 1
    assert OutboxMessage.objects.count() == 1


def test_a_stale_version_is_refused_and_changes_nothing(cast):
    passage = schedule(make_commission(cast), cast.student, at(14))
    _move(passage, at(15))
    stale = Passage.objects.get(pk=passage.pk)
    stale.version = 1

    with pytest.raises(PlanningError, match="modifié entre-temps"):
        _move(stale, at(16), version=1)

    passage.refresh_from_db()
    assert passage.starts_at == at(15)
    assert Convocation.objects.filter(passage=passage).count() == 2


def test_moving_onto_a_busy_room_is_refused_and_changes_nothing(cast):
    commission = make_commission(cast)
    seat2 = add_member(commission, cast.teacher2)
    schedule(commission, cast.student, at(14))
    other = schedule(commission, cast.student2, at(15), members=[seat2])

    with pytest.raises(PlanningError, match="La salle B12 est déjà occupée de 14 h 00 à 14 h 15"):
        _move(other, at(14, 5), members=[seat2])

    other.refresh_from_db()
    assert (other.starts_at, other.version) == (at(15), 1)
    assert Convocation.objects.filter(passage=other).count() == 1


def test_a_passage_may_move_within_its_own_slot(cast):
    passage = schedule(make_commission(cast), cast.student, at(14))

    _move(passage, at(14, 5))

    passage.refresh_from_db()
    assert passage.starts_at == at(14, 5)
