"""certification.commissions.services.planning.schedule_passage: rules, no double booking, convocation in the same
transaction."""

import email
import email.policy

import pytest

from audit.models import AuditEntry
from certification.commissions.services.planning import PlanningError, create_room, schedule_passage
from certification.models import Convocation, InformationMethod, Passage, PassageJuror, Room, SimulationKind
from notifications.models import OutboxMessage
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_planning import at, make_room, responsible_seat, schedule, situation_of


def _nothing_saved(before: int = 0) -> None:
    assert Passage.objects.count() == before
    assert Convocation.objects.filter(passage__isnull=False).count() == before
    assert OutboxMessage.objects.count() == before


def test_a_passage_lasts_the_situation_duration_and_keeps_its_jury(cast):
    commission = make_commission(cast)

    passage = schedule(commission, cast.student, at(14))

    assert passage.ends_at == at(14, 15)
    assert passage.simulation_kind == SimulationKind.ROLE_PLAY
    assert list(PassageJuror.objects.values_list("member__user", flat=True)) == [cast.teacher.pk]
    assert AuditEntry.objects.filter(action="planning.passage_scheduled").count() == 1


def test_situation_a_of_e4_has_no_passage(cast):
    commission = make_commission(cast)

    with pytest.raises(PlanningError, match="se déroule sans le candidat"):
        schedule(commission, cast.student, at(14), code="A")
    _nothing_saved()


def test_e6_situations_a_and_b_are_scheduled_without_simulation_kind(cast):
    commission = make_commission(cast, "E6")

    schedule(commission, cast.student, at(9), code="A")
    schedule(commission, cast.student, at(10), code="B")

    assert Passage.objects.filter(simulation_kind="").count() == 2
    with pytest.raises(PlanningError, match="ne concerne que la situation B de l'épreuve E4"):
        schedule(commission, cast.student2, at(11), code="A", kind=SimulationKind.EVOCATIVE)


def test_e4_situation_b_requires_the_simulation_kind(cast):
    commission = make_commission(cast)

    with pytest.raises(PlanningError, match="Choisissez le déroulement de la simulation"):
        schedule(commission, cast.student, at(14), kind="")
    _nothing_saved()


def test_the_student_must_be_of_the_commission_cohort(cast):
    commission = make_commission(cast)

    with pytest.raises(PlanningError, match="n'est pas dans la classe NDRC 2"):
        schedule(commission, cast.other_student, at(14))
    _nothing_saved()


def test_the_jury_needs_a_member_of_this_commission(cast):
    commission = make_commission(cast)
    other = make_commission(cast, "E6", responsible=cast.teacher2)

    with pytest.raises(PlanningError, match="Berthe PROF n'est pas membre de cette commission"):
        schedule(commission, cast.student, at(14), members=[responsible_seat(other)])
    with pytest.raises(PlanningError, match="au moins un membre"):
        schedule_passage(
            situation=situation_of(commission),
            student=cast.student,
            starts_at=at(14),
            room=make_room(cast.establishment),
            members=[],
            simulation_kind=SimulationKind.ROLE_PLAY,
            actor=cast.teacher,
        )
    _nothing_saved()


def test_a_room_of_another_establishment_is_refused(cast):
    commission = make_commission(cast)

    with pytest.raises(PlanningError, match="n'appartient pas à l'établissement"):
        schedule(commission, cast.student, at(14), room=make_room(cast.other_establishment))


def test_a_second_passage_for_the_same_situation_is_refused(cast):
    commission = make_commission(cast)
    schedule(commission, cast.student, at(9))

    with pytest.raises(PlanningError, match="a déjà un passage pour la situation B"):
        schedule(commission, cast.student, at(14))
    _nothing_saved(1)


def test_the_room_cannot_hold_two_overlapping_passages(cast):
    commission = make_commission(cast)
    seat2 = add_member(commission, cast.teacher2)
    schedule(commission, cast.student, at(14))

    with pytest.raises(PlanningError) as refusal:
        schedule(commission, cast.student2, at(14, 10), members=[seat2])

    assert refusal.value.message == ("La salle B12 est déjà occupée de 14 h 00 à 14 h 15 (passage d’Emma ÉTUDIANTE).")
    _nothing_saved(1)


def test_a_jury_member_cannot_sit_in_two_overlapping_passages(cast):
    commission = make_commission(cast)
    schedule(commission, cast.student, at(14), room=make_room(cast.establishment, "B12"))

    with pytest.raises(PlanningError) as refusal:
        schedule(commission, cast.student2, at(13, 50), room=make_room(cast.establishment, "C3"))

    assert refusal.value.message == "Bob PROF est déjà dans le jury d'un passage de 14 h 00 à 14 h 15 (salle B12)."
    _nothing_saved(1)


def test_the_same_teacher_on_the_e6_commission_is_busy_too(cast):
    e4 = make_commission(cast)
    e6 = make_commission(cast, "E6")  # cast.teacher is responsible of both
    schedule(e4, cast.student, at(14), room=make_room(cast.establishment, "B12"))

    with pytest.raises(PlanningError, match="Bob PROF est déjà dans le jury d'un passage de 14 h 00 à 14 h 15"):
        schedule(e6, cast.student2, at(14, 5), room=make_room(cast.establishment, "C3"), code="A")
    assert Passage.objects.count() == 1


def test_the_candidate_cannot_be_in_two_passages_at_once(cast):
    e4 = make_commission(cast)
    e6 = make_commission(cast, "E6", responsible=cast.teacher2)
    schedule(e4, cast.student, at(14), room=make_room(cast.establishment, "B12"))

    with pytest.raises(PlanningError) as refusal:
        schedule(e6, cast.student, at(14, 14), room=make_room(cast.establishment, "C3"), code="A")

    assert refusal.value.message == "Emma ÉTUDIANTE a déjà un passage de 14 h 00 à 14 h 15 (salle B12)."


def test_back_to_back_passages_share_room_and_jury(cast):
    commission = make_commission(cast)
    schedule(commission, cast.student, at(14))

    schedule(commission, cast.student2, at(14, 15))
    e6 = make_commission(cast, "E6")
    schedule(e6, cast.student, at(13, 45), code="A")

    assert Passage.objects.count() == 3


def test_scheduling_convokes_the_student_by_email_with_the_pdf_letter(cast):
    commission = make_commission(cast)

    passage = schedule(commission, cast.student, at(14))

    convocation = Convocation.objects.get(passage=passage)
    assert convocation.method == InformationMethod.EMAIL
    assert convocation.scheduled_for == passage.starts_at
    assert convocation.room_name == "B12"
    assert convocation.superseded_at is None
    assert convocation.outbox_message_id is not None
    message = OutboxMessage.objects.get(pk=convocation.outbox_message_id)
    assert message.recipients == [cast.student.user.email]
    assert message.subject.startswith("Convocation – BTS NDRC E4 situation B : 3 juin 2027 à 14 h 00")
    parsed = email.message_from_bytes(bytes(message.raw_message), policy=email.policy.default)
    body = parsed.get_body(("plain",)).get_content()
    for expected in ("Simulation", "jeudi 3 juin 2027", "14 h 00", "Salle : B12", "15 minutes", "Lycée Jean Moulin"):
        assert expected in body
    assert "disponible dans l'application à partir du jeudi 3 juin 2027 à 13 h 30" in body
    assert f"/mes-passages/{passage.pk}/sujet/" in body
    (attachment,) = [p for p in parsed.walk() if p.get_content_disposition() == "attachment"]
    assert attachment.get_content_type() == "application/pdf"


def test_without_an_email_address_the_letter_is_to_be_handed(cast):
    cast.student.user.email = ""
    cast.student.user.save(update_fields=["email"])

    passage = schedule(make_commission(cast), cast.student, at(14))

    assert Convocation.objects.get(passage=passage).method == InformationMethod.LETTER
    assert not OutboxMessage.objects.exists()


def test_e6_convocation_does_not_mention_a_fiche_sujet(cast):
    schedule(make_commission(cast, "E6"), cast.student, at(9), code="A")

    parsed = email.message_from_bytes(bytes(OutboxMessage.objects.get().raw_message), policy=email.policy.default)
    body = parsed.get_body(("plain",)).get_content()
    assert "Exposé et entretien relatif à une expérience réelle vécue" in body
    assert "fiche sujet" not in body


def test_create_room_refuses_a_duplicate_name(cast):
    create_room(establishment=cast.establishment, name="B12", actor=cast.admin)

    with pytest.raises(PlanningError, match="La salle « b12 » existe déjà."):
        create_room(establishment=cast.establishment, name="b12", actor=cast.admin)
    assert Room.objects.count() == 1
    assert AuditEntry.objects.filter(action="planning.room_created").count() == 1
