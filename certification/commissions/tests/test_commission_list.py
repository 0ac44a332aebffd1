"""commission_list: the commissions a person sits on or administers; a 404 for anybody else."""

from django.urls import reverse

from certification.models import MemberRole
from tests.factories_certification_commissions import add_member, make_commission

URL = reverse("certification:commission_list")


def test_the_responsible_teacher_sees_their_commission(cast, login):
    make_commission(cast)

    response = login(cast.teacher).get(URL)

    assert response.status_code == 200
    assert "E4 – Relation client et négociation-vente" in response.content.decode()
    assert len(response.context["commissions"]) == 1


def test_a_teacher_of_another_establishment_sees_an_empty_list(cast, login):
    make_commission(cast)

    response = login(cast.other_teacher).get(URL)

    assert response.status_code == 200
    assert list(response.context["commissions"]) == []


def test_a_professional_member_sees_only_their_commissions(cast, login):
    e4 = make_commission(cast)
    add_member(e4, cast.professional, MemberRole.PROFESSIONAL)
    make_commission(cast, "E6")

    response = login(cast.professional).get(URL)

    assert [c.pk for c in response.context["commissions"]] == [e4.pk]
    assert response.context["can_create"] is False


def test_a_student_gets_a_404(cast, login):
    make_commission(cast)

    assert login(cast.student).get(URL).status_code == 404


def test_a_professional_who_sits_nowhere_gets_a_404(cast, login):
    assert login(cast.professional).get(URL).status_code == 404
