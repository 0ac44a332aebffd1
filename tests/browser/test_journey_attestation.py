"""The attestation de stage from end to end: the student declares the internship and prepares the attestation, the
tutor without an account signs it from the one-time link of the email, the PDF carries ANNEXE III-2 word for word,
the weeks summary and the conformity check follow."""

import email
import email.policy
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.dossiers.services.conformity import suggested_reasons
from notifications.models import OutboxMessage
from passeport.models import InternshipPeriod
from passeport.selectors_internships import internship_summary
from passeport.tests.attestation_reference import missing_labels, pdf_text
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_certification_dossiers import make_dossier
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def _link_from_outbox(to: str) -> str:
    row = OutboxMessage.objects.filter(kind="attestation_request").latest("pk")
    assert row.recipients == [to]
    raw = bytes(row.raw_message)
    text = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()
    return re.search(r"/attestation-de-stage/[\w-]+/", text).group(0)


def test_the_tutor_signs_the_attestation_from_the_one_time_link(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    dossier = make_dossier(cast.student)

    # The student declares the internship, with fewer weeks than it really lasted.
    log_in(page, live_server.url, cast.student.user.username)
    page.goto(live_server.url + reverse("passeport:internship_create", args=[cast.student.pk]))
    page.get_by_label("Stage (attestation de stage, annexe III-2)").check()
    page.get_by_label("Organisme d'accueil").fill("Maisons Rhône")
    page.get_by_label("Date de début").fill("2026-01-05")
    page.get_by_label("Date de fin").fill("2026-04-24")
    page.get_by_label("Nombre de semaines").fill("12")
    page.get_by_label("Tuteur ou maître d'apprentissage").fill("Claire Martin")
    page.get_by_role("button", name="Enregistrer la période").click()
    expect(page.get_by_text("Période en entreprise enregistrée.")).to_be_visible()
    summary = page.locator(".internship-summary")
    expect(summary).to_contain_text("Réductible")
    expect(summary).to_contain_text("Attestation manquante")
    assert "no_attestation" in [s.code for s in suggested_reasons(dossier)]

    # … and prepares the attestation with what they know.
    page.get_by_role("link", name="Préparer l'attestation de stage chez Maisons Rhône").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attestation de stage chez Maisons Rhône")
    assert_accessible(page)
    expect(page.get_by_label("Nom ou dénomination sociale de l'organisme")).to_have_value("Maisons Rhône")
    page.get_by_label("Secteur d'activité").fill("Immobilier")
    page.get_by_label("Ville de l'organisme").fill("Lyon")
    page.get_by_label("Sexe").select_option("F")
    page.get_by_label("Activités réalisées pendant le stage").fill("Prospection téléphonique, accueil des clients")
    page.get_by_label("Adresse électronique du tuteur (sans compte)").fill("c.martin@maisons-rhone.fr")
    page.get_by_role("button", name="Enregistrer et envoyer au tuteur").click()
    expect(page.get_by_text("Attestation envoyée au tuteur pour vérification et signature.")).to_be_visible()
    expect(page.locator("#etat-attestation")).to_contain_text("En attente de la signature du tuteur")

    # The tutor, without an account, opens the link of the email, checks, corrects and signs.
    link = _link_from_outbox("c.martin@maisons-rhone.fr")
    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Attestation de stage d’Emma"))
    assert_accessible(page)
    activities = page.get_by_label("Activités de l'étudiant·e")
    expect(activities).to_have_value("Prospection téléphonique, accueil des clients")
    page.get_by_label("Heures de présence").fill("560")
    page.get_by_label("Gratification totale versée (€)").fill("2112.40")
    page.get_by_label("Vos nom et prénom").fill("Claire Martin")
    page.get_by_label("Votre fonction dans l'organisme").fill("Directrice d'agence")
    page.get_by_label("Fait à").fill("Lyon")
    page.get_by_label(re.compile(r"^Je certifie exactes")).check()
    page.get_by_role("button", name="Signer l'attestation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attestation de stage signée")
    expect(page.get_by_text(re.compile(r"80 jours de présence, soit 16 semaines"))).to_be_visible()
    assert_accessible(page)

    # The link served once.
    page.goto(live_server.url + link)
    expect(page.get_by_role("alert")).to_contain_text("Ce lien de signature a déjà servi")

    # The student finds the signed attestation; the weeks counted by the rule replace the 12 typed.
    log_in(page, live_server.url, cast.student.user.username)
    page.goto(live_server.url + reverse("passeport:internship_create", args=[cast.student.pk]))
    summary = page.locator(".internship-summary")
    expect(summary).to_contain_text("Complète")
    expect(summary).to_contain_text("1 signée par le tuteur")
    expect(summary).not_to_contain_text("Attestation manquante")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Attestation de stage (PDF)").click()
    content = download_info.value.path().read_bytes()
    text = pdf_text(content, tmp_path)
    assert missing_labels(text) == []
    assert "Maisons Rhône" in text and "durée totale de 16 nombre de semaines" in text and "2112,40" in text

    period = InternshipPeriod.objects.get(student=cast.student)
    assert str(period.weeks) in ("16", "16.0")
    assert internship_summary(cast.student)["missing_attestations"] == 0
    assert "no_attestation" not in [s.code for s in suggested_reasons(dossier)]
