"""fiche_pdf: the official PDF of a fiche, as a download."""

import io

from django.urls import reverse
from pypdf import PdfReader

from passeport.models import FicheVerso
from passeport.tests.fiche_pdf_texts import make_filled_fiche


def url(fiche, **query):
    base = reverse("passeport:fiche_pdf", args=[fiche.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_sends_the_pdf_as_an_attachment_with_an_ascii_name(cast, login):
    user = cast.student.user
    user.last_name, user.first_name = "Lefèvre", "Chloé"
    user.save(update_fields=["last_name", "first_name"])
    fiche = make_filled_fiche(cast.student)

    response = login(cast.student).get(url(fiche))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="fiche-E4-n1-lefevre-chloe.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 2


def test_the_teacher_and_the_following_professional_can_download_it(cast, login, client):
    fiche = make_filled_fiche(cast.student)

    assert login(cast.teacher).get(url(fiche)).status_code == 200
    client.logout()
    assert login(cast.professional).get(url(fiche)).status_code == 200


def test_it_prints_the_verso_asked_for(cast, login):
    fiche = make_filled_fiche(cast.student)
    FicheVerso.objects.create(fiche=fiche, order=2, content={"demarche": "Relance des clients inactifs"})

    response = login(cast.student).get(url(fiche, verso=2))

    verso_page = PdfReader(io.BytesIO(response.content)).pages[1].extract_text()
    assert "Relance des clients inactifs" in verso_page
    assert response["Content-Disposition"].endswith('-verso2.pdf"')


def test_an_unknown_verso_is_not_found(cast, login):
    fiche = make_filled_fiche(cast.student)
    client = login(cast.student)

    assert client.get(url(fiche, verso=7)).status_code == 404
    assert client.get(url(fiche, verso="abc")).status_code == 404


def test_another_student_gets_not_found(cast, login):
    fiche = make_filled_fiche(cast.student)

    assert login(cast.student2).get(url(fiche)).status_code == 404


def test_a_teacher_of_another_establishment_gets_not_found(cast, login):
    fiche = make_filled_fiche(cast.student)

    assert login(cast.other_teacher).get(url(fiche)).status_code == 404
