"""CCF blanc fixtures: a blanc of the cast's class on the situation that has a fiche sujet, graded or not."""

import datetime

from mock_exams import services
from mock_exams.models import MockCandidate, MockExam
from mock_exams.presenters import candidate_orders
from mock_exams.situations import SituationChoice, grid_competencies, levels_of, situations_for
from passeport.models import Fiche
from referentiel.models import Criterion, Level
from tests.factories import make_fiche
from tests.personas import Cast


def subject_situation(cast: Cast) -> SituationChoice:
    return next(choice for choice in situations_for(cast.cohort) if choice.has_subject_sheet)


def make_mock_exam(
    cast: Cast, *, held_on: datetime.date = datetime.date(2027, 3, 15), situation: SituationChoice | None = None
) -> MockExam:
    return services.create_mock_exam(
        cohort=cast.cohort, situation=situation or subject_situation(cast), held_on=held_on, actor=cast.teacher
    )


def candidate_of(mock_exam: MockExam, student) -> MockCandidate:
    candidate = MockCandidate.objects.select_related("mock_exam__cohort__exam_session", "fiche__kind").get(
        mock_exam=mock_exam, student=student
    )
    return candidate


def fiche_for(cast: Cast, student=None, exam=None) -> Fiche:
    """The student's first fiche of ``exam`` (the fiche sujet's exam by default), made when there is none."""
    student = student or cast.student
    exam = exam or subject_situation(cast).exam
    found = Fiche.objects.filter(student=student, exam=exam).first()
    if found is not None:
        return found
    kind = exam.fiche_kinds.order_by("order").first()
    return make_fiche(student, exam_code=exam.code, kind_code=kind.code)


def grade(
    cast: Cast, mock_exam: MockExam, student=None, codes: tuple[str, ...] = ("S", "TS"), comment: str = "Bien."
) -> MockCandidate:
    """Choose the student's fiche for the fiche sujet, then position the first critères at ``codes``."""
    student = student or cast.student
    candidate = candidate_of(mock_exam, student)
    services.save_subject(
        candidate=candidate,
        fiche=fiche_for(cast, student),
        texts={},
        expected_version=candidate.version,
        actor=cast.teacher,
    )
    levels = {level.code: level for level in levels_of(mock_exam.exam)}
    criteria = [
        c for comp in grid_competencies(mock_exam.exam, candidate_orders(candidate)) for c in comp.criteria.all()
    ]
    positions: dict[Criterion, Level | None] = {
        criterion: levels[code] for criterion, code in zip(criteria, codes, strict=False)
    }
    return services.save_grid(
        candidate=candidate, levels=positions, comment=comment, expected_version=candidate.version, actor=cast.teacher
    )


def published(cast: Cast) -> MockCandidate:
    """A published blanc where cast.student was graded; returns the student's candidate row."""
    mock_exam = make_mock_exam(cast)
    candidate = grade(cast, mock_exam)
    services.publish_mock_exam(mock_exam=mock_exam, actor=cast.teacher)
    return candidate
