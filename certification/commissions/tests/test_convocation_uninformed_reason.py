"""uninformed_reason: the page where the commission records why it assesses an uninformed student."""

from django.urls import reverse

from certification.commissions.services.informed import can_assess
from certification.models import UninformedAssessment
from tests.factories_certification_commissions import make_commission, step_of


def url(step, student):
    return reverse("certification:uninformed_reason", args=[step.pk, student.pk])


def test_the_page_says_why_the_student_cannot_be_assessed_yet(cast, login):
    step = step_of(make_commission(cast))

    response = login(cast.teacher).get(url(step, cast.student))

    assert response.status_code == 200
    assert "n'a pas été informé·e officiellement" in response.content.decode()


def test_it_records_the_reason_and_goes_back_to_the_commission(cast, login):
    step = step_of(make_commission(cast))

    response = login(cast.teacher).post(url(step, cast.student), {"reason": "Arrivée dans la classe le 19 mai."})

    assert response.status_code == 302
    assert UninformedAssessment.objects.get().reason == "Arrivée dans la classe le 19 mai."
    assert can_assess(cast.student, step)


def test_the_reason_is_required(cast, login):
    step = step_of(make_commission(cast))

    response = login(cast.teacher).post(url(step, cast.student), {"reason": ""})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not UninformedAssessment.objects.exists()


def test_a_student_of_another_cohort_is_a_404(cast, login):
    step = step_of(make_commission(cast))

    assert login(cast.teacher).get(url(step, cast.other_student)).status_code == 404
    assert login(cast.admin).post(url(step, cast.other_student), {"reason": "x"}).status_code == 404
