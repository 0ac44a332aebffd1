"""The student may read their blanc grid, never a certifying one: with a certifying grid filled for the same
student, the blanc pages (the student's and the jury's) carry none of the certifying grid's markers."""

import pytest
from django.urls import reverse

from certification.models import CandidateResult, ResultStatus
from tests.confidentiality import assert_no_certifying_content
from tests.factories_certification_grids import fill_grid, make_grid_commission, seat
from tests.factories_mock_exams import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(cast):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["TS", "TI", "S", "I"])
    fill_grid(commission, cast.student, None, ["TS", "TI", "S", "I"])
    CandidateResult.objects.create(commission=commission, student=cast.student, status=ResultStatus.MARK, mark=14)
    return commission


def test_the_students_blanc_pages_show_their_blanc_grid_and_nothing_certifying(cast, login, certified):
    candidate = published(cast)
    client = login(cast.student)
    for url in (
        reverse("mock_exams:my_list"),
        reverse("mock_exams:my_result", args=[candidate.pk]),
        reverse("passeport:passeport", args=[cast.student.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_certifying_content(response.content)
    blanc = client.get(reverse("mock_exams:my_result", args=[candidate.pk])).content.decode()
    assert 'data-blanc-level="TS"' in blanc


def test_the_jury_blanc_grid_is_not_a_certifying_grid(cast, login, certified):
    candidate = published(cast)
    response = login(cast.teacher).get(reverse("mock_exams:grid", args=[candidate.mock_exam_id, candidate.pk]))
    assert response.status_code == 200
    assert "CCF blanc" in response.content.decode()
    assert_no_certifying_content(response.content)
