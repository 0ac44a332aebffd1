"""grid_pdf: the official « Grille d'aide à l'évaluation » (ANNEXE V–4 / VII–2) read back with pypdf — jury only."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certification.evaluation.pdf.grid import grid_filename, mark_text, render_grid_pdf
from certification.models import CandidateResult, ResultStatus
from tests.confidentiality import assert_no_certifying_content, certifying_content
from tests.factories_certification_grids import fill_grid, make_grid_commission, seat, with_professional

E4_CODES = ["S", "TS", "I", "TI", "S", "S", "TS", "I", "S", None, "TS"]
CONFIDENTIALITY = (
    "Ce document d’aide à l’évaluation est à usage exclusif de la commission d’interrogation, "
    "il ne doit pas être communiqué au candidat."
)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def _ticks(text: str) -> int:
    return len(re.findall(r"(?<!\w)X(?!\w)", text))


def _url(commission, student, member=None):
    url = reverse("certification:grid_pdf", args=[commission.pk, student.pk])
    return url + (f"?membre={member.pk}" if member else "")


def test_the_e4_grid_has_the_official_wording_the_agreed_crosses_and_the_confidentiality_sentence(cast):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    pdf = render_grid_pdf(commission, cast.student)
    assert pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = _text(pdf)
    assert "ANNEXE V–4" in text
    assert "E4 – RELATION CLIENT et NEGOCIATION VENTE" in text
    assert "Évaluation en CCF - Coefficient 5" in text
    assert "Grille d’aide À L’ÉVALUATION - Session 2027" in text
    assert "NOM du CANDIDAT : ÉTUDIANTE" in text and "Prénom du candidat : Emma" in text
    assert "1 – Analyser un portefeuille client (Pertinence de l’analyse du portefeuille clients" in text
    assert "TI : Très Insuffisant / I : Insuffisant / S : Satisfaisant /TS : Très satisfaisant" in text
    assert "NOTE sur 20" in text
    assert CONFIDENTIALITY in text
    assert _ticks(text) == 10  # ten lines positioned, one left blank
    assert certifying_content(text)  # the helper recognises a jury document


def test_the_crosses_sit_in_the_column_of_the_agreed_level(cast):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    from certification.evaluation.pdf.grid import grid_context

    tables = grid_context(commission, cast.student, None)["tables"]
    first_line = tables[0]["columns"][0].lines[0]
    assert first_line.cells == [("TI", False), ("I", False), ("S", True), ("TS", False)]
    negotiation, event = tables[1]["columns"]  # side by side, as on the form
    assert (negotiation.competency.order, event.competency.order) == (2, 3)
    assert len(tables[1]["rows"]) == 3 and tables[1]["rows"][2][0] is None


def test_the_e6_grid_has_its_own_header_dates_and_seven_lines(cast):
    commission = make_grid_commission(cast, "E6")
    fill_grid(commission, cast.student, None, ["S"] * 7)
    text = _text(render_grid_pdf(commission, cast.student))
    assert "ANNEXE VII–2" in text
    assert "Évaluation en CCF - Durée 30 MINUTES - Coefficient 3" in text
    assert "Grille d’aide À l’Évaluation – Session 2027" in text
    assert "Situation A : 20/05/2027" in text and "Situation B : 03/06/2027" in text
    assert "3 – Impulser une dynamique de réseau" in text
    assert _ticks(text) == 7
    assert "il ne doit pas être communiqué au candidat" in text


@pytest.mark.parametrize(
    ("status", "mark", "reason", "shown"),
    [
        (ResultStatus.MARK, Decimal("14.5"), "", "14,5"),
        (ResultStatus.MARK, Decimal("12.0"), "", "12"),
        (ResultStatus.RESERVED, None, "", "Réservée"),
        (ResultStatus.NOT_VALID, None, "", "NV (non valide)"),
        (ResultStatus.ABSENT, None, "Malade", "Absent"),
        (ResultStatus.PENDING, None, "", ""),
    ],
)
def test_the_mark_is_the_commissions_or_its_status(cast, status, mark, reason, shown):
    commission = make_grid_commission(cast)
    CandidateResult.objects.create(
        commission=commission, student=cast.student, status=status, mark=mark, absent_reason=reason
    )
    assert mark_text(commission, cast.student) == shown


def test_the_mark_is_printed_on_the_agreed_grid_only(cast):
    commission = make_grid_commission(cast)
    CandidateResult.objects.create(
        commission=commission, student=cast.student, status=ResultStatus.MARK, mark=Decimal("15.5")
    )
    assert "NOTE sur 20 15,5" in _text(render_grid_pdf(commission, cast.student))
    assert "15,5" not in _text(render_grid_pdf(commission, cast.student, seat(commission, cast.teacher)))


def test_a_member_prints_their_own_grid(cast, login):
    commission = with_professional(cast)
    professional = seat(commission, cast.professional)
    fill_grid(commission, cast.student, professional, ["TS", "TS"])
    fill_grid(commission, cast.student, None, E4_CODES)
    response = login(cast.professional).get(_url(commission, cast.student, professional))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Grille personnelle de Paul TUTEUR" in text
    assert _ticks(text) == 2


def test_the_responsible_prints_a_members_grid_but_another_member_cannot(cast, login):
    commission = with_professional(cast)
    teacher = seat(commission, cast.teacher)
    assert (
        login(cast.teacher).get(_url(commission, cast.student, seat(commission, cast.professional))).status_code == 200
    )
    assert login(cast.professional).get(_url(commission, cast.student, teacher)).status_code == 403


def test_a_member_of_another_commission_is_404(cast, login):
    commission = make_grid_commission(cast)
    other = make_grid_commission(cast, "E6")
    assert login(cast.teacher).get(_url(commission, cast.student, seat(other, cast.teacher))).status_code == 404
    assert login(cast.teacher).get(_url(commission, cast.student) + "?membre=abc").status_code == 404


def test_the_download_is_private_and_its_name_tells_nothing_of_the_result(cast, login):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    CandidateResult.objects.create(
        commission=commission, student=cast.student, status=ResultStatus.MARK, mark=Decimal("9")
    )
    response = login(cast.admin).get(_url(commission, cast.student))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="grille-E4-etudiante-emma.pdf"' in response["Content-Disposition"]
    name = grid_filename(commission, cast.student, seat(commission, cast.teacher))
    assert name == "grille-E4-etudiante-emma-membre-prof.pdf"
    for forbidden in ("TI", "TS", "9", "note"):
        assert forbidden not in name.replace("E4", "")
    assert_no_certifying_content(name)


@pytest.mark.parametrize("persona", ["student", "student2"])
def test_students_get_404_even_for_their_own_grid(cast, login, persona):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    response = login(getattr(cast, persona)).get(_url(commission, cast.student))
    assert response.status_code == 404
    assert_no_certifying_content(response.content)
