"""A student's pages on a phone (375 px wide): nothing scrolls sideways, and axe finds nothing blocking.

Students write their passeport and fiches on their phones between two lessons; a page wider than the screen hides
the end of every line of a form. The pass visits each page a student uses with realistic content (a long activity
title, an evidence file with a long name, a filled fiche), at the width of the smallest common phone.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from passeport.models import Activity
from passeport.tests.evidence_samples import PDF_BYTES
from passeport.tests.fiche_pdf_texts import make_filled_fiche
from tests.browser.helpers import assert_accessible, assert_no_sideways_scroll, log_in
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def test_the_student_pages_fit_a_phone_without_sideways_scrolling(live_server, page_at, settings, tmp_path):
    phone = page_at(375, 740, phone=True)
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    fiche = make_filled_fiche(cast.student)
    activity = fiche.activity
    activity.title = "Organisation et animation du salon régional de l'habitat durable et de la rénovation énergétique"
    activity.save(update_fields=["title"])
    student = cast.student
    url = live_server.url

    log_in(phone, url, student.user.username, check_login_page=True)
    assert_no_sideways_scroll(phone)

    pages = [
        reverse("home"),
        reverse("passeport:my_passeport"),
        reverse("passeport:activity_create", args=[student.pk]),
        reverse("passeport:activity_detail", args=[activity.pk]),
        reverse("passeport:fiche_edit", args=[fiche.pk]),
        reverse("passeport:fiche_fit", args=[fiche.pk]),
        reverse("passeport:fiche_versions", args=[fiche.pk]),
        reverse("certification:dossier_list", args=[student.pk]),
        reverse("certification:student_results", args=[student.pk]),
        reverse("accounts:password_change"),
    ]
    for path in pages:
        phone.goto(url + path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert_no_sideways_scroll(phone)
        assert_accessible(phone)

    # Evidence upload from the phone: the long file name must not widen the page either.
    evidence = tmp_path / "compte-rendu-de-la-negociation-avec-le-cabinet-regie-fourviere-version-finale.pdf"
    evidence.write_bytes(PDF_BYTES)
    phone.goto(url + reverse("passeport:activity_detail", args=[activity.pk]))
    phone.get_by_label("Ajouter des preuves").set_input_files([evidence])
    phone.get_by_role("button", name="Envoyer les fichiers").click()
    expect(phone.get_by_role("link", name=evidence.name)).to_be_visible()
    assert_no_sideways_scroll(phone)
    assert_accessible(phone)
    assert Activity.objects.get(pk=activity.pk).evidence.count() == 1
