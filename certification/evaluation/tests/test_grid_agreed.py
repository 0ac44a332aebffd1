"""grid_agreed: every member's level side by side, disagreements highlighted, the agreed level to record."""

import re

from django.urls import reverse

from certification.models import Grid
from tests.factories_certification_grids import (
    criteria_of,
    fill_grid,
    grid_post,
    make_grid_commission,
    seat,
    with_professional,
)


def _url(commission, student):
    return reverse("certification:grid_agreed", args=[commission.pk, student.pk])


def _checked(html: str, criterion) -> str | None:
    match = re.search(rf'name="critere_{criterion.pk}" value="(\w*)" checked', html)
    return match.group(1) if match else None


def _row(html: str, criterion) -> str:
    """The <tr> of one critère."""
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)
    return next(row for row in rows if f'name="critere_{criterion.pk}"' in row)


def _two_members(cast):
    commission = with_professional(cast)
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["S", "S", "TI"])
    fill_grid(commission, cast.student, seat(commission, cast.professional), ["S", "TS", None])
    return commission


def test_it_shows_each_members_level_side_by_side_and_highlights_disagreements(cast, login):
    commission = _two_members(cast)
    first, second, third = criteria_of(commission)[:3]

    response = login(cast.teacher).get(_url(commission, cast.student))

    assert response.status_code == 200
    html = response.content.decode()
    agreed_row, disagreed_row, half_row = _row(html, first), _row(html, second), _row(html, third)
    assert "Bob PROF" in agreed_row and "Paul TUTEUR" in agreed_row
    assert 'class="grid-disagreement"' not in agreed_row
    assert 'class="grid-disagreement"' in disagreed_row and "Désaccord : S / TS" in disagreed_row
    assert 'data-grid-level="TS">TS</span>' in disagreed_row
    assert "non positionné" in half_row and 'class="grid-disagreement"' not in half_row
    assert "1 ligne en désaccord" in html


def test_the_agreed_level_is_prefilled_only_where_all_members_agree(cast, login):
    commission = _two_members(cast)
    first, second, third = criteria_of(commission)[:3]
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert _checked(html, first) == "S" and "pré-rempli" in _row(html, first)
    assert _checked(html, second) == ""
    assert _checked(html, third) == ""
    assert 'name="base_version" value="0"' in html


def test_a_recorded_agreed_level_wins_over_the_prefill(cast, login):
    commission = _two_members(cast)
    fill_grid(commission, cast.student, None, ["TS"], version=4)
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    first = criteria_of(commission)[0]
    assert _checked(html, first) == "TS" and "pré-rempli" not in _row(html, first)
    assert 'name="base_version" value="4"' in html


def test_a_member_records_the_agreed_grid(cast, login):
    commission = _two_members(cast)
    response = login(cast.professional).post(_url(commission, cast.student), grid_post(commission, ["S", "TS"]))
    assert response.status_code == 302
    grid = Grid.objects.get(commission=commission, student=cast.student, member__isnull=True)
    assert grid.updated_by == cast.professional
    assert [line.level.code for line in grid.lines.order_by("criterion__competency__order", "criterion__number")][
        :2
    ] == ["S", "TS"]


def test_a_stale_agreed_save_shows_a_conflict_and_keeps_the_values(cast, login):
    commission = _two_members(cast)
    fill_grid(commission, cast.student, None, ["I"], version=2)
    response = login(cast.teacher).post(_url(commission, cast.student), grid_post(commission, ["TI"], base_version=1))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Conflit" in html and _checked(html, criteria_of(commission)[0]) == "TI"
    assert Grid.objects.get(member__isnull=True).lines.get(criterion=criteria_of(commission)[0]).level.code == "I"


def test_an_administrator_reads_the_agreed_grid_without_a_form_to_save(cast, login):
    commission = _two_members(cast)
    client = login(cast.admin)
    response = client.get(_url(commission, cast.student))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lecture seule" in html and "Enregistrer la grille commune" not in html
    assert 'class="grid-fieldset" disabled' in html
    assert client.post(_url(commission, cast.student), grid_post(commission, ["S"])).status_code == 403
    assert not Grid.objects.filter(member__isnull=True).exists()


def test_the_members_comments_are_shown_beside_the_commission_comment(cast, login):
    commission = _two_members(cast)
    grid = Grid.objects.get(member__user=cast.teacher)
    competency = criteria_of(commission)[0].competency
    grid.comments.create(competency=competency, text="Portefeuille bien analysé")
    html = login(cast.professional).get(_url(commission, cast.student)).content.decode()
    assert "Bob PROF : Portefeuille bien analysé" in html


def test_a_single_assessor_e6_grid_is_prefilled_from_their_own(cast, login):
    commission = make_grid_commission(cast, "E6")
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["TS"])
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert _checked(html, criteria_of(commission)[0]) == "TS"


def test_the_candidate_gets_404(cast, login):
    commission = _two_members(cast)
    assert login(cast.student).get(_url(commission, cast.student)).status_code == 404


def test_a_line_the_commission_left_unpositioned_is_not_prefilled_again(cast, login):
    commission = _two_members(cast)
    fill_grid(commission, cast.student, None, [None, "TS"], version=2)
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert _checked(html, criteria_of(commission)[0]) == ""
    assert "pré-rempli" not in _row(html, criteria_of(commission)[0])
