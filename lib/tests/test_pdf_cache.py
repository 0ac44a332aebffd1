"""lib.pdf.render_pdf(cached=True): the same document asked again is one read of the shared "pdf" cache."""

import os

import pytest
from django.core.cache import caches

from lib import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def layouts(monkeypatch):
    calls: list[str] = []
    real = pdf.layout

    def spy(html: str, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "layout", spy)
    caches["pdf"].clear()  # the cache table is not a model: a transactional test may have left entries
    return calls


def test_a_cached_document_asked_again_is_not_laid_out_again(layouts):
    first = pdf.render_pdf("<p>Grille</p>", cached=True)
    second = pdf.render_pdf("<p>Grille</p>", cached=True)

    assert second == first
    assert len(layouts) == 1


def test_other_html_or_an_edited_stylesheet_misses(layouts, tmp_path):
    css = tmp_path / "print.css"
    css.write_text("p { color: red; }")
    pdf.render_pdf("<p>Grille</p>", stylesheets=[css], cached=True)
    pdf.render_pdf("<p>Grille modifiée</p>", stylesheets=[css], cached=True)
    css.write_text("p { color: blue; }")
    os.utime(css, ns=(1, 1))

    pdf.render_pdf("<p>Grille</p>", stylesheets=[css], cached=True)

    assert len(layouts) == 3


def test_documents_not_asked_cached_are_never_kept(layouts):
    pdf.render_pdf("<p>Codes d'accès</p>")
    pdf.render_pdf("<p>Codes d'accès</p>")

    assert len(layouts) == 2
