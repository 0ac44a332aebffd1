"""The candidate's side: their passage's candidate part, from its release time only; never the jury part."""

import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from certification.models import SubjectQuestion
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_subjects import change, make_passage, make_sheet

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=2))
STARTS_AT = datetime.datetime(2027, 6, 3, 10, 0, tzinfo=PARIS)


def _passage(cast):
    sheet = change(make_sheet(cast), contraintes="Le budget a été réduit de 20 %.", jury__objections="C'est trop cher.")
    SubjectQuestion.objects.create(sheet=sheet, text="Et si je partais chez un concurrent ?", order=1)
    return make_passage(sheet.commission, cast.student, starts_at=STARTS_AT)


def _urls(passage):
    return (
        reverse("certification:candidate_subject", args=[passage.pk]),
        reverse("certification:candidate_subject_pdf", args=[passage.pk]),
    )


def test_before_the_release_the_page_says_when_and_shows_nothing(cast, client, login):
    passage = _passage(cast)
    page_url, pdf_url = _urls(passage)
    with time_machine.travel(STARTS_AT - datetime.timedelta(minutes=31), tick=False):
        client = login(cast.student)  # inside the travel: the session must not have expired
        response = client.get(page_url)
        page = response.content.decode()
        assert response.status_code == 200
        assert "sera disponible à partir du jeudi 3 juin 2027 à 09:30" in page
        assert "Le budget a été réduit" not in page
        assert client.get(pdf_url).status_code == 404


def test_from_the_release_the_candidate_part_is_shown(cast, client, login):
    passage = _passage(cast)
    page_url, pdf_url = _urls(passage)
    with time_machine.travel(STARTS_AT - datetime.timedelta(minutes=30), tick=False):
        client = login(cast.student)
        page = client.get(page_url).content.decode()
        assert "Le budget a été réduit de 20 %." in page
        assert "C&#x27;est trop cher" not in page
        assert "Objections" not in page
        assert "Et si je partais" not in page
        response = client.get(pdf_url)
        assert response.status_code == 200
        text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
        assert "FICHE SUJET - CANDIDAT" in text
        assert "Objections" not in text and "trop cher" not in text


def test_another_student_or_a_teacher_gets_a_404(cast, client, login):
    passage = _passage(cast)
    for who in (cast.student2, cast.teacher, cast.admin):
        client.logout()
        login(who)
        for url in _urls(passage):
            assert client.get(url).status_code == 404


def test_a_passage_without_a_fiche_sujet_says_so(cast, client, login):
    commission = make_commission(cast)
    passage = make_passage(commission, cast.student)
    page_url, pdf_url = _urls(passage)
    client = login(cast.student)
    assert "Aucune fiche sujet n'est prévue pour ce passage" in client.get(page_url).content.decode()
    assert client.get(pdf_url).status_code == 404
