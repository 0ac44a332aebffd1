"""The académie's inspector finds an establishment marking a profile higher, opens one of its candidates (logged),
asks the commission for a review; the commission's responsible sees it in « À faire » and answers (issue 16)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from audit.models import AuditEntry
from harmonisation.models import AnswerKind, HarmonisationRequest
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_harmonisation import key_of, make_world
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def test_the_inspector_asks_a_review_and_the_responsible_answers(live_server, page):
    cast = build_cast()
    world = make_world(cast)
    log_in(page, live_server.url, world.inspector.username)

    page.goto(live_server.url + reverse("harmonisation:index"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"Session {cast.session.year} – E6")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harmonisation – E6")
    assert_accessible(page)
    profile = page.get_by_role("table", name=re.compile(f"Profil {key_of(world.commission)} "))
    flagged = profile.locator("tr.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged.get_by_role("rowheader")).to_have_text("Lycée Ampère")
    expect(flagged).to_contain_text("écart signalé")

    flagged.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Candidat am")
    assert_accessible(page)
    opened = AuditEntry.objects.get(action="harmonisation.candidate_opened")
    assert (opened.actor, opened.establishment_id) == (world.inspector, world.third.pk)

    page.get_by_label("Motif de la demande").fill("S-S-S noté 3 points au-dessus de la médiane académique.")
    page.get_by_role("button", name="Envoyer la demande à la commission").click()
    expect(page.get_by_text("Demande envoyée à la commission")).to_be_visible()
    request = HarmonisationRequest.objects.get()
    assert request.commission == world.high_commission

    page.context.clear_cookies()
    log_in(page, live_server.url, world.high_commission.responsible.username)
    page.goto(live_server.url + reverse("certification:todo"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Demande d’?'?harmonisation : revoir un candidat")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Répondre à une demande d'harmonisation")
    assert_accessible(page)
    page.get_by_label(AnswerKind.JUSTIFIED.label).check()
    page.get_by_label("Justification ou motif de la réouverture").fill("Dossier très solide : note maintenue.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text("Réponse enregistrée")).to_be_visible()
    request.refresh_from_db()
    assert (request.answer_kind, request.answered_by) == (AnswerKind.JUSTIFIED, world.high_commission.responsible)
