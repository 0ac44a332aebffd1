"""Who may see or change certifying data.

A student sees only their own dossiers and convocations; never a commission page (404). Staff of the student's
establishment see dossiers; a commission is seen by its members and the establishment's administrators, and
managed by its responsible member or an administrator. Outside scope: 404; in scope but not allowed: 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Establishment, Student, User
from accounts.permissions import admin_establishment_ids, staff_establishment_ids
from certification.commissions.models import (
    Commission,
    CommissionMember,
    Convocation,
    Passage,
    Question,
    SituationStep,
    SubjectSheet,
)
from certification.dossiers.models import Dossier

RESPONSIBLE_ONLY = "Seul·e le ou la responsable de la commission, ou l'administration, peut faire cela."


def commissions_for_user(user: User) -> QuerySet[Commission]:
    if not user.is_authenticated:
        return Commission.objects.none()
    admin_of = admin_establishment_ids(user)
    return (
        Commission.objects.filter(cohort__establishment_id__in=admin_of)
        | Commission.objects.filter(members__user=user)
        | Commission.objects.filter(responsible=user)
    ).distinct()


def can_manage_commission(user: User, commission: Commission) -> bool:
    return commission.responsible_id == user.pk or commission.cohort.establishment_id in admin_establishment_ids(user)


def get_commission_for_user(user: User, pk: int, *, manage: bool = False) -> Commission:
    """The same scope as ``commissions_for_user``, checked on the one row (every commission page calls this: the
    three-way OR with DISTINCT cost a millisecond more per request than one row plus a membership probe)."""
    if not user.is_authenticated:
        raise Http404
    commission = (
        Commission.objects.select_related("cohort__establishment", "exam", "session", "responsible")
        .filter(pk=pk)
        .order_by("pk")  # one row: not the model's default ordering and its joins
        .first()
    )
    if commission is None:
        raise Http404
    if not can_manage_commission(user, commission):  # neither its responsible nor an administrator
        # A member's seat grants access; member_of() then returns it without reading it again.
        seat = _seat(user, commission.pk)
        commission._seat_of = (user.pk, seat)  # type: ignore[attr-defined]  # memo read by member_of()
        if seat is None:
            raise Http404
    if manage and not can_manage_commission(user, commission):
        raise PermissionDenied(RESPONSIBLE_ONLY)
    return commission


def get_step_for_user(user: User, pk: int, *, manage: bool = False) -> SituationStep:
    step = SituationStep.objects.select_related("situation__commission").filter(pk=pk).first()
    if step is None:
        raise Http404
    get_commission_for_user(user, step.situation.commission_id, manage=manage)
    return step


def _can_see_dossier(user: User, dossier: Dossier) -> bool:
    if dossier.student.user_id == user.pk:
        return True
    if dossier.student.cohort.establishment_id in staff_establishment_ids(user):
        return True
    return commissions_for_user(user).filter(cohort_id=dossier.student.cohort_id, exam_id=dossier.exam_id).exists()


def get_dossier_for_user(user: User, pk: int, *, write: bool = False, check: bool = False) -> Dossier:
    """``write``: the student prepares their own dossier; ``check``: a commission member records conformity."""
    dossier = (
        Dossier.objects.select_related("student__user", "student__cohort__establishment", "exam", "session")
        .filter(pk=pk)
        .first()
    )
    if dossier is None or not user.is_authenticated or not _can_see_dossier(user, dossier):
        raise Http404
    if write and dossier.student.user_id != user.pk:
        raise PermissionDenied("Seul·e l'étudiant·e prépare et dépose son dossier.")
    if (
        check
        and not commissions_for_user(user)
        .filter(cohort_id=dossier.student.cohort_id, exam_id=dossier.exam_id, session_id=dossier.session_id)
        .exists()
    ):
        raise PermissionDenied("Seule la commission de l'épreuve contrôle la conformité du dossier.")
    return dossier


def get_own_student(user: User, student_pk: int) -> Student:
    """Dossier preparation pages: the student themself (404 for anyone else's id), staff read them."""
    student = Student.objects.select_related("cohort__exam_session", "user").filter(pk=student_pk).first()
    if student is None or not user.is_authenticated:
        raise Http404
    if student.user_id == user.pk or student.cohort.establishment_id in staff_establishment_ids(user):
        return student
    raise Http404


def get_convocation_for_user(user: User, pk: int) -> Convocation:
    convocation = Convocation.objects.select_related("student", "step").filter(pk=pk).first()
    if convocation is None or convocation.student.user_id != user.pk:
        raise Http404
    return convocation


def get_commission_student(user: User, pk: int, student_pk: int, *, manage: bool = False) -> tuple[Commission, Student]:
    """A commission the user sits on (or administers) and one of its candidates; 404 for anyone else."""
    commission = get_commission_for_user(user, pk, manage=manage)
    student = (
        Student.objects.select_related("user", "cohort").filter(pk=student_pk, cohort_id=commission.cohort_id).first()
    )
    if student is None:
        raise Http404
    return commission, student


def _seat(user: User, commission_pk: int) -> CommissionMember | None:
    return (
        CommissionMember.objects.filter(commission_id=commission_pk, user_id=user.pk)
        .select_related("user")
        .order_by("pk")  # at most one row: not the default ordering's joins
        .first()
    )


def member_of(user: User, commission: Commission) -> CommissionMember | None:
    known: tuple[int, CommissionMember | None] | None = getattr(
        commission, "_seat_of", None
    )  # read by get_commission_for_user for this user
    if known is not None and known[0] == user.pk:
        return known[1]
    return _seat(user, commission.pk)


def require_member(user: User, commission: Commission) -> CommissionMember:
    """Filling a grid or signing is a member's act: an administrator who does not sit on it reads only."""
    member = member_of(user, commission)
    if member is None:
        raise PermissionDenied("Seuls les membres de la commission remplissent les grilles et signent.")
    return member


# --- E4 situation B and the exam days ---------------------------------------------------------------------------
# The fiche sujet, the question bank, the planning, the jury notes: jury and teaching team only. A student reaches
# only their own passage's candidate part (from its release time) and their own convocations; never the jury part,
# never the bank (404).


def get_subject_sheet_for_user(user: User, pk: int, *, write: bool = False) -> SubjectSheet:
    """A fiche sujet of a commission the user sits on or administers; ``write``: members only (403 otherwise)."""
    sheet = SubjectSheet.objects.select_related("commission", "student__user").filter(pk=pk).first()
    if sheet is None:
        raise Http404
    commission = get_commission_for_user(user, sheet.commission_id)
    if write:
        require_member(user, commission)
    sheet.commission = commission
    return sheet


def get_passage_for_user(user: User, pk: int, *, manage: bool = False, jury: bool = False) -> Passage:
    """A passage of a commission the user sits on or administers (404 otherwise, and always for students).

    ``manage``: moving or cancelling it is the responsible member's or an administrator's act (403).
    ``jury``: the day view and its notes are for members of the commission (403 for an administrator who does not
    sit on it).
    """
    passage = Passage.objects.select_related("situation__commission", "student__user", "room").filter(pk=pk).first()
    if passage is None:
        raise Http404
    commission = get_commission_for_user(user, passage.situation.commission_id, manage=manage)
    if jury:
        require_member(user, commission)
    passage.situation.commission = commission
    return passage


def get_own_passage(user: User, pk: int) -> Passage:
    """The student's own passage (the candidate part of its fiche sujet); 404 for anyone else, staff included."""
    passage = (
        Passage.objects.select_related("situation__commission__exam", "student__user", "room").filter(pk=pk).first()
    )
    if passage is None or not user.is_authenticated or passage.student.user_id != user.pk:
        raise Http404
    return passage


def get_staff_establishment(user: User, pk: int) -> Establishment:
    """The question bank and the rooms of an establishment: its teachers and administrators (404 for others)."""
    if pk not in staff_establishment_ids(user):
        raise Http404
    return Establishment.objects.get(pk=pk)


def get_question_for_user(user: User, pk: int) -> Question:
    question = Question.objects.filter(pk=pk, establishment_id__in=staff_establishment_ids(user)).first()
    if question is None:
        raise Http404
    return question
