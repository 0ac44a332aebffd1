"""grid_member: a member's own grid of one candidate (GET shows it, POST saves it through the service)."""

import re

from django.urls import reverse

from certification.evaluation.services.grids import grid_competencies
from certification.evaluation.services.locking import lock
from certification.models import Grid, MemberRole
from tests.confidentiality import assert_has_certifying_content
from tests.factories_certification_commissions import step_of
from tests.factories_certification_grids import (
    criteria_of,
    fill_grid,
    grid_post,
    make_grid_commission,
    seat,
    with_professional,
)


def _url(commission, student):
    return reverse("certification:grid_member", args=[commission.pk, student.pk])


def _checked(html: str, criterion) -> str | None:
    match = re.search(rf'name="critere_{criterion.pk}" value="(\w*)" checked', html)
    return match.group(1) if match else None


def test_it_shows_every_e4_line_with_its_indicators_as_text_and_four_levels(cast, login):
    commission = make_grid_commission(cast)
    response = login(cast.teacher).get(_url(commission, cast.student))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('type="radio"') == 11 * 5
    assert "Analyser un portefeuille client" in html
    assert "(Pertinence de l’analyse du portefeuille clients, qualification pertinente des prospects)" in html
    assert 'type="checkbox"' not in html
    for competency in grid_competencies(commission):
        assert reverse("certification:grid_evidence", args=[commission.pk, cast.student.pk, competency.pk]) in html
    assert_has_certifying_content(html)


def test_the_e6_grid_has_seven_lines(cast, login):
    commission = make_grid_commission(cast, "E6")
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert html.count('type="radio"') == 7 * 5
    assert "Impulser une dynamique de réseau" in html


def test_it_shows_the_saved_levels_checked(cast, login):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["TS", None], version=3)
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    first, second = criteria_of(commission)[:2]
    assert _checked(html, first) == "TS"
    assert _checked(html, second) == ""
    assert 'name="base_version" value="3"' in html


def test_a_member_saves_and_is_sent_back_to_their_grid(cast, login):
    commission = make_grid_commission(cast)
    competency = grid_competencies(commission)[0]
    response = login(cast.teacher).post(
        _url(commission, cast.student), grid_post(commission, ["S", "TS"], comments={competency.pk: "Ciblage précis"})
    )
    assert response.status_code == 302 and response["Location"] == _url(commission, cast.student) + "#messages"
    grid = Grid.objects.get(member=seat(commission, cast.teacher))
    assert grid.version == 1
    assert grid.comments.get().text == "Ciblage précis"


def test_a_professional_member_fills_their_own_grid_apart(cast, login):
    commission = with_professional(cast)
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["TI"])
    response = login(cast.professional).post(_url(commission, cast.student), grid_post(commission, ["TS"]))
    assert response.status_code == 302
    grid = Grid.objects.get(member__user=cast.professional)
    assert grid.member.role == MemberRole.PROFESSIONAL
    assert grid.lines.get(criterion=criteria_of(commission)[0]).level.code == "TS"


def test_a_stale_save_is_refused_and_shows_the_submitted_values_back(cast, login):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["I", "I"], version=2)
    first, second = criteria_of(commission)[:2]

    response = login(cast.teacher).post(_url(commission, cast.student), grid_post(commission, ["TS"], base_version=1))

    assert response.status_code == 409
    html = response.content.decode()
    assert "Conflit : Bob PROF a enregistré cette grille" in html
    assert _checked(html, first) == "TS"  # what the user chose, not what is saved
    assert "Enregistré entre-temps : <strong>I</strong>" in html
    assert 'name="base_version" value="2"' in html  # saving again now keeps the user's choice deliberately
    assert Grid.objects.get().version == 2


def test_a_candidate_not_informed_blocks_the_save_and_links_to_the_commission_page(cast, login):
    commission = make_grid_commission(cast, informed=False)
    step = step_of(commission, "A")
    client = login(cast.teacher)

    html = client.get(_url(commission, cast.student)).content.decode()
    assert "n&#x27;a pas été informé·e officiellement de la date du 20/05/2027" in html
    assert reverse("certification:commission_detail", args=[commission.pk]) + f"#etape-{step.pk}" in html
    assert reverse("certification:uninformed_reason", args=[step.pk, cast.student.pk]) in html
    assert '<fieldset class="grid-fieldset" disabled>' in html

    response = client.post(_url(commission, cast.student), grid_post(commission, ["S"]))
    assert response.status_code == 200
    assert "Grille non enregistrée" in response.content.decode()
    assert not Grid.objects.exists()


def test_a_locked_grid_cannot_be_saved(cast, login):
    commission = make_grid_commission(cast)
    lock(commission, cast.student, actor=cast.teacher)
    response = login(cast.teacher).post(_url(commission, cast.student), grid_post(commission, ["S"]))
    assert "grille et note sont verrouillées" in response.content.decode()
    assert not Grid.objects.exists()


def test_an_administrator_who_does_not_sit_on_the_commission_gets_403(cast, login):
    commission = make_grid_commission(cast)
    assert login(cast.admin).get(_url(commission, cast.student)).status_code == 403


def test_a_student_of_another_cohort_is_404(cast, login):
    commission = make_grid_commission(cast)
    assert login(cast.teacher).get(_url(commission, cast.other_student)).status_code == 404


def test_the_candidate_gets_404_on_their_own_grid(cast, login):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["TS"])
    assert login(cast.student).get(_url(commission, cast.student)).status_code == 404


def test_the_levels_are_defined_in_words_on_the_page(cast, login):
    # A hover title reaches neither the keyboard nor a touch screen: the legend is text on the page.
    commission = make_grid_commission(cast)

    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()

    legend = html.split('<dl class="level-legend"')[1].split("</dl>")[0]
    assert re.findall(r"<dt>(\w+)</dt>", legend) == ["TI", "I", "S", "TS"]
    assert "<dd>Satisfaisant</dd>" in legend
