"""commission_members: the responsible or an administrator adds and removes members."""

from django.contrib.messages import get_messages
from django.urls import reverse

from certification.models import MemberRole
from tests.factories_certification_commissions import add_member, make_commission


def url(commission):
    return reverse("certification:commission_members", args=[commission.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_adds_a_teacher_who_carries_the_responsibility(cast, login):
    commission = make_commission(cast)

    response = login(cast.teacher).post(url(commission), {"action": "add", "user": cast.teacher2.pk, "role": "teacher"})

    assert response.status_code == 302
    assert response.url.endswith("#membres")
    assert commission.members.get(user=cast.teacher2).carries_responsibility


def test_it_adds_a_professional_who_never_carries_it(cast, login):
    commission = make_commission(cast)

    response = login(cast.teacher).post(
        url(commission), {"action": "add", "user": cast.professional.pk, "role": "professional"}
    )

    member = commission.members.get(user=cast.professional)
    assert member.role == MemberRole.PROFESSIONAL
    assert not member.carries_responsibility
    assert "ne porte pas la responsabilité formelle" in _messages(response)[0]


def test_e6_refuses_a_second_assessor_with_a_french_message(cast, login):
    commission = make_commission(cast, "E6")

    response = login(cast.teacher).post(url(commission), {"action": "add", "user": cast.teacher2.pk, "role": "teacher"})

    assert commission.members.count() == 1
    assert "un seul évaluateur" in _messages(response)[0]


def test_it_refuses_a_person_of_another_establishment(cast, login):
    commission = make_commission(cast)

    response = login(cast.admin).post(
        url(commission), {"action": "add", "user": cast.other_teacher.pk, "role": "teacher"}
    )

    assert commission.members.count() == 1
    assert _messages(response)[0].startswith("Membre non ajouté")


def test_it_removes_a_member(cast, login):
    commission = make_commission(cast)
    member = add_member(commission, cast.teacher2)

    login(cast.teacher).post(url(commission), {"action": "remove", "member": member.pk})

    assert not commission.members.filter(pk=member.pk).exists()


def test_it_never_removes_the_responsible(cast, login):
    commission = make_commission(cast)
    responsible = commission.members.get()

    response = login(cast.admin).post(url(commission), {"action": "remove", "member": responsible.pk})

    assert commission.members.filter(pk=responsible.pk).exists()
    assert "ne peut pas en être retiré" in _messages(response)[0]


def test_it_ignores_a_member_of_another_commission(cast, login):
    commission = make_commission(cast)
    other = make_commission(cast, "E6", responsible=cast.teacher2)
    stranger = add_member(make_commission(cast, cohort=cast.first_year, responsible=cast.teacher2), cast.teacher)

    login(cast.teacher).post(url(commission), {"action": "remove", "member": stranger.pk})

    assert other.members.count() == 1
    assert stranger.commission.members.filter(pk=stranger.pk).exists()


def test_a_member_who_is_not_responsible_gets_a_403(cast, login):
    commission = make_commission(cast, responsible=cast.teacher2)
    add_member(commission, cast.teacher)

    response = login(cast.teacher).post(
        url(commission), {"action": "add", "user": cast.professional.pk, "role": "professional"}
    )

    assert response.status_code == 403
    assert not commission.members.filter(user=cast.professional).exists()
