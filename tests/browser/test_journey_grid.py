"""A member positions a candidate on their own grid, then the commission records the agreed grid (jury only)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.models import Grid, MemberRole
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_certification_grids import fill_grid, make_grid_commission, seat
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def test_a_member_fills_their_grid_and_sees_the_disagreement_on_the_agreed_grid(live_server, page):
    cast = build_cast()
    commission = make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),))
    fill_grid(commission, cast.student, seat(commission, cast.professional), ["TS", "S"])
    log_in(page, live_server.url, cast.teacher.username)

    page.goto(live_server.url + reverse("certification:grid_member", args=[commission.pk, cast.student.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ma grille d’aide à l’évaluation")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Satisfaisant – critère 1 Analyser un portefeuille client")).check()
    page.get_by_label(re.compile(r"^Satisfaisant – critère 2 Identifier des cibles")).check()
    page.get_by_role("button", name="Enregistrer ma grille").click()
    expect(page.get_by_text("Grille enregistrée (version 1).")).to_be_visible()
    assert Grid.objects.get(member__user=cast.teacher).version == 1

    page.get_by_role("link", name="Grille commune", exact=True).click()
    expect(page.get_by_text("1 ligne en désaccord")).to_be_visible()
    expect(page.get_by_text("Désaccord : S / TS")).to_be_visible()
    assert_accessible(page)
