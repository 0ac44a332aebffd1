"""day_schedule: the printable day of the passages, one section per jury."""

from django.urls import reverse

from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_planning import EXAM_DAY, at, make_room, schedule


def url(commission, day="2027-06-03"):
    return reverse("certification:day_schedule", args=[commission.pk, day])


def test_the_day_is_grouped_by_jury(cast, login):
    commission = make_commission(cast)
    seat = commission.members.get(user=cast.teacher)
    seat2 = add_member(commission, cast.teacher2)
    schedule(commission, cast.student, at(14), members=[seat, seat2])
    schedule(commission, cast.student2, at(9), members=[seat, seat2], room=make_room(cast.establishment, "C3"))

    response = login(cast.teacher).get(url(commission))

    assert response.status_code == 200
    (section,) = response.context["sections"]
    assert [p.student for p in section.passages] == [cast.student2, cast.student]
    assert response.context["date"] == EXAM_DAY


def test_two_juries_get_two_sections(cast, login):
    commission = make_commission(cast)
    seat = commission.members.get(user=cast.teacher)
    seat2 = add_member(commission, cast.teacher2)
    schedule(commission, cast.student, at(14), members=[seat])
    schedule(commission, cast.student2, at(14), members=[seat2], room=make_room(cast.establishment, "C3"))

    response = login(cast.teacher).get(url(commission))

    sections = response.context["sections"]
    assert [[m.user for m in s.members] for s in sections] == [[cast.teacher], [cast.teacher2]]
    html = response.content.decode()
    assert "Jury 1 : Bob PROF" in html
    assert "Jury 2 : Berthe PROF" in html


def test_another_day_is_empty(cast, login):
    commission = make_commission(cast)
    schedule(commission, cast.student, at(14))

    response = login(cast.teacher).get(url(commission, "2027-06-04"))

    assert response.context["sections"] == []


def test_a_malformed_day_is_a_404(cast, login):
    commission = make_commission(cast)
    client = login(cast.teacher)

    assert client.get(url(commission, "03-06-2027")).status_code == 404
    assert client.get(url(commission, "2027-02-30")).status_code == 404
