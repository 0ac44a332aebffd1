"""Once the evaluation sheet is signed, the candidate's grid and result are locked.

A change then needs an explicit reopening by the commission's responsible member, with a reason (audited).
Every write on grids, profiles, marks and the evaluation sheet calls ``ensure_unlocked`` first.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import Commission
from certification.evaluation.models import CandidateResult
from lib.refusals import Refused

LOCKED_MESSAGE = (
    "La fiche d'évaluation de ce candidat est signée : grille et note sont verrouillées. "
    "Le ou la responsable de la commission peut les rouvrir en indiquant un motif."
)


class Locked(Refused):
    def __init__(self, message: str = LOCKED_MESSAGE) -> None:
        super().__init__(message)


def is_locked(commission: Commission, student: Student) -> bool:
    return CandidateResult.objects.filter(commission=commission, student=student, locked_at__isnull=False).exists()


def ensure_unlocked(commission: Commission, student: Student) -> None:
    """Signed (locked) or deliberated (frozen, not reopened): every write on the candidate is refused."""
    from certification.evaluation.services.freezing import ensure_writable

    if is_locked(commission, student):
        raise Locked()
    ensure_writable(commission, student)


def lock(commission: Commission, student: Student, *, actor: User) -> CandidateResult:
    """Called when the evaluation sheet carries every required signature."""
    with transaction.atomic():
        result, _ = CandidateResult.objects.select_for_update().get_or_create(commission=commission, student=student)
        if result.locked_at is None:
            result.locked_at = timezone.now()
            result.save(update_fields=["locked_at", "updated_at"])
            log_action("result.locked", actor=actor, obj=result, establishment_id=commission.cohort.establishment_id)
    return result


def reopen(commission: Commission, student: Student, *, actor: User, reason: str) -> CandidateResult:
    """Only the responsible member may reopen; the signatures are then void and must be given again."""
    from certification.evaluation.models import Signature

    if commission.responsible_id != actor.pk:
        raise PermissionError("Seul·e le ou la responsable de la commission peut rouvrir une grille signée.")
    if not reason.strip():
        raise ValueError("Indiquez le motif de la réouverture.")
    with transaction.atomic():
        result = CandidateResult.objects.select_for_update().get(commission=commission, student=student)
        if result.locked_at is None:
            return result
        result.locked_at = None
        result.save(update_fields=["locked_at", "updated_at"])
        removed = Signature.objects.filter(sheet__commission=commission, sheet__student=student)
        signers = list(removed.values_list("member__user__username", flat=True))
        removed.delete()
        log_action(
            "result.reopened",
            actor=actor,
            obj=result,
            establishment_id=commission.cohort.establishment_id,
            changes={"reason": reason.strip(), "signatures_removed": signers},
        )
    return result
