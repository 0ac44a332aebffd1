"""The grid is for the jury only: the candidate gets a 404 on every grid page and sees none of it anywhere else."""

import pytest
from django.urls import reverse

from certification.models import CandidateResult, MemberRole, ResultStatus
from tests.confidentiality import assert_has_certifying_content, assert_no_certifying_content
from tests.factories_certification_grids import fill_grid, grid_post, make_grid_commission, seat

CODES = ["TS", "TI", "S", "I", "TS", "TS", "TI", "S", "I", "TS", "TI"]


@pytest.fixture
def graded(cast):
    """A commission with the teacher's and the professional's grids, the agreed grid and a mark for Emma."""
    commission = make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),))
    fill_grid(commission, cast.student, seat(commission, cast.teacher), CODES)
    fill_grid(commission, cast.student, seat(commission, cast.professional), CODES[::-1])
    fill_grid(commission, cast.student, None, CODES)
    CandidateResult.objects.create(commission=commission, student=cast.student, status=ResultStatus.MARK, mark=14)
    return commission


def _grid_urls(commission, student):
    competency = commission.exam.block.competencies.order_by("order").first()
    args = [commission.pk, student.pk]
    member = seat(commission, commission.responsible)
    return [
        reverse("certification:grid_member", args=args),
        reverse("certification:grid_agreed", args=args),
        reverse("certification:grid_evidence", args=[*args, competency.pk]),
        reverse("certification:grid_pdf", args=args),
        reverse("certification:grid_pdf", args=args) + f"?membre={member.pk}",
        reverse("certification:grid_docx", args=args),
        reverse("certification:grid_docx", args=args) + f"?membre={member.pk}",
    ]


@pytest.mark.parametrize("persona", ["student", "student2"])
def test_every_grid_page_is_404_for_a_student_and_shows_nothing(cast, login, graded, persona):
    client = login(getattr(cast, persona))
    for url in _grid_urls(graded, cast.student):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_no_certifying_content(response.content)


def test_a_student_cannot_post_a_grid(cast, login, graded):
    client = login(cast.student)
    for name in ("certification:grid_member", "certification:grid_agreed"):
        url = reverse(name, args=[graded.pk, cast.student.pk])
        assert client.post(url, grid_post(graded, ["TS"] * 11, base_version=1)).status_code == 404


def test_the_students_own_pages_show_no_certifying_content_once_graded(cast, login, graded):
    client = login(cast.student)
    pages = [
        reverse("home"),
        reverse("passeport:my_passeport"),
        reverse("passeport:passeport", args=[cast.student.pk]),
        reverse("certification:dossier_list", args=[cast.student.pk]),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_no_certifying_content(response.content)


def test_the_jury_pages_carry_the_markers_the_helper_looks_for(cast, login, graded):
    client = login(cast.teacher)
    for url in _grid_urls(graded, cast.student)[:2]:
        assert_has_certifying_content(client.get(url).content)
    with pytest.raises(AssertionError, match="Contenu certificatif"):
        assert_no_certifying_content(client.get(_grid_urls(graded, cast.student)[1]).content)


def test_the_helper_accepts_formative_levels_and_the_referentiel_scale():
    assert_no_certifying_content('<span class="level level-4">TS</span> <th scope="row">TI</th>')
    with pytest.raises(AssertionError):
        assert_no_certifying_content("<td class='grid-choice grid-level'>")
    with pytest.raises(AssertionError):
        assert_no_certifying_content(
            "Ce document d'aide à l'évaluation est à usage exclusif de la commission d'interrogation,\n"
            "il ne doit pas être communiqué au candidat."
        )
