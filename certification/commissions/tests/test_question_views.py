"""The questions page of a fiche sujet and the establishment's bank."""

import pytest
from django.urls import reverse

from certification.models import MemberRole, Question, SubjectQuestion
from tests.factories_certification_commissions import add_member
from tests.factories_certification_subjects import bank_question, change, make_passage, make_sheet

pytestmark = pytest.mark.django_db


def _url(sheet):
    return reverse("certification:subject_questions", args=[sheet.pk])


def test_it_shows_changes_suggestions_bank_and_the_evocative_note(cast, client, login):
    sheet = change(make_sheet(cast), contraintes="Budget réduit de 20 %.")
    bank_question(cast, "Et si je vous demandais un geste commercial ?", rubric="contraintes")
    page = login(cast.teacher).get(_url(sheet)).content.decode()
    assert "entretien évocateur" in page
    assert "Budget réduit de 20 %." in page
    assert "Et si je vous disais que Budget réduit" not in page
    assert "que me proposeriez-vous ?" in page
    assert "Et si je vous demandais un geste commercial ?" in page
    assert "paramètre modifié" in page


def test_one_click_add_of_a_suggestion_then_remove(cast, client, login):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    client = login(cast.teacher)
    response = client.post(
        _url(sheet), {"action": "add", "text": "Et si je vous disais que budget réduit ?", "rubric": "contraintes"}
    )
    assert response.status_code == 302
    question = SubjectQuestion.objects.get()
    client.post(_url(sheet), {"action": "remove", "question": question.pk})
    assert not SubjectQuestion.objects.exists()


def test_adding_from_the_bank_keeps_the_source_and_can_fill_the_bank(cast, client, login):
    sheet = make_sheet(cast)
    source = bank_question(cast)
    client = login(cast.teacher)
    client.post(_url(sheet), {"action": "add", "text": source.text, "source": source.pk})
    assert SubjectQuestion.objects.get().source == source
    client.post(_url(sheet), {"action": "add", "text": "Et si je refusais ?", "to_bank": "on"})
    assert Question.objects.filter(text="Et si je refusais ?", establishment=cast.establishment).exists()


def test_an_empty_question_gets_a_french_message(cast, client, login):
    sheet = make_sheet(cast)
    page = login(cast.teacher).post(_url(sheet), {"action": "add", "text": ""}).content.decode()
    assert "Écrivez la question avant de l&#x27;ajouter." in page


def test_the_passage_simulation_kind_is_shown(cast, client, login):
    sheet = make_sheet(cast)
    passage = make_passage(sheet.commission, cast.student)
    passage.simulation_kind = "evocative"
    passage.save(update_fields=["simulation_kind"])
    assert "Entretien évocateur" in login(cast.teacher).get(_url(sheet)).content.decode()


def test_a_professional_member_prepares_questions_without_the_bank(cast, client, login):
    sheet = make_sheet(cast)
    add_member(sheet.commission, cast.professional, MemberRole.PROFESSIONAL)
    bank_question(cast, "Question de la banque ?")
    page = login(cast.professional).get(_url(sheet)).content.decode()
    assert "Question de la banque ?" not in page
    assert "Écrire une question" in page


def test_an_administrator_reads_but_cannot_add(cast, client, login):
    sheet = make_sheet(cast)
    client = login(cast.admin)
    assert client.get(_url(sheet)).status_code == 200
    assert client.post(_url(sheet), {"action": "add", "text": "Et si ?"}).status_code == 403


def test_students_never_see_questions_nor_the_bank(cast, client, login):
    sheet = make_sheet(cast)
    question = bank_question(cast)
    client = login(cast.student)
    assert client.get(_url(sheet)).status_code == 404
    assert client.get(reverse("certification:question_bank", args=[cast.establishment.pk])).status_code == 404
    assert client.post(reverse("certification:question_archive", args=[question.pk])).status_code == 404


def test_the_bank_page_adds_and_archives(cast, client, login):
    client = login(cast.teacher)
    url = reverse("certification:question_bank", args=[cast.establishment.pk])
    response = client.post(url, {"text": "Et si je changeais d'avis ?", "rubric": "objectifs"}, follow=True)
    assert "Question ajoutée à la banque" in response.content.decode()
    question = Question.objects.get()
    assert question.rubric == "objectifs"
    page = client.post(url, {"text": "Et si je changeais  d'avis ?"}).content.decode()
    assert "déjà dans la banque" in page
    client.post(reverse("certification:question_archive", args=[question.pk]))
    question.refresh_from_db()
    assert question.archived
    assert "Et si je changeais" not in client.get(url).content.decode()


def test_another_establishments_teacher_gets_404(cast, client, login):
    question = bank_question(cast)
    client = login(cast.other_teacher)
    assert client.get(reverse("certification:question_bank", args=[cast.establishment.pk])).status_code == 404
    assert client.post(reverse("certification:question_archive", args=[question.pk])).status_code == 404
