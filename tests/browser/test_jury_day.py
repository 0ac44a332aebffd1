"""A jury member on the day: the passage page, the timer, notes saved as they type and still there after a reload."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.models import PassageNote
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_jury import make_passage, make_subject_sheet, submitted_dossier
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def test_a_member_runs_the_timer_and_takes_notes_that_save_themselves(live_server, page):
    cast = build_cast()
    commission = make_commission(cast)
    make_subject_sheet(commission, cast.student, submitted_dossier(cast.student))
    passage = make_passage(commission, cast.student)
    log_in(page, live_server.url, cast.teacher.username)

    page.goto(live_server.url + reverse("certification:jury_view", args=[passage.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jury : Emma ÉTUDIANTE – situation B")
    timer = page.get_by_role("timer")
    expect(timer).to_have_text("15:00")
    assert_accessible(page)

    page.get_by_role("button", name="Démarrer").click()
    expect(timer).not_to_have_text("15:00", timeout=2_000)
    page.get_by_role("button", name="Pause").click()

    page.get_by_role("textbox", name="Mes notes sur le passage").fill(
        "Découverte des besoins solide ; objection prix mal traitée."
    )
    expect(page.locator("#jury-notes-status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d\.$"))
    assert PassageNote.objects.get().text == "Découverte des besoins solide ; objection prix mal traitée."

    page.reload()
    expect(page.get_by_role("textbox", name="Mes notes sur le passage")).to_have_value(
        "Découverte des besoins solide ; objection prix mal traitée."
    )
    expect(page.get_by_role("link", name="Remplir ma grille")).to_be_visible()
    assert_accessible(page)
