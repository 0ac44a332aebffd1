"""passage_edit: the responsible moves a passage or changes its jury; the page says whether the student is told."""

from django.contrib.messages import get_messages
from django.urls import reverse

from certification.models import Convocation
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_planning import at, make_room, schedule


def url(passage):
    return reverse("certification:passage_edit", args=[passage.pk])


def _data(passage, **overrides):
    data = {
        "date": "2027-06-03",
        "time": "14:00",
        "room": passage.room_id,
        "members": list(passage.jurors.values_list("member", flat=True)),
        "simulation_kind": passage.simulation_kind,
        "version": passage.version,
    }
    return data | overrides


def test_the_form_is_filled_with_the_passage(cast, login):
    passage = schedule(make_commission(cast), cast.student, at(14))

    form = login(cast.teacher).get(url(passage)).context["form"]

    assert form.initial["time"].strftime("%H:%M") == "14:00"
    assert form.initial["version"] == 1


def test_moving_the_time_sends_a_new_convocation(cast, login):
    passage = schedule(make_commission(cast), cast.student, at(14))

    response = login(cast.teacher).post(url(passage), _data(passage, time="16:00"))

    assert response.status_code == 302
    assert Convocation.objects.filter(passage=passage).count() == 2
    assert "nouvelle convocation envoyée" in [str(m) for m in get_messages(response.wsgi_request)][0]


def test_changing_the_jury_only_says_the_student_is_not_told(cast, login):
    commission = make_commission(cast)
    seat2 = add_member(commission, cast.teacher2)
    passage = schedule(commission, cast.student, at(14))

    response = login(cast.teacher).post(url(passage), _data(passage, members=[seat2.pk]))

    assert "n'est pas prévenu·e" in [str(m) for m in get_messages(response.wsgi_request)][0]
    assert Convocation.objects.filter(passage=passage).count() == 1


def test_a_conflict_shows_the_form_again(cast, login):
    commission = make_commission(cast)
    seat2 = add_member(commission, cast.teacher2)
    schedule(commission, cast.student, at(14))
    other = schedule(commission, cast.student2, at(9), members=[seat2], room=make_room(cast.establishment, "C3"))

    busy = make_room(cast.establishment, "B12")

    response = login(cast.teacher).post(url(other), _data(other, time="14:10", room=busy.pk))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "La salle B12 est déjà occupée de 14 h 00 à 14 h 15 (passage d’Emma ÉTUDIANTE)."
    ]
    other.refresh_from_db()
    assert other.starts_at == at(9)


def test_a_member_who_does_not_manage_gets_a_403(cast, login):
    commission = make_commission(cast)
    add_member(commission, cast.teacher2)
    passage = schedule(commission, cast.student, at(14))

    assert login(cast.teacher2).post(url(passage), _data(passage, time="16:00")).status_code == 403
    assert Convocation.objects.filter(passage=passage).count() == 1
