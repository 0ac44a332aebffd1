"""The official NV notification PDF (ANNEXE V–8 for E4, VII–6 for E6), read back with pypdf."""

import io
import re

from pypdf import PdfReader

from certification.dossiers.pdf import nv_filename, render_nv_pdf
from tests.factories_certification_conformity import CHECKED_ON, good_dossier, make_check

E4_LATE = "Dépôt du dossier au-delà de la date fixée par l’autorité académique"
E6_LATE = (
    "Dépôt du dossier au-delà de la date fixée par la circulaire d’organisation de l’examen ou de l’autorité académique"
)
E4_NO_DEPOSIT = "Absence de dépôt de dossier à la date fixée par l’autorité académique"
E6_NO_DEPOSIT = "Absence de dépôt de dossier à la date fixée par les autorités académiques"
UNSIGNED = "Documents constituant le dossier non visés ou non signés par les personnes habilitées à cet effet"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Line breaks and no-break spaces are layout, not wording.
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_the_e4_notification_fills_the_candidate_and_ticks_the_chosen_reasons(cast):
    check = make_check(good_dossier(cast.student), cast.teacher, reasons=["late_deposit", "unsigned"])
    pdf = render_nv_pdf(check)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "BTS Négociation et Digitalisation de la Relation Client – Session 2027" in text
    assert "Épreuve E4 : Relation Client et Négociation-Vente" in text
    assert "Contrôle de conformité" in text
    assert "Nom : ÉTUDIANTE" in text
    assert "Prénom : Emma" in text
    assert "N° de candidat : 02412345678" in text
    assert "En application de l'arrêté du 22 juillet 2008" in text
    assert E4_LATE in text and UNSIGNED in text
    assert text.count("☒") == 2
    assert text.count("☐") == 3
    assert f"☒ {E4_LATE}" in text
    assert f"☐ {E4_NO_DEPOSIT}" in text
    assert "Vous ne pourrez donc pas obtenir le diplôme à cette session." in text
    assert f"Date du contrôle : {CHECKED_ON:%d/%m/%Y}" in text
    assert "Visa : Bob PROF" in text


def test_the_e6_notification_uses_the_wording_of_annex_vii_6(cast):
    check = make_check(
        good_dossier(cast.student, "E6"), cast.teacher, reasons=["no_deposit", "late_deposit", "unsigned"]
    )
    text = _text(render_nv_pdf(check))
    assert "Épreuve E6 : Relation client et animation de réseaux" in text
    assert "NOM du Candidat : ÉTUDIANTE" in text
    assert "Prénom du Candidat : Emma" in text
    assert E6_NO_DEPOSIT in text and E6_LATE in text
    assert E4_LATE not in text
    assert text.count("☒") == 3
    assert text.count("☐") == 2


def test_the_notification_holds_on_one_page(cast):
    check = make_check(good_dossier(cast.student, "E6"), cast.teacher, reasons=["no_deposit"])
    assert len(PdfReader(io.BytesIO(render_nv_pdf(check))).pages) == 1


def test_the_notification_never_prints_the_commission_comment(cast):
    check = make_check(good_dossier(cast.student), cast.teacher, comment="Doute sur la signature du tuteur")
    assert "Doute sur la signature" not in _text(render_nv_pdf(check))


def test_the_file_name_is_ascii(cast):
    check = make_check(good_dossier(cast.student), cast.teacher)
    assert nv_filename(check) == "notification-nv-E4-etudiante-emma.pdf"
