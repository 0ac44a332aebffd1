"""The CCF blanc's services: creation for a class, fiche sujet, grid, publication into the passeport."""

import pytest

from audit.models import AuditEntry
from mock_exams import services
from mock_exams.models import BLANC_LABEL, MockCandidate, MockExamState
from passeport.models import FormativeAssessment
from tests.factories import make_fiche
from tests.factories_mock_exams import candidate_of, fiche_for, grade, make_mock_exam


def test_creating_a_blanc_enrols_every_student_of_the_class_and_is_audited(cast):
    mock_exam = make_mock_exam(cast)
    assert set(mock_exam.candidates.values_list("student_id", flat=True)) == {cast.student.pk, cast.student2.pk}
    assert AuditEntry.objects.filter(action="mock_exam.created").count() == 1


def test_choosing_the_fiche_prefills_the_subject_from_its_texts(cast):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    refilled = services.save_subject(
        candidate=candidate, fiche=fiche_for(cast), texts={}, expected_version=0, actor=cast.teacher
    )
    assert refilled
    candidate.refresh_from_db()
    assert candidate.subject == candidate.originals
    assert any("historique" in text for text in candidate.subject.values())


def test_a_stale_subject_form_changes_nothing(cast):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    fiche = fiche_for(cast)
    services.save_subject(candidate=candidate, fiche=fiche, texts={}, expected_version=0, actor=cast.teacher)
    with pytest.raises(services.StaleMockForm):
        services.save_subject(
            candidate=candidate_of(mock_exam, cast.student),
            fiche=fiche,
            texts={"historique": "Autre"},
            expected_version=0,
            actor=cast.teacher,
        )
    assert MockCandidate.objects.get(pk=candidate.pk).version == 1


def test_publishing_copies_the_levels_into_the_passeport_once_labelled_ccf_blanc(cast):
    mock_exam = make_mock_exam(cast)
    grade(cast, mock_exam, codes=("S", "TS"), comment="Bonne reformulation.")
    assert services.publish_mock_exam(mock_exam=mock_exam, actor=cast.teacher) == 1
    assert services.publish_mock_exam(mock_exam=mock_exam, actor=cast.teacher) is None
    assessment = FormativeAssessment.objects.get(student=cast.student)
    assert assessment.label == BLANC_LABEL
    assert assessment.comment == "Bonne reformulation."
    assert assessment.assessed_on == mock_exam.held_on
    assert sorted(assessment.positions.values_list("level__code", flat=True)) == ["S", "TS"]
    assert mock_exam.state == MockExamState.PUBLISHED
    assert AuditEntry.objects.filter(action="mock_exam.published").count() == 1


def test_a_published_blanc_refuses_any_new_grid(cast):
    mock_exam = make_mock_exam(cast)
    candidate = grade(cast, mock_exam)
    services.publish_mock_exam(mock_exam=mock_exam, actor=cast.teacher)
    with pytest.raises(services.MockExamRefused, match="publiée"):
        grade_again = candidate_of(mock_exam, cast.student)
        services.save_grid(
            candidate=grade_again,
            levels={line.criterion: line.level for line in candidate.lines.all()},
            comment="",
            expected_version=grade_again.version,
            actor=cast.teacher,
        )


def test_choosing_another_fiche_clears_the_grid_positioned_for_the_previous_one(cast):
    mock_exam = make_mock_exam(cast)
    candidate = grade(cast, mock_exam)
    other = make_fiche(cast.student, kind_code="evenement", title="Salon de l'habitat")
    services.save_subject(
        candidate=candidate_of(mock_exam, cast.student),
        fiche=other,
        texts={},
        expected_version=candidate.version,
        actor=cast.teacher,
    )
    refreshed = MockCandidate.objects.get(pk=candidate.pk)
    assert refreshed.graded_at is None
    assert not refreshed.lines.exists()
