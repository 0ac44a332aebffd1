"""What the pages of a CCF blanc show, read in a few queries."""

from __future__ import annotations

from dataclasses import dataclass

from certification.commissions.services.subject_definition import SubjectRubric, subject_definition
from mock_exams.models import MockCandidate, MockExam
from mock_exams.situations import assessed_orders, grid_competencies, has_subject_sheet, levels_of
from passeport.models import Fiche
from referentiel.models import Competency, Level


@dataclass
class GridRow:
    number: int
    title: str
    indicators: list[str]
    level: Level | None


@dataclass
class GridBlock:
    competency: Competency
    rows: list[GridRow]


@dataclass
class SubjectRow:
    label: str
    text: str
    changed: bool


def candidate_orders(candidate: MockCandidate) -> tuple[int, ...]:
    mock_exam = candidate.mock_exam
    kind = candidate.fiche.kind.code if candidate.fiche is not None else None
    return assessed_orders(mock_exam.exam, mock_exam.situation_code, kind)


def current_levels(candidate: MockCandidate) -> dict[int, int]:
    return dict(candidate.lines.values_list("criterion_id", "level_id"))


def grid_blocks(candidate: MockCandidate) -> list[GridBlock]:
    """The blanc grid as filled: every critère of the compétences assessed, with its level or none."""
    levels = {level.pk: level for level in levels_of(candidate.mock_exam.exam)}
    current = current_levels(candidate)
    return [
        GridBlock(
            competency,
            [
                GridRow(
                    criterion.number,
                    criterion.title,
                    [indicator.wording for indicator in criterion.indicators.all()],
                    levels.get(current.get(criterion.pk, 0)),
                )
                for criterion in competency.criteria.all()
            ],
        )
        for competency in grid_competencies(candidate.mock_exam.exam, candidate_orders(candidate))
    ]


def subject_rubrics(mock_exam: MockExam) -> tuple[SubjectRubric, ...]:
    if not has_subject_sheet(mock_exam.exam, mock_exam.situation_code):
        return ()
    return subject_definition(mock_exam.cohort.exam_session.forms_session).candidate.rubrics


def subject_rows(candidate: MockCandidate) -> list[SubjectRow]:
    """The fiche sujet's candidate part, each rubric flagged when its text differs from the fiche's."""
    subject, originals = candidate.subject or {}, candidate.originals or {}
    return [
        SubjectRow(
            rubric.full_label,
            subject.get(rubric.code, ""),
            subject.get(rubric.code, "") != originals.get(rubric.code, ""),
        )
        for rubric in subject_rubrics(candidate.mock_exam)
        if subject.get(rubric.code) or originals.get(rubric.code)
    ]


def student_fiches(candidate: MockCandidate) -> list[Fiche]:
    return list(
        Fiche.objects.filter(student_id=candidate.student_id, exam_id=candidate.mock_exam.exam_id)
        .select_related("kind", "exam")
        .order_by("number")
    )
