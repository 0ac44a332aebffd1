"""The grille d'aide à l'évaluation on the national Word model: jury only, the agreed crosses, opened by LibreOffice."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from audit.models import AuditEntry
from certification.evaluation.pdf.grid import render_grid_pdf
from certification.evaluation.pdf.grid_docx import render_grid_docx
from certification.models import CandidateResult, ResultStatus
from referentiel import word_forms
from tests.confidentiality import assert_no_certifying_content, certifying_content
from tests.factories_certification_grids import criteria_of, fill_grid, make_grid_commission, seat
from tests.office import docx_to_pdf, pdf_pages, pdf_pages_with_text, pdf_text

pytestmark = pytest.mark.django_db

E4_CODES = ["S", "TS", "I", "TI", "S", "S", "TS", "I", "S", None, "TS"]
E6_CODES = ["TS", "S", "I", "TI", "S", "TS", "I"]


def _level_cells(content: bytes) -> dict[str, list[str]]:
    """``{critère line text: [the texts of its four level cells]}``, read back with python-docx."""
    out = {}
    for table in Document(io.BytesIO(content)).tables:
        for row in table.rows:
            unique = []
            seen = set()
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    unique.append(cell.text.strip())
            for index, text in enumerate(unique):
                if re.match(r"^\d+\s*[–-]", text) and text not in out:
                    out[text] = unique[index + 1 : index + 5]
    return out


def _document_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_e4_grid_carries_every_agreed_cross_in_its_level_column(cast):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    CandidateResult.objects.create(commission=commission, student=cast.student, status=ResultStatus.MARK, mark=14)
    content = render_grid_docx(commission, cast.student)
    lines = _level_cells(content)
    assert len(lines) == len(criteria_of(commission)) == 11
    crosses = sum(cell == "X" for cells in lines.values() for cell in cells)
    assert crosses == 10  # ten lines positioned, one left blank
    for cells in lines.values():
        assert all(cell in ("", "X") for cell in cells) and sum(c == "X" for c in cells) <= 1
    assert sorted(_column_codes(lines)) == sorted(c for c in E4_CODES if c)
    text = _document_text(content)
    assert "ÉTUDIANTE" in text.upper() and "Emma" in text
    assert "Session 2027" in text
    assert re.search(r"NOTE sur 20\s+14", text)
    assert certifying_content(text)  # the confidentiality sentence and the legend: a jury document
    assert "{{" not in text


def _column_codes(lines: dict[str, list[str]]) -> list[str]:
    codes = ["TI", "I", "S", "TS"]
    return [codes[cells.index("X")] for cells in lines.values() if "X" in cells]


def test_each_cross_sits_on_its_own_critere(cast):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    lines = _level_cells(render_grid_docx(commission, cast.student))
    codes = ["TI", "I", "S", "TS"]
    for criterion, code in zip(criteria_of(commission), E4_CODES, strict=True):
        competency_lines = [cells for text, cells in lines.items() if criterion.title in text]
        assert len(competency_lines) == 1, criterion.title
        cells = competency_lines[0]
        assert (codes[cells.index("X")] if "X" in cells else None) == code, criterion.title


def test_the_e6_grid_has_its_crosses_and_the_situation_dates(cast):
    commission = make_grid_commission(cast, "E6")
    fill_grid(commission, cast.student, None, E6_CODES)
    content = render_grid_docx(commission, cast.student)
    lines = _level_cells(content)
    assert len(lines) == 7
    assert sorted(_column_codes(lines)) == sorted(E6_CODES)
    assert "{{" not in _document_text(content)


def test_libreoffice_opens_it_as_the_pdf_lays_it_out(cast, tmp_path):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    office_pdf = docx_to_pdf(render_grid_docx(commission, cast.student), tmp_path)
    # The grid's text on as many pages as the PDF's (one); LibreOffice lays the bare national model out with an
    # empty page after it, so the filled grid is compared with the blank form too: filling adds no page.
    assert pdf_pages_with_text(office_pdf, tmp_path) == pdf_pages(render_grid_pdf(commission, cast.student), tmp_path)
    blank = docx_to_pdf(
        word_forms.render("grid", "E4", commission.session.forms_session, {"tick": {}, "na": {}}), tmp_path / "blank"
    )
    assert pdf_pages(office_pdf, tmp_path) == pdf_pages(blank, tmp_path)
    text = pdf_text(office_pdf, tmp_path)
    assert len(re.findall(r"(?<!\w)X(?!\w)", text)) == 10
    assert certifying_content(text)
    for criterion in criteria_of(commission):
        assert criterion.title.split()[0] in text


def test_a_members_own_grid_for_that_member(cast, login):
    commission = make_grid_commission(cast)
    member = seat(commission, cast.teacher)
    fill_grid(commission, cast.student, member, ["TI"] * 11)
    url = reverse("certification:grid_docx", args=[commission.pk, cast.student.pk]) + f"?membre={member.pk}"
    response = login(cast.teacher).get(url)
    assert response.status_code == 200
    assert _column_codes(_level_cells(response.content)) == ["TI"] * 11
    assert "membre" in response["Content-Disposition"]


def test_the_jury_download_is_audited_and_tells_nothing_in_its_name(cast, login):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    response = login(cast.teacher).get(reverse("certification:grid_docx", args=[commission.pk, cast.student.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert 'filename="grille-E4-etudiante-emma.docx"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action="grid.word_downloaded")
    assert entry.actor == cast.teacher and entry.changes["student_id"] == cast.student.pk


@pytest.mark.parametrize("persona", ["student", "student2"])
def test_a_student_gets_a_404_and_nothing_of_the_grid(cast, login, persona):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, E4_CODES)
    response = login(getattr(cast, persona)).get(
        reverse("certification:grid_docx", args=[commission.pk, cast.student.pk])
    )
    assert response.status_code == 404
    assert_no_certifying_content(response.content)
    assert not AuditEntry.objects.filter(action="grid.word_downloaded").exists()
