"""Who may see or run a CCF blanc.

The teaching team of the establishment reads every blanc of its classes; only the teachers of the class create,
plan, write fiches sujets, grade and publish (403 for the others of the establishment). Outside the establishment,
404. A student reaches only their own blanc, once published; any other id gives 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Cohort, User
from accounts.permissions import require_staff, staff_establishment_ids
from mock_exams.models import MockCandidate, MockExam, MockExamState

__all__ = [
    "get_candidate_for_user",
    "get_mock_exam_for_user",
    "get_own_candidacy",
    "mock_exams_for_user",
    "own_candidacies",
    "require_staff",
    "require_student",
    "teachable_cohorts",
]

CLASS_TEACHERS_ONLY = "Seul·es les enseignant·es de la classe peuvent conduire cette épreuve blanche."


def teachable_cohorts(user: User) -> QuerySet[Cohort]:
    """The classes in which ``user`` may create a blanc: the ones they teach, in an establishment where they work."""
    return Cohort.objects.filter(teachers=user, establishment_id__in=staff_establishment_ids(user)).select_related(
        "exam_session"
    )


def mock_exams_for_user(user: User) -> QuerySet[MockExam]:
    return MockExam.objects.filter(cohort__establishment_id__in=staff_establishment_ids(user)).select_related(
        "cohort", "exam"
    )


def get_mock_exam_for_user(user: User, pk: int, *, manage: bool = False) -> MockExam:
    mock_exam = mock_exams_for_user(user).select_related("cohort__exam_session").filter(pk=pk).first()
    if mock_exam is None:
        raise Http404
    if manage and not mock_exam.cohort.teachers.filter(pk=user.pk).exists():
        raise PermissionDenied(CLASS_TEACHERS_ONLY)
    return mock_exam


def get_candidate_for_user(user: User, pk: int, candidate_pk: int, *, manage: bool = False) -> MockCandidate:
    mock_exam = get_mock_exam_for_user(user, pk, manage=manage)
    candidate = (
        MockCandidate.objects.filter(mock_exam=mock_exam, pk=candidate_pk)
        .select_related("student__user", "fiche__kind", "fiche__activity")
        .first()
    )
    if candidate is None:
        raise Http404
    candidate.mock_exam = mock_exam
    return candidate


def own_candidacies(user: User) -> QuerySet[MockCandidate]:
    """The published blancs of the student ``user`` (none for anyone else)."""
    return MockCandidate.objects.filter(
        student__user_id=user.pk, mock_exam__state=MockExamState.PUBLISHED
    ).select_related("mock_exam__exam", "mock_exam__cohort", "fiche__kind")


def require_student(user: User) -> None:
    if getattr(user, "student", None) is None:
        raise Http404


def get_own_candidacy(user: User, pk: int) -> MockCandidate:
    """The student's own published blanc ``pk`` (a candidate id); anyone else's, or one not published: 404."""
    candidate = own_candidacies(user).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    return candidate
