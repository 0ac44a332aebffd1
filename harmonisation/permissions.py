"""Who may see what of the académie's harmonisation.

- The inspection (``AcademieMembership``) reads the aggregates of its académies and, one at a time and logged, the
  file of a candidate of an establishment of those académies. Anything else: 404 (another académie never shows).
- The establishment roles never reach these pages (404), except the answer to a request, which belongs to the
  commission's responsible teacher alone (another teacher of the establishment: 403; elsewhere: 404), and the
  sending of an establishment's marks, which belongs to its administrators and to the responsible of one of its
  commissions of that exam (another teacher: 403; the inspection and everyone else: 404).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Academie, AcademieMembership, Establishment, User
from accounts.permissions import admin_establishment_ids, staff_establishment_ids
from certification.models import CandidateResult, Commission
from harmonisation.models import HarmonisationRequest
from referentiel.models import Exam, ExamSession

SEND_ONLY = (
    "Seul·es l'administration de l'établissement et le ou la responsable de la commission transmettent les notes "
    "à l'académie."
)


def academie_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.get("_academie_ids")
    if cache is None:
        cache = set(AcademieMembership.objects.filter(user=user).values_list("academie_id", flat=True))
        user.__dict__["_academie_ids"] = cache
    return cache


def is_inspector(user: User) -> bool:
    return bool(academie_ids(user))


def require_inspector(user: User) -> None:
    if not is_inspector(user):
        raise Http404


def get_academie_for_inspector(user: User, pk: int) -> Academie:
    if pk not in academie_ids(user):
        raise Http404
    return Academie.objects.get(pk=pk)


def get_result_for_inspector(user: User, pk: int) -> CandidateResult:
    """A candidate's result in an establishment of the inspector's académies."""
    try:
        return CandidateResult.objects.select_related(
            "student__cohort__establishment",
            "commission__exam",
            "commission__session",
            "commission__cohort__establishment",
        ).get(pk=pk, commission__cohort__establishment__academie_id__in=academie_ids(user))
    except CandidateResult.DoesNotExist:
        raise Http404 from None


def get_commission_for_inspector(user: User, pk: int) -> Commission:
    try:
        return Commission.objects.select_related("cohort__establishment", "exam", "session").get(
            pk=pk, cohort__establishment__academie_id__in=academie_ids(user)
        )
    except Commission.DoesNotExist:
        raise Http404 from None


def get_request_for_responsible(user: User, pk: int) -> HarmonisationRequest:
    """The request's commission's responsible answers; the establishment's other staff see a 403, others a 404."""
    try:
        request = HarmonisationRequest.objects.select_related(
            "commission__exam", "commission__session", "commission__cohort", "student__user"
        ).get(pk=pk, commission__cohort__establishment_id__in=staff_establishment_ids(user))
    except HarmonisationRequest.DoesNotExist:
        raise Http404 from None
    if request.commission.responsible_id != user.pk:
        raise PermissionDenied("Seul·e le ou la responsable de la commission répond à une demande d'harmonisation.")
    return request


def can_send_marks(user: User, establishment_id: int, session_id: int, exam_id: int) -> bool:
    """The establishment's administrators, and the responsible of one of its commissions of that exam and session."""
    if establishment_id in admin_establishment_ids(user):
        return True
    return Commission.objects.filter(
        cohort__establishment_id=establishment_id, session_id=session_id, exam_id=exam_id, responsible=user
    ).exists()


def get_send_scope(user: User, establishment: int, session: int, exam: int) -> tuple[Establishment, ExamSession, Exam]:
    """An establishment's marks to send: its staff only (404 elsewhere, and for an establishment of no académie);
    among them its administrators and the commission's responsible (403 for the other teachers)."""
    if establishment not in staff_establishment_ids(user):
        raise Http404
    the_establishment = Establishment.objects.filter(pk=establishment, academie__isnull=False).first()
    the_session = ExamSession.objects.filter(pk=session).first()
    the_exam = Exam.objects.filter(pk=exam, ccf=True).first()
    if the_establishment is None or the_session is None or the_exam is None:
        raise Http404
    if the_exam.version_id != the_session.version_id:
        raise Http404
    if not can_send_marks(user, establishment, session, exam):
        raise PermissionDenied(SEND_ONLY)
    return the_establishment, the_session, the_exam


def sendable_establishment_ids(user: User) -> set[int]:
    """Establishments of an académie whose marks the user may send for at least one exam (the list page)."""
    if not user.is_authenticated:
        return set()
    responsible = Commission.objects.filter(responsible=user).values_list("cohort__establishment_id", flat=True)
    ids = admin_establishment_ids(user) | set(responsible)
    return set(Establishment.objects.filter(pk__in=ids, academie__isnull=False).values_list("pk", flat=True))
