"""passage_letter: the PDF convocation of a passage, for the commission and the student themself."""

import io

from django.urls import reverse
from pypdf import PdfReader

from tests.factories_certification_commissions import make_commission
from tests.factories_certification_planning import at, make_passage


def url(passage):
    return reverse("certification:passage_letter", args=[passage.pk])


def _text(response) -> str:
    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


def test_the_student_reads_their_letter_with_time_room_and_subject_release(cast, login):
    passage = make_passage(make_commission(cast), cast.student, at(14))

    response = login(cast.student).get(url(passage))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="convocation-E4-B-2027-06-03-14h00-etudiante-emma.pdf"'
    )
    text = _text(response)
    for expected in ("Emma ÉTUDIANTE", "jeudi 3 juin 2027", "14 h 00", "B12", "15 minutes", "Lycée Jean Moulin"):
        assert expected in text
    assert "à partir du jeudi 3 juin 2027 à 13 h 30" in text


def test_the_commission_reads_it_and_another_student_gets_a_404(cast, login):
    passage = make_passage(make_commission(cast), cast.student, at(14))

    assert login(cast.teacher).get(url(passage)).status_code == 200
    assert login(cast.student2).get(url(passage)).status_code == 404
    assert login(cast.other_teacher).get(url(passage)).status_code == 404
