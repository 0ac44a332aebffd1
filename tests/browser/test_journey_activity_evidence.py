"""The journey a student follows to keep a trace: record an activity, attach evidence, find it listed."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from passeport.models import Activity
from passeport.tests.evidence_samples import PDF_BYTES, image_bytes
from tests.browser.helpers import assert_accessible, log_in
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def test_a_student_records_an_activity_and_attaches_two_evidence_files(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    devis = tmp_path / "devis signé.pdf"
    devis.write_bytes(PDF_BYTES)
    photo = tmp_path / "stand.png"
    photo.write_bytes(image_bytes("PNG"))

    log_in(page, live_server.url, cast.student.user.username)
    page.goto(live_server.url + reverse("passeport:activity_create", args=[cast.student.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle activité professionnelle")
    assert_accessible(page)

    page.get_by_label("Intitulé de l'activité").fill("Salon de l'habitat de Lyon")
    page.get_by_label("Cadre").select_option(label="Stage")
    page.get_by_label("Organisation").fill("Maisons Rhône")
    page.get_by_label("Date de début").fill("2026-03-02")
    page.get_by_label("Date de fin").fill("2026-03-04")
    page.get_by_label("Vécue", exact=True).check()
    page.get_by_label("Description").fill("Accueil des visiteurs du stand et prise de rendez-vous.")
    page.get_by_label("2. Animer un évènement commercial", exact=True).check()
    page.get_by_label("2. Développer la présence dans le réseau de distributeurs", exact=True).check()
    page.get_by_label(cast.student2.user.display_name).check()
    page.get_by_role("button", name="Enregistrer l'activité").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Salon de l'habitat de Lyon")
    expect(page.get_by_text("Activité enregistrée.")).to_be_visible()
    expect(page.get_by_text("Aucune preuve jointe.")).to_be_visible()

    page.get_by_label("Ajouter des preuves").set_input_files([devis, photo])
    page.get_by_role("button", name="Envoyer les fichiers").click()

    expect(page.get_by_text(re.compile(r"^Preuves ajoutées"))).to_be_visible()
    evidence_table = page.get_by_role("table")
    expect(evidence_table.get_by_role("link", name="devis signé.pdf")).to_be_visible()
    expect(evidence_table.get_by_role("link", name="stand.png")).to_be_visible()
    expect(page.get_by_text(cast.student2.user.display_name)).to_be_visible()
    assert_accessible(page)

    activity = Activity.objects.get(student=cast.student)
    assert sorted(activity.evidence.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
    assert activity.criteria.count() == 2


def test_a_student_records_an_internship_period_and_sees_the_duration_summary(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    attestation = tmp_path / "attestation de stage.pdf"
    attestation.write_bytes(PDF_BYTES)

    log_in(page, live_server.url, cast.student.user.username)
    page.goto(live_server.url + reverse("passeport:internship_create", args=[cast.student.pk]))
    expect(page.get_by_text("Aucune période en entreprise n'est enregistrée", exact=False)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Stage (attestation de stage, annexe III-2)").check()
    page.get_by_label("Organisme d'accueil").fill("Maisons Rhône")
    page.get_by_label("Date de début").fill("2026-01-05")
    page.get_by_label("Date de fin").fill("2026-03-13")
    page.get_by_label("Nombre de semaines").fill("10")
    page.get_by_label("Attestation", exact=True).set_input_files(attestation)
    page.get_by_role("button", name="Enregistrer la période").click()

    expect(page.get_by_text("Période en entreprise enregistrée.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"durée réductible"))).to_be_visible()
    expect(page.get_by_role("link", name="attestation de stage.pdf")).to_be_visible()
    assert_accessible(page)
