"""lib.pdf: HTML to PDF with local resources only."""

import io
import os

import pytest
from pypdf import PdfReader

from lib import pdf


def test_it_renders_html_to_pdf_with_a_stylesheet(tmp_path):
    css = tmp_path / "print.css"
    css.write_text("@page { size: A4; } .next { break-before: page; }")

    content = pdf.render_pdf("<p>Première</p><p class='next'>Seconde</p>", stylesheets=[css], base_url=tmp_path)

    pages = PdfReader(io.BytesIO(content)).pages
    assert [page.extract_text() for page in pages] == ["Première", "Seconde"]


def test_the_parsed_stylesheet_is_reused_until_the_file_changes(tmp_path):
    css = tmp_path / "print.css"
    css.write_text("p { color: red; }")
    first = pdf.stylesheet(css)

    assert pdf.stylesheet(css) is first
    css.write_text("p { color: blue; }")
    os.utime(css, ns=(1, 1))
    assert pdf.stylesheet(css) is not first


def test_the_fetcher_serves_files_under_its_roots(tmp_path):
    (tmp_path / "ok.css").write_text("p {}")

    response = pdf.LocalURLFetcher([tmp_path]).fetch((tmp_path / "ok.css").as_uri())

    assert response is not None


@pytest.mark.parametrize(
    "url",
    ["https://example.org/tracker.png", "http://127.0.0.1:8000/admin/", "file:///etc/passwd", "data:text/css,p{}"],
)
def test_the_fetcher_refuses_the_network_and_files_elsewhere(tmp_path, url):
    with pytest.raises(pdf.ForbiddenResource):
        pdf.LocalURLFetcher([tmp_path]).fetch(url)


def test_a_remote_image_in_the_html_is_never_fetched(tmp_path, monkeypatch):
    fetched = []
    monkeypatch.setattr(pdf.URLFetcher, "fetch", lambda self, url, headers=None: fetched.append(url))

    pdf.render_pdf('<img src="https://example.org/x.png"><img src="/etc/hostname">', base_url=tmp_path)

    assert fetched == []
