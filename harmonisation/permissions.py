"""Who may see what of the académie's harmonisation.

- The inspection (``AcademieMembership``) reads the aggregates of its académies and, one at a time and logged, the
  file of a candidate of an establishment of those académies. Anything else: 404 (another académie never shows).
- The establishment roles never reach these pages (404), except the answer to a request, which belongs to the
  commission's responsible teacher alone (another teacher of the establishment: 403; elsewhere: 404).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Academie, AcademieMembership, User
from accounts.permissions import staff_establishment_ids
from certification.models import CandidateResult, Commission
from harmonisation.models import HarmonisationRequest


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
