"""The official « Fiche d'évaluation » PDF (ANNEXE V–5 / VII–3), read back with pypdf; the student's access."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from certification.evaluation.pdf.sheet import render_sheet_pdf, sheet_filename
from certification.models import MemberRole, SituationAppraisal
from tests.confidentiality import assert_no_certifying_content
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_dossiers import complete_dossier
from tests.factories_certification_jury import make_passage
from tests.factories_certification_sheets import (
    APPRAISAL_A,
    APPRAISAL_B,
    deliberate,
    make_result,
    make_sheet,
    released_commission,
    sign,
)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def _signed_e4(cast):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    fiche = complete_dossier(cast.student).items.get(fiche__kind__code="evenement").fiche
    make_result(commission, cast.student)
    sheet = make_sheet(commission, cast.student)
    SituationAppraisal.objects.filter(sheet=sheet, situation__code="B").update(fiche=fiche)
    make_passage(commission, cast.student)  # its jury: every member, who signs situation B
    sign(sheet, commission.members.get(user=cast.teacher))
    return commission, fiche


def test_the_e4_sheet_follows_annex_v_5(cast):
    commission, fiche = _signed_e4(cast)
    text = _text(render_sheet_pdf(commission, cast.student))
    assert "ANNEXE V–5" in text
    assert "E4 – RELATION CLIENT et NEGOCIATION VENTE" in text
    assert "Évaluation en CCF - Coefficient 5" in text
    assert "FICHE D’ÉVALUATION - Session 2027" in text
    assert "NOM du CANDIDAT : ÉTUDIANTE" in text and "Prénom du candidat : Emma" in text
    assert "Situation B – Durée 15 minutes" in text
    assert f"FICHE D’ACTIVITÉ N° : {fiche.number}" in text
    assert f"TITRE : {fiche.title}" in text
    assert "☒ Organisation et Animation d’un Évènement commercial" in text
    assert "☐ Négociation Vente et Accompagnement de la Relation Client" in text
    assert APPRAISAL_A in text and APPRAISAL_B in text
    assert "Nom et signature des membres de la commission :" in text
    assert "Bob PROF — signé électroniquement le" in text
    assert "Paul TUTEUR (Professionnel (tuteur, maître d'apprentissage), sans responsabilité formelle" in text
    assert "NOTE sur 20 14,5" in text
    assert (
        "Ce document d’évaluation peut être communiqué au candidat, à sa demande, après délibération du jury." in text
    )


def test_the_sheet_pdf_never_carries_grid_content(cast):
    commission, _ = _signed_e4(cast)
    text = _text(render_sheet_pdf(commission, cast.student))
    assert "usage exclusif de la commission" not in text
    assert not re.search(r"\b(TI|TS)\b", text)
    assert_no_certifying_content(text)
    assert_no_certifying_content(sheet_filename(commission, cast.student))


def test_the_e6_sheet_follows_annex_vii_3_with_the_real_lived_fiche_in_a(cast):
    commission = make_commission(cast, "E6")
    complete_dossier(cast.student, "E6")
    make_result(commission, cast.student, "12")
    sign(make_sheet(commission, cast.student), commission.members.get())
    text = _text(render_sheet_pdf(commission, cast.student))
    assert "ANNEXE VII–3" in text
    assert "Évaluation en CCF – Durée 30 minutes – Coefficient 3" in text
    assert "Situation A : Durée 15 minutes" in text
    assert "Fiche n° : 1 ☒ Animation de Réseau de distributeurs ☐ Animation de Réseau de partenaires" in text
    assert "Fiches n° : 2 / 3 ☐ Animation de Réseau de distributeurs ☒ Animation de Réseau de partenaires" in text
    assert "Appréciation du Jury" in text
    assert "Nom et signature du membre de la commission :" in text
    assert "NOTE sur 20 12" in text
    assert_no_certifying_content(text)


def test_a_void_signature_is_not_printed_as_signed(cast):
    commission, _ = _signed_e4(cast)
    sheet = commission.evaluation_sheets.get()
    sheet.version += 1
    sheet.save(update_fields=["version"])
    text = _text(render_sheet_pdf(commission, cast.student))
    assert "signé électroniquement" not in text
    assert "signature à renouveler" in text


def _pdf_url(commission, student):
    return reverse("certification:evaluation_sheet_pdf", args=[commission.pk, student.pk])


def test_the_student_gets_their_pdf_only_after_the_deliberation(cast, login):
    commission, _ = _signed_e4(cast)
    client = login(cast.student)
    assert client.get(_pdf_url(commission, cast.student)).status_code == 404
    deliberate(commission, cast.admin)
    response = client.get(_pdf_url(commission, cast.student))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "fiche-evaluation-E4-etudiante-emma.pdf" in response["Content-Disposition"]
    assert_no_certifying_content(_text(response.content))


def test_another_student_never_gets_the_pdf(cast, login):
    commission = released_commission(cast)
    assert login(cast.student2).get(_pdf_url(commission, cast.student)).status_code == 404
