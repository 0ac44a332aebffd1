"""The fiche descriptive as a Word file on the national model, opened by LibreOffice as a user's office suite would."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from audit.models import AuditEntry
from passeport.docx import render_fiche_docx
from passeport.pdf import render_fiche_pdf
from passeport.rubrics import fiche_definition
from passeport.tests.fiche_pdf_texts import E4_RECTO, E4_VERSO, E6_RECTO, make_filled_fiche
from referentiel.exams import fiche_rules
from tests.office import docx_to_pdf, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def _loose(text: str) -> str:
    """Compare without spaces: a line may wrap anywhere."""
    return re.sub(r"\s+", "", text)


def holds(pdf_words: list[str], text: str) -> bool:
    """``text``'s words appear in order in the PDF's, with little in between.

    pdftotext reads a table row line by line across its cells, so a rubric's lines come interleaved with its label's
    words (« Historique/ », « Problématique de »…): the rubric is there when its words follow one another with at most
    a line of a neighbouring cell between them.
    """
    words = text.split()
    for start in (i for i, word in enumerate(pdf_words) if word == words[0]):
        position, found = start, 1
        for word in words[1:]:
            window = pdf_words[position + 1 : position + 16]
            if word not in window:
                break
            position += 1 + window.index(word)
            found += 1
        if found == len(words):
            return True
    return False


def test_e4_fiche_converts_into_as_many_pages_as_the_pdf_with_every_rubric(cast, tmp_path):
    fiche = make_filled_fiche(cast.student)
    content = render_fiche_docx(fiche)
    office_pdf = docx_to_pdf(content, tmp_path)
    product_pages = pdf_pages(render_fiche_pdf(fiche), tmp_path)
    assert product_pages == 2
    assert pdf_pages(office_pdf, tmp_path) == product_pages
    words = pdf_text(office_pdf, tmp_path).split()
    text = _loose(" ".join(words))
    for code, value in {**E4_RECTO, **E4_VERSO}.items():
        assert holds(words, value), code
    cells = _loose(" ".join(c.text for t in Document(io.BytesIO(content)).tables for r in t.rows for c in r.cells))
    for rubric in fiche_definition(fiche.forms_session, "E4").rubrics:  # the labels are the model's own
        assert _loose(rubric.label.rstrip(" :")) in cells, rubric.code
    assert _loose(fiche.title) in text
    assert "SESSION2027" in text.upper()  # the student's session, not the circulaire's
    assert _loose(cast.student.user.last_name) in text


def test_e6_fiche_holds_every_rubric_within_its_pages(cast, tmp_path):
    fiche = make_filled_fiche(cast.student, exam_code="E6", real_lived=True)
    office_pdf = docx_to_pdf(render_fiche_docx(fiche), tmp_path)
    # The national E6 model is two pages of tall blank rows (the product's PDF packs this text on one): the Word
    # file keeps the model's layout and stays within the fiche's pages.
    assert pdf_pages(office_pdf, tmp_path) == fiche_rules(fiche.exam).pages
    words = pdf_text(office_pdf, tmp_path).split()
    for code, value in E6_RECTO.items():
        assert holds(words, value), code


def test_text_is_escaped_and_line_breaks_kept(cast):
    fiche = make_filled_fiche(cast.student)
    fiche.recto["historique"] = "Prix < 10 € & marge > 5 %\nDeuxième ligne <w:p>"
    fiche.save(update_fields=["recto"])
    document = Document(io.BytesIO(render_fiche_docx(fiche)))
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    historique = next(c for c in cells if "Prix < 10" in c.text)
    assert "Prix < 10 € & marge > 5 %\nDeuxième ligne <w:p>" in historique.text
    assert "{{" not in "".join(c.text for c in cells)


def test_kind_box_is_checked(cast):
    fiche = make_filled_fiche(cast.student)
    xml = Document(io.BytesIO(render_fiche_docx(fiche))).element.xml
    assert xml.count('w:char="F06C"') == 1  # the fiche's kind; the other one stays empty
    assert 'w:char="{{' not in xml


def test_download_for_the_student_and_the_teacher_is_audited(cast, login):
    fiche = make_filled_fiche(cast.student)
    for user in (cast.student.user, cast.teacher):
        response = login(user).get(reverse("passeport:fiche_docx", args=[fiche.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
        assert "fiche-E4-n1-etudiante-emma.docx" in response["Content-Disposition"]
        Document(io.BytesIO(response.content))  # a valid Word file
    assert AuditEntry.objects.filter(action="fiche.word_downloaded", object_id=str(fiche.pk)).count() == 2


def test_another_student_gets_a_404(cast, login):
    fiche = make_filled_fiche(cast.student)
    assert login(cast.student2.user).get(reverse("passeport:fiche_docx", args=[fiche.pk])).status_code == 404


def test_fiche_page_links_to_the_word_file(cast, login):
    fiche = make_filled_fiche(cast.student)
    for user in (cast.student.user, cast.teacher):
        page = login(user).get(reverse("passeport:fiche_edit", args=[fiche.pk])).content.decode()
        assert reverse("passeport:fiche_docx", args=[fiche.pk]) + "?verso=1" in page


def test_e6_kind_and_real_lived_boxes(cast):
    fiche = make_filled_fiche(cast.student, exam_code="E6", real_lived=False)
    document = Document(io.BytesIO(render_fiche_docx(fiche)))
    header = document.tables[0]
    real_cell = next(c for c in header.rows[3].cells if "OUI" in c.text)
    symbols = [s.get(qn("w:char")) for s in real_cell._tc.iter(qn("w:sym"))]
    assert symbols == ["F0A1", "F06C"]  # OUI empty, NON filled
    assert document.element.xml.count('w:char="F06C"') == 2  # and the fiche's network kind
