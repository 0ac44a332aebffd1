"""student_convocations: the student's convocations, the acknowledgement, the candidate part link, the history."""

from django.urls import reverse

from certification.commissions.services.planning import move_passage
from certification.models import Convocation
from tests.factories_certification_commissions import make_commission, make_convocation, step_of
from tests.factories_certification_planning import at, responsible_seat, schedule


def url(student):
    return reverse("certification:student_convocations", args=[student.pk])


def test_the_student_sees_current_convocations_with_ack_and_subject_link(cast, login):
    commission = make_commission(cast)
    make_convocation(step_of(commission, "A"), cast.student)
    passage = schedule(commission, cast.student, at(14))

    response = login(cast.student).get(url(cast.student))

    assert response.status_code == 200
    assert len(response.context["current"]) == 2
    html = response.content.decode()
    assert reverse("certification:candidate_subject", args=[passage.pk]) in html
    assert "disponible à partir du 3 juin 2027 à 13:30" in html
    assert html.count("J'ai pris connaissance de cette convocation") == 2


def test_a_moved_passage_leaves_its_old_convocation_in_the_history(cast, login):
    commission = make_commission(cast)
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

    response = login(cast.student).get(url(cast.student))

    (current,) = response.context["current"]
    (old,) = response.context["history"]
    assert current.scheduled_for == at(16)
    assert old.scheduled_for == at(14)


def test_the_student_acknowledges_a_passage_convocation(cast, login):
    passage = schedule(make_commission(cast), cast.student, at(14))
    convocation = Convocation.objects.get(passage=passage)

    response = login(cast.student).post(reverse("certification:convocation_ack", args=[convocation.pk]))

    assert response.status_code == 302
    convocation.refresh_from_db()
    assert convocation.acknowledged_at is not None


def test_the_home_page_lists_the_passage_convocation(cast, login):
    passage = schedule(make_commission(cast), cast.student, at(14))

    html = login(cast.student).get(reverse("home")).content.decode()

    assert reverse("certification:passage_letter", args=[passage.pk]) in html
    assert "salle B12" in html


def test_staff_read_without_the_ack_button_and_another_student_gets_a_404(cast, login):
    schedule(make_commission(cast), cast.student, at(14))

    staff = login(cast.teacher2).get(url(cast.student))
    assert staff.status_code == 200
    assert "J'ai pris connaissance" not in staff.content.decode()
    assert login(cast.student2).get(url(cast.student)).status_code == 404
