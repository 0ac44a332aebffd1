"""Who may see or change training traces.

Outside a person's scope the answer is 404 (nothing is revealed); inside it but not theirs to do, 403.
Reading: the student, the staff of their establishment, the professionals who follow them. Writing traces and
fiches: the student only. Following (comments, validation, formative assessment): the establishment's staff.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Student, User
from accounts.permissions import can_follow_student, can_view_student, get_student_for_user, is_professional
from passeport.models import (
    Activity,
    AttestationState,
    Evidence,
    Fiche,
    FicheVersion,
    InternshipAttestation,
    InternshipPeriod,
)

OWN_ONLY = "Seul·e l'étudiant·e peut modifier ses propres traces."
FOLLOW_ONLY = "Seule l'équipe pédagogique de l'établissement peut faire cela."


def _check(user: User, student: Student, *, write: bool = False, follow: bool = False) -> None:
    if not can_view_student(user, student):
        raise Http404
    if write and student.user_id != user.pk:
        raise PermissionDenied(OWN_ONLY)
    if follow and not can_follow_student(user, student):
        raise PermissionDenied(FOLLOW_ONLY)


def get_passeport_student_for_user(
    user: User, student_pk: int, *, write: bool = False, follow: bool = False
) -> Student:
    student = get_student_for_user(user, student_pk)
    _check(user, student, write=write, follow=follow)
    return student


def get_activity_for_user(user: User, pk: int, *, write: bool = False, follow: bool = False) -> Activity:
    activity = Activity.objects.select_related("student__cohort", "student__user").filter(pk=pk).first()
    if activity is None:
        raise Http404
    _check(user, activity.student, write=write, follow=follow)
    return activity


def get_evidence_for_user(user: User, pk: int, *, write: bool = False) -> Evidence:
    evidence = Evidence.objects.select_related("activity__student__cohort").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    _check(user, evidence.activity.student, write=write)
    return evidence


def get_internship_for_user(user: User, pk: int, *, write: bool = False) -> InternshipPeriod:
    period = InternshipPeriod.objects.select_related("student__cohort", "student__user").filter(pk=pk).first()
    if period is None:
        raise Http404
    _check(user, period.student, write=write)
    return period


def get_fiche_for_user(user: User, pk: int, *, write: bool = False, follow: bool = False) -> Fiche:
    fiche = (
        Fiche.objects.select_related("student__cohort__exam_session", "student__user", "exam", "kind", "activity")
        .filter(pk=pk)
        .order_by()  # one row: without the default ordering (exam, number), one join less to plan
        .first()
    )
    if fiche is None:
        raise Http404
    _check(user, fiche.student, write=write, follow=follow)
    return fiche


def get_fiche_version_for_user(user: User, fiche_pk: int, version_pk: int) -> FicheVersion:
    fiche = get_fiche_for_user(user, fiche_pk)
    version = FicheVersion.objects.filter(fiche=fiche, pk=version_pk).first()
    if version is None:
        raise Http404
    return version


def get_attestation_to_sign(user: User, pk: int) -> InternshipAttestation:
    """An attestation sent to its named tutor, who alone signs it: a professional account that follows the student.
    Anyone else, the student included, gets 404 (as does the tutor before the student sends it)."""
    record = (
        InternshipAttestation.objects.select_related("period__student__cohort__establishment", "period__student__user")
        .filter(pk=pk, tutor_user_id=user.pk)
        .exclude(state=AttestationState.DRAFT)
        .first()
    )
    if record is None or not is_professional(user):
        raise Http404
    student = record.period.student
    if student.user_id == user.pk or not student.professionals.filter(pk=user.pk).exists():
        raise Http404
    return record
