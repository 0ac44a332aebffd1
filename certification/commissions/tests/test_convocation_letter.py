"""convocation_letter: the official letter of one student for one step, as a PDF."""

import io

from django.urls import reverse
from pypdf import PdfReader

from certification.models import SituationStep
from tests.factories_certification_commissions import make_commission, make_convocation, step_of


def url(step, student):
    return reverse("certification:convocation_letter", args=[step.pk, student.pk])


def _text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_letter_gives_the_date_the_candidate_and_what_situation_a_is(cast, login):
    step = step_of(make_commission(cast))

    response = login(cast.teacher).get(url(step, cast.student))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="convocation-E4-A-2027-05-20-etudiante-emma.pdf"')
    text = " ".join(_text(response).split())
    assert "Emma ÉTUDIANTE" in text
    assert "02412345678" in text
    assert "20 mai 2027" in text
    assert "Lycée Jean Moulin" in text
    assert "Bob PROF" in text
    assert "pas présent" in text
    assert "2 fiches" in text


def test_a_situation_held_in_several_steps_lists_every_date(cast, login):
    step = step_of(make_commission(cast))
    SituationStep.objects.create(situation=step.situation, date="2027-01-14", label="1re étape")

    text = " ".join(_text(login(cast.teacher).get(url(step, cast.student))).split())

    assert "14 janvier 2027 (1re étape)" in text
    assert "20 mai 2027" in text


def test_the_student_downloads_their_own_letter_once_informed(cast, login):
    step = step_of(make_commission(cast))
    client = login(cast.student)
    assert client.get(url(step, cast.student)).status_code == 404

    make_convocation(step, cast.student)

    assert client.get(url(step, cast.student)).status_code == 200


def test_a_student_never_gets_another_students_letter(cast, login):
    step = step_of(make_commission(cast))
    make_convocation(step, cast.student2)

    assert login(cast.student).get(url(step, cast.student2)).status_code == 404


def test_a_student_outside_the_cohort_has_no_letter(cast, login):
    step = step_of(make_commission(cast))

    assert login(cast.admin).get(url(step, cast.other_student)).status_code == 404
