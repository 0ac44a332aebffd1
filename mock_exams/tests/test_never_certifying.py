"""A CCF blanc is never certifying: a blanc grid filled (and published) for a student changes nothing of the
commission's profiles page, its marks exports, the composition of the evaluation packs, or the harmonisation pages.
"""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from certification.evaluation.pdf import grid as grid_pdf
from certification.evaluation.pdf import sheet as sheet_pdf
from certification.evaluation.services import packs
from mock_exams import services
from mock_exams.situations import situations_for
from tests.factories_certification_grids import make_grid_commission
from tests.factories_certification_marks import agree_grid, make_result
from tests.factories_harmonisation import make_world
from tests.factories_mock_exams import grade, make_mock_exam

pytestmark = pytest.mark.django_db

# What differs between two renders of the same page: the CSRF token and a CSP nonce.
VOLATILE = re.compile(rb'(name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*")')


def _page(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return VOLATILE.sub(b"", response.content)


def _blanc_graded_and_published(cast, exam=None) -> None:
    situation = next((s for s in situations_for(cast.cohort) if exam is None or s.exam == exam), None)
    mock_exam = make_mock_exam(cast, situation=situation)
    grade(cast, mock_exam, codes=("TI", "TI", "TS", "TS", "TI"))
    grade(cast, mock_exam, student=cast.student2, codes=("TS", "TS"))
    services.publish_mock_exam(mock_exam=mock_exam, actor=cast.teacher)


@pytest.fixture
def commission(cast):
    commission = make_grid_commission(cast)
    agree_grid(commission, cast.student, "S-TS-NE-S")
    make_result(commission, cast.student, profile="S-TS-NE-S", mark="12.5")
    return commission


def test_the_profiles_page_is_the_same_after_a_blanc(cast, login, commission):
    client = login(cast.teacher)
    url = reverse("certification:profiles", args=[commission.pk])
    before = _page(client, url)
    _blanc_graded_and_published(cast, commission.exam)
    after = _page(client, url)
    assert after == before
    assert b"CCF blanc" not in after


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_marks_exports_are_the_same_after_a_blanc(cast, login, commission, fmt):
    client = login(cast.teacher)
    url = reverse("certification:commission_export", args=[commission.pk, fmt])
    before = client.get(url)
    _blanc_graded_and_published(cast, commission.exam)
    after = client.get(url)
    assert before.status_code == after.status_code == 200
    if fmt == "csv":
        assert after.content == before.content
    else:  # an XLSX zip carries its creation time: compare the cells
        assert _cells(after.content) == _cells(before.content)


def _cells(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_filled_blanc_grid_does_not_change_the_packs_composition(cast, commission):
    def composition() -> list[tuple[int, str]]:
        parts = packs._dossier_pdfs(commission, cast.student)
        for render in (grid_pdf.render_grid_pdf, sheet_pdf.render_sheet_pdf, packs.formative_summary_pdf):
            parts.append(render(commission, cast.student))
        return [(len(PdfReader(io.BytesIO(part)).pages), _text(part)) for part in parts]

    before = composition()
    mock_exam = make_mock_exam(
        cast, situation=next(s for s in situations_for(cast.cohort) if s.exam == commission.exam)
    )
    grade(cast, mock_exam, codes=("TI", "TI", "TI"))
    assert composition() == before
    # Published, its levels become passeport positions labelled « CCF blanc »: still not part of the certifying pack.
    services.publish_mock_exam(mock_exam=mock_exam, actor=cast.teacher)
    assert composition() == before


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_harmonisation_page_is_the_same_after_a_blanc(cast, client):
    world = make_world(cast)
    client.force_login(world.inspector)
    url = reverse("harmonisation:exam", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])
    before = _page(client, url)
    _blanc_graded_and_published(cast, world.commission.exam)
    assert _page(client, url) == before
