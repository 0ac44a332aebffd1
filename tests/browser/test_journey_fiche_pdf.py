"""The student checks that a filled fiche fits its two official pages, then downloads its PDF."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from passeport.tests.fiche_pdf_texts import E4_RECTO, E4_VERSO, make_filled_fiche
from tests.browser.helpers import assert_accessible, log_in
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_student_sees_the_fiche_fits_and_downloads_its_two_page_pdf(live_server, page):
    cast = build_cast()
    fiche = make_filled_fiche(cast.student)
    log_in(page, live_server.url, cast.student.user.username)

    page.goto(live_server.url + reverse("passeport:fiche_edit", args=[fiche.pk]))
    expect(page.locator("#fiche-fit")).to_contain_text("La fiche tient sur les deux pages imposées.")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Télécharger le PDF")).click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"fiche-E4-n{fiche.number}-")
    pages = PdfReader(io.BytesIO(download.path().read_bytes())).pages

    assert len(pages) == 2
    recto, verso = (squeeze(p.extract_text()) for p in pages)
    for text in E4_RECTO.values():
        assert squeeze(text) in recto
    for text in E4_VERSO.values():
        assert squeeze(text) in verso


def test_without_javascript_the_check_is_a_page_naming_the_rubric_to_shorten(live_server, page):
    cast = build_cast()
    fiche = make_filled_fiche(cast.student)
    fiche.recto["historique"] = "Le syndic hésite entre trois prestataires depuis deux ans. " * 100
    fiche.save(update_fields=["recto"])
    log_in(page, live_server.url, cast.student.user.username)

    page.goto(live_server.url + reverse("passeport:fiche_fit", args=[fiche.pk]))

    expect(page.get_by_role("status")).to_contain_text("La fiche dépasse : 3 pages")
    link = page.get_by_role("link", name="Historique/Problématique de l’activité")
    expect(link).to_have_attribute("href", reverse("passeport:fiche_edit", args=[fiche.pk]) + "#rubric-historique")
    assert_accessible(page)
