"""A grid POST never erases what it does not carry (issue 18, fault 8): no line at all is refused in French; a line
absent from the submission keeps its stored level."""

from django.urls import reverse

from certification.models import GridLine
from tests.factories_certification_grids import criteria_of, fill_grid, make_grid_commission


def _url(commission, student):
    return reverse("certification:grid_agreed", args=[commission.pk, student.pk])


def test_a_post_without_any_line_is_refused_and_erases_nothing(cast, login):
    commission = make_grid_commission(cast)
    grid = fill_grid(commission, cast.student, None, ["S"] * len(criteria_of(commission)))
    before = list(GridLine.objects.filter(grid=grid).values_list("criterion_id", "level_id"))
    response = login(cast.teacher).post(_url(commission, cast.student), {"base_version": str(grid.version)})
    assert (
        "Aucune ligne de la grille n&#x27;a été transmise : rien n&#x27;a été enregistré." in response.content.decode()
    )
    grid.refresh_from_db()
    assert grid.version == 1
    assert list(GridLine.objects.filter(grid=grid).values_list("criterion_id", "level_id")) == before


def test_a_line_the_post_does_not_carry_keeps_its_level(cast, login):
    commission = make_grid_commission(cast)
    criteria = criteria_of(commission)
    grid = fill_grid(commission, cast.student, None, ["S"] * len(criteria))
    response = login(cast.teacher).post(
        _url(commission, cast.student), {"base_version": str(grid.version), f"critere_{criteria[0].pk}": "TS"}
    )
    assert response.status_code == 302
    levels = dict(GridLine.objects.filter(grid=grid).values_list("criterion_id", "level__code"))
    assert levels[criteria[0].pk] == "TS"
    assert all(levels[criterion.pk] == "S" for criterion in criteria[1:])
