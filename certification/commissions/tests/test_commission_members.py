"""commission_members: the responsible or an administrator adds and removes members."""

import pytest
from django.contrib.messages import get_messages
from django.http import Http404
from django.urls import reverse

from certification.models import MemberRole
from certification.permissions import get_commission_for_user, member_of
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


def test_a_members_seat_is_read_once_for_the_access_check_and_the_member_pages(cast, django_assert_num_queries):
    commission = make_commission(cast)
    seat = add_member(commission, cast.teacher2)
    found = get_commission_for_user(cast.teacher2, commission.pk)
    with django_assert_num_queries(0):
        assert member_of(cast.teacher2, found) == seat
    # Someone else's seat on the same object is still read, and right.
    with django_assert_num_queries(1):
        assert member_of(cast.teacher, found).user == cast.teacher


def test_a_person_without_a_seat_is_still_refused(cast):
    commission = make_commission(cast)
    with pytest.raises(Http404):
        get_commission_for_user(cast.other_teacher, commission.pk)
    with pytest.raises(Http404):
        get_commission_for_user(cast.teacher2, commission.pk)  # same establishment, no seat, not administrator
