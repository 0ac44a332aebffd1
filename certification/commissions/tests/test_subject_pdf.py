"""The fiche sujet PDFs in the official layouts (ANNEXE V–2 candidate, V–3 jury)."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories_certification_subjects import change, make_sheet

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.content)).pages)


def _sheet(cast):
    return change(
        make_sheet(cast),
        contraintes="Le client exige une livraison sous 48 heures.",
        jury__objections="Votre concurrent est moins cher.",
        jury__freins="Peur de changer de prestataire.",
    )


def test_the_candidate_pdf_has_the_official_labels_and_the_new_texts(cast, client, login):
    sheet = _sheet(cast)
    response = login(cast.teacher).get(reverse("certification:subject_pdf", args=[sheet.pk, "candidat"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "fiche-sujet-candidat-etudiante-emma.pdf" in response["Content-Disposition"]
    text = _text(response)
    for label in [
        "ANNEXE V–2",
        "FICHE SUJET - CANDIDAT",
        "NOM du CANDIDAT",
        "FICHE D’activité N°",
        "N° COMMISSION",
        "PARAMÈTRES À PRENDRE EN COMPTE PAR LE CANDIDAT POUR LA SIMULATION",
        "Relation à l’entreprise",
        "Informations à exploiter",
        "Contrainte(s)",
        "VOUS :",
        "JURY :",
        "Négociation Vente et Accompagnement de la Relation Client",
        "Le client exige une livraison sous 48 heures.",
        "Négociation d'un contrat",
    ]:
        assert label in text, label


def test_the_candidate_pdf_carries_no_jury_rubric(cast, client, login):
    sheet = _sheet(cast)
    text = _text(login(cast.teacher).get(reverse("certification:subject_pdf", args=[sheet.pk, "candidat"])))
    for jury_only in ["Objections", "Freins", "Motivations", "Votre concurrent est moins cher", "FICHE SUJET – JURY"]:
        assert jury_only not in text


def test_the_jury_pdf_has_the_jury_rubrics(cast, client, login):
    sheet = _sheet(cast)
    response = login(cast.teacher).get(reverse("certification:subject_pdf", args=[sheet.pk, "jury"]))
    text = _text(response)
    for label in [
        "ANNEXE V–3",
        "FICHE SUJET – JURY (facultative)",
        "PAR LE JURY POUR LA SIMULATION",
        "Identité",
        "Objectif → Définir et personnaliser le profil",
        "Objections",
        "Freins",
        "Votre concurrent est moins cher.",
    ]:
        assert label in text, label


def test_the_jury_pdf_is_404_when_the_jury_part_is_not_written(cast, client, login):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    assert login(cast.teacher).get(reverse("certification:subject_pdf", args=[sheet.pk, "jury"])).status_code == 404


def test_an_unknown_part_is_404(cast, client, login):
    sheet = _sheet(cast)
    assert login(cast.teacher).get(reverse("certification:subject_pdf", args=[sheet.pk, "autre"])).status_code == 404


def test_a_student_never_gets_the_jury_pdfs(cast, client, login):
    sheet = _sheet(cast)
    client = login(cast.student)
    for part in ("candidat", "jury"):
        assert client.get(reverse("certification:subject_pdf", args=[sheet.pk, part])).status_code == 404
