"""Profiles and marks are the jury's: the pages show certifying levels, and nothing of them reaches a student."""

from django.urls import reverse

from tests.confidentiality import assert_has_certifying_content, assert_no_certifying_content
from tests.factories_certification_dossiers import make_dossier
from tests.factories_certification_marks import agree_grid, make_marks_commission, make_range, make_result


def _marked_group(cast):
    commission = make_marks_commission(cast)
    agree_grid(commission, cast.student, "TS-S-NE-S")
    make_result(commission, cast.student, profile="TS-S-NE-S", mark="13.5")
    make_range(commission, "TS-S-NE-S", "12", "14")
    make_dossier(cast.student)
    return commission


def test_the_jury_pages_carry_the_grid_markers(cast, login):
    commission = _marked_group(cast)
    client = login(cast.teacher)
    assert_has_certifying_content(client.get(reverse("certification:profiles", args=[commission.pk])).content)
    page = client.get(reverse("certification:result_edit", args=[commission.pk, cast.student.pk]))
    assert_has_certifying_content(page.content)


def test_the_students_pages_stay_clean_once_marks_exist(cast, login):
    commission = _marked_group(cast)
    client = login(cast.student)
    for url in (
        reverse("home"),
        reverse("certification:dossier_list", args=[cast.student.pk]),
        reverse("certification:dossier_detail", args=[cast.student.dossiers.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_certifying_content(html)
        assert "TS-S-NE-S" not in html
    for name in ("profiles",):
        assert client.get(reverse(f"certification:{name}", args=[commission.pk])).status_code == 404
    for name in ("result_edit", "result_reopen"):
        url = reverse(f"certification:{name}", args=[commission.pk, cast.student.pk])
        assert client.get(url).status_code == 404
