"""Two tabs edit the same fiche: the second save reports the conflict and no text is lost."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from passeport.models import FicheVersion
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_fiche
from tests.personas import build_cast

pytestmark = pytest.mark.browser

HISTORIQUE = "Historique/Problématique de l’activité"
TAB_ONE_TEXT = "Le syndic souhaite réduire ses charges : premier rendez-vous en mai."
TAB_TWO_TEXT = "Client historique depuis 2019, contrat à renégocier avant l'assemblée générale."


def _open_two_tabs(live_server, page):
    cast = build_cast()
    fiche = make_fiche(cast.student, text="Texte de départ ({code}).")
    log_in(page, live_server.url, cast.student.user.username)
    url = live_server.url + reverse("passeport:fiche_edit", args=[fiche.pk])
    second = page.context.new_page()
    page.goto(url)
    second.goto(url)
    return fiche, second


def test_two_tabs_edit_the_same_fiche_the_second_save_reports_the_conflict_and_no_text_is_lost(live_server, page):
    fiche, second = _open_two_tabs(live_server, page)

    page.get_by_label(HISTORIQUE).fill(TAB_ONE_TEXT)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    # An autosave may have run before the click: the version number does not matter here.
    expect(page.get_by_text(re.compile(r"^Fiche enregistrée \(version \d+\)\.$"))).to_be_visible()

    second.get_by_label(HISTORIQUE).fill(TAB_TWO_TEXT)
    second.get_by_role("button", name="Enregistrer", exact=True).click()

    alert = second.get_by_role("alert").filter(has_text="Cette fiche a été modifiée ailleurs")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Votre texte n'a pas été perdu")
    # The field shows what is saved; the refused text stays on the page, ready to be taken back.
    expect(second.get_by_label(HISTORIQUE)).to_have_value(TAB_ONE_TEXT)
    expect(second.get_by_text(TAB_TWO_TEXT)).to_be_visible()
    assert_accessible(second)

    second.get_by_role("button", name="Reprendre mon texte dans cette rubrique").click()
    expect(second.get_by_label(HISTORIQUE)).to_have_value(TAB_TWO_TEXT)
    expect(second.locator("#fiche-save-status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d"))
    fiche.refresh_from_db()
    assert fiche.recto["historique"] == TAB_TWO_TEXT

    copies = FicheVersion.objects.filter(fiche=fiche, is_conflict=True)
    assert TAB_TWO_TEXT in [copy.recto["historique"] for copy in copies]


def test_a_stale_tab_that_autosaves_stops_and_keeps_the_text(live_server, page):
    fiche, second = _open_two_tabs(live_server, page)

    page.get_by_label(HISTORIQUE).fill(TAB_ONE_TEXT)
    expect(page.locator("#fiche-save-status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d"))
    # A routine save is not announced to screen readers (it would interrupt after every pause in typing)...
    expect(page.locator("#fiche-save-status")).to_have_attribute("aria-live", "off")

    second.get_by_label(HISTORIQUE).fill(TAB_TWO_TEXT)

    status = second.locator("#fiche-save-status")
    expect(status).to_contain_text("Cette fiche a été modifiée ailleurs")
    expect(status).to_have_attribute("aria-live", "assertive")  # ...a conflict is
    expect(status).to_contain_text("Votre texte n'a pas été perdu")
    expect(status.get_by_role("link", name="Recharger la page")).to_be_visible()
    copy = FicheVersion.objects.get(fiche=fiche, is_conflict=True)
    assert copy.recto["historique"] == TAB_TWO_TEXT
    fiche.refresh_from_db()
    assert fiche.recto["historique"] == TAB_ONE_TEXT

    # After reloading, the copy kept on this device is offered back.
    status.get_by_role("link", name="Recharger la page").click()
    expect(second.get_by_label(HISTORIQUE)).to_have_value(TAB_ONE_TEXT)
    second.get_by_role("button", name="Reprendre la copie locale").click()
    expect(second.get_by_label(HISTORIQUE)).to_have_value(TAB_TWO_TEXT)
    expect(second.locator("#fiche-save-status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d"))
    fiche.refresh_from_db()
    assert fiche.recto["historique"] == TAB_TWO_TEXT
