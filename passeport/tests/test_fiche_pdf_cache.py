"""The fiche PDF and its fit check: cached by content in the shared "pdf" cache, one layout for both."""

import io
import shutil

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from passeport import pdf
from passeport.models import Fiche
from passeport.tests.fiche_pdf_texts import make_filled_fiche

pytestmark = pytest.mark.django_db


@pytest.fixture
def layouts(monkeypatch):
    """Every WeasyPrint layout of a fiche, counted (a spy around the one function that lays fiches out)."""
    calls: list[str] = []
    real = pdf._layout_document

    def spy(html: str):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "_layout_document", spy)
    pdf._DOCUMENTS.clear()
    # The cache table is not a model: a transactional test elsewhere may have left the same persona's fiche in it.
    caches["pdf"].clear()
    return calls


def _fresh(fiche: Fiche) -> Fiche:
    return Fiche.objects.select_related("exam", "student__cohort__exam_session", "student__user").get(pk=fiche.pk)


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_unchanged_fiche_pdf_is_a_cache_hit_without_layout(cast, layouts):
    fiche = make_filled_fiche(cast.student)

    first = pdf.render_fiche_pdf(_fresh(fiche))
    second = pdf.render_fiche_pdf(_fresh(fiche))

    assert len(layouts) == 1
    assert second == first


def test_an_edited_fiche_misses_the_cache_and_prints_the_new_text(cast, layouts):
    fiche = make_filled_fiche(cast.student)
    pdf.render_fiche_pdf(_fresh(fiche))
    fiche.recto = {**fiche.recto, "organisation": "Coopérative Zéphyrine"}
    fiche.save(update_fields=["recto"])

    content = pdf.render_fiche_pdf(_fresh(fiche))

    assert len(layouts) == 2
    assert "Coopérative Zéphyrine" in _text(content)


def test_a_changed_stylesheet_misses_the_cache(cast, layouts, monkeypatch, tmp_path):
    fiche = make_filled_fiche(cast.student)
    pdf.render_fiche_pdf(_fresh(fiche))
    edited = tmp_path / "fiche-print.css"
    shutil.copy(pdf.STYLESHEET, edited)
    edited.write_text(edited.read_text() + "\n/* a later print stylesheet */\n")
    monkeypatch.setattr(pdf, "STYLESHEET", edited)

    pdf.render_fiche_pdf(_fresh(fiche))

    assert len(layouts) == 2


def test_the_check_then_the_pdf_lay_the_fiche_out_once(cast, layouts):
    fiche = make_filled_fiche(cast.student)

    layout = pdf.analyse_fiche_layout(_fresh(fiche))
    content = pdf.render_fiche_pdf(_fresh(fiche))

    assert len(layouts) == 1
    assert layout.fits
    assert len(PdfReader(io.BytesIO(content)).pages) == 2


def test_the_pdf_then_the_check_lay_the_fiche_out_once(cast, layouts):
    fiche = make_filled_fiche(cast.student)

    pdf.render_fiche_pdf(_fresh(fiche))
    pdf._DOCUMENTS.clear()  # another process: only the shared cache is there
    layout = pdf.analyse_fiche_layout(_fresh(fiche))

    assert len(layouts) == 1
    assert layout.fits and layout.page_count == 2


def test_the_cache_is_the_shared_database_table(cast):
    fiche = make_filled_fiche(cast.student)

    pdf.render_fiche_pdf(_fresh(fiche))

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ndrc_pdf_cache")
        assert cursor.fetchone()[0] == 2  # the PDF and the check's result


def test_the_cache_stays_within_its_bound(cast, settings):
    pdf_cache = {**settings.CACHES["pdf"], "OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 2}}
    fiche = make_filled_fiche(cast.student)
    with override_settings(CACHES={**settings.CACHES, "pdf": pdf_cache}):
        for number in range(4):
            fiche.recto = {**fiche.recto, "organisation": f"Organisation {number}"}
            fiche.save(update_fields=["recto"])
            pdf.render_fiche_pdf(_fresh(fiche))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM ndrc_pdf_cache")
            assert cursor.fetchone()[0] <= 4
        assert caches["pdf"]._max_entries == 3


def test_the_pdf_page_serves_an_unchanged_fiche_from_the_cache(cast, login, layouts):
    fiche = make_filled_fiche(cast.student)
    client = login(cast.student)
    url = reverse("passeport:fiche_pdf", args=[fiche.pk])

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert len(layouts) == 1
