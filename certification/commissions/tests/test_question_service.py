"""« Et si… » suggestions, prepared questions and the establishment's bank."""

import pytest

from audit.models import AuditEntry
from certification.commissions.services import questions
from certification.commissions.services.questions import QuestionError
from certification.models import Question, SubjectQuestion
from tests.factories_certification_subjects import bank_question, change, make_sheet

pytestmark = pytest.mark.django_db


def test_suggestions_come_from_the_changed_rubrics_filled_with_the_new_text(cast):
    sheet = change(make_sheet(cast), contraintes="Le client exige une livraison sous 48 heures.")
    suggestions = questions.suggestions_for(sheet)
    assert {s.rubric for s in suggestions} == {"contraintes"}
    assert "Et si je vous disais que le client exige une livraison sous 48 heures… que me proposeriez-vous ?" in [
        s.text for s in suggestions
    ]


def test_a_changed_actor_suggests_a_reaction_of_the_new_actor(cast):
    sheet = change(make_sheet(cast), acteurs_jury="M. Martin, acheteur pressé")
    texts = [s.text for s in questions.suggestions_for(sheet)]
    assert any("M. Martin, acheteur pressé" in text for text in texts)


def test_jury_objections_become_suggestions(cast):
    sheet = change(make_sheet(cast), jury__objections="Votre concurrent est moins cher.")
    texts = [s.text for s in questions.suggestions_for(sheet)]
    assert "Et si je vous répondais : « Votre concurrent est moins cher », que feriez-vous ?" in texts


def test_a_long_new_text_is_shortened(cast):
    sheet = change(make_sheet(cast), lieu="Très long lieu " * 30)
    assert all(len(s.text) < 260 for s in questions.suggestions_for(sheet))
    assert any("…" in s.text for s in questions.suggestions_for(sheet))


def test_no_change_no_suggestion(cast):
    assert questions.suggestions_for(make_sheet(cast)) == []


def test_an_added_suggestion_is_marked(cast):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    first = questions.suggestions_for(sheet)[0]
    questions.add_question(sheet=sheet, text=first.text, rubric=first.rubric, actor=cast.teacher)
    assert questions.suggestions_for(sheet)[0].added


def test_questions_are_numbered_in_order_and_audited(cast):
    sheet = make_sheet(cast)
    questions.add_question(sheet=sheet, text="Première ?", actor=cast.teacher)
    second = questions.add_question(sheet=sheet, text="Seconde ?", rubric="contraintes", actor=cast.teacher)
    assert second.order == 2
    assert AuditEntry.objects.filter(action="subject.question_added").count() == 2


def test_an_empty_duplicate_or_unknown_rubric_question_is_refused(cast):
    sheet = make_sheet(cast)
    questions.add_question(sheet=sheet, text="Et si ?", actor=cast.teacher)
    for text, rubric, message in [
        ("  ", "", questions.EMPTY),
        ("Et  si ?", "", questions.ALREADY_ADDED),
        ("Autre ?", "inconnue", questions.UNKNOWN_RUBRIC),
    ]:
        with pytest.raises(QuestionError) as refusal:
            questions.add_question(sheet=sheet, text=text, rubric=rubric, actor=cast.teacher)
        assert refusal.value.message == message
    assert SubjectQuestion.objects.count() == 1


def test_a_bank_question_of_another_establishment_is_not_kept_as_source(cast):
    sheet = make_sheet(cast)
    foreign = Question.objects.create(
        establishment=cast.other_establishment, text="Ailleurs ?", created_by=cast.teacher
    )
    added = questions.add_question(sheet=sheet, text="Ailleurs ?", source=foreign, actor=cast.teacher)
    assert added.source is None


def test_remove_question(cast):
    sheet = make_sheet(cast)
    added = questions.add_question(sheet=sheet, text="Et si ?", actor=cast.teacher)
    questions.remove_question(sheet=sheet, question_pk=added.pk, actor=cast.teacher)
    assert not SubjectQuestion.objects.exists()
    with pytest.raises(QuestionError):
        questions.remove_question(sheet=sheet, question_pk=added.pk, actor=cast.teacher)


def test_bank_add_refuses_duplicates_and_archive_keeps_prepared_questions(cast):
    question = questions.add_to_bank(
        establishment=cast.establishment, text="Et si c'était trop cher ?", rubric="contraintes", actor=cast.teacher
    )
    with pytest.raises(QuestionError) as refusal:
        questions.add_to_bank(establishment=cast.establishment, text="Et si c'était  trop cher ?", actor=cast.teacher)
    assert refusal.value.message == questions.IN_BANK
    sheet = make_sheet(cast)
    prepared = questions.add_question(sheet=sheet, text=question.text, source=question, actor=cast.teacher)
    questions.archive_question(question=question, actor=cast.teacher)
    assert list(questions.bank_for(cast.establishment)) == []
    prepared.refresh_from_db()
    assert prepared.text == "Et si c'était trop cher ?"
    assert AuditEntry.objects.filter(action="question.archived").count() == 1


def test_the_bank_lists_the_changed_rubrics_first(cast):
    general = bank_question(cast, "Générale ?")
    constraint = bank_question(cast, "Contrainte ?", rubric="contraintes")
    place = bank_question(cast, "Lieu ?", rubric="lieu")
    assert list(questions.bank_for(cast.establishment, ["lieu"])) == [place, general, constraint]
