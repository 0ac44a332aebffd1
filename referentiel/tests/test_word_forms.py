"""The Word templates cut from the circulaire's annexes hold a placeholder for everything the product fills in.

A rubric added to data/forms/fiches-*.yaml, or a compétence renamed in the référentiel, without rebuilding the
templates (``manage.py build_word_forms``) would silently leave a blank in the Word file: these tests fail instead.
"""

import re
import zipfile

import pytest
from docx import Document

from passeport.rubrics import fiche_definition
from referentiel import word_forms
from referentiel.models import Criterion, ExamSession, Level
from referentiel.official_forms import official_form

FORMS_SESSION = 2025


def _placeholders(path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return set(re.findall(r"\{\{\s*([\w.]+)\s*\}\}", xml))


@pytest.mark.parametrize("exam_code", list(official_form("word", FORMS_SESSION)["fiches"]))
def test_every_rubric_of_the_fiche_has_its_place(exam_code):
    found = _placeholders(word_forms.template_path("fiche", exam_code, FORMS_SESSION))
    for rubric in fiche_definition(FORMS_SESSION, exam_code).rubrics:
        assert f"t.{rubric.code}" in found or rubric.code in found, rubric.code
    assert {"number", "title", "last_name", "first_name", "candidate_number"} <= found


@pytest.mark.django_db
@pytest.mark.parametrize("exam_code", list(official_form("word", FORMS_SESSION)["grids"]))
def test_every_critere_and_level_of_the_grid_has_its_cell(exam_code):
    session = ExamSession.objects.filter(forms_session=FORMS_SESSION).order_by("year").first()
    criteria = Criterion.objects.filter(
        competency__block__exam__code=exam_code, competency__block__version=session.version
    ).select_related("competency")
    levels = Level.objects.filter(version=session.version)
    found = _placeholders(word_forms.template_path("grid", exam_code, FORMS_SESSION))
    expected = {f"tick.{word_forms.tick_key(c.competency.title, c.number, lv.code)}" for c in criteria for lv in levels}
    assert criteria and expected <= found
    assert len([name for name in found if name.startswith("tick.")]) == len(expected)  # no line left unmatched


def test_the_templates_are_cut_out_pages_without_the_other_annexes():
    for path in sorted(word_forms.WORD_DIR.glob("*.docx")):
        document = Document(str(path))
        text = "\n".join(p.text for p in document.paragraphs)
        assert len(re.findall(r"^ANNEXE ", text, flags=re.M)) == 1, path.name
        assert path.stat().st_size < 200_000, path.name  # no picture of another annex carried along
