"""After the deliberation a candidate's record is frozen: every write checks ``ensure_writable`` first, until the
responsible member reopens it (with a reason, audited). The refusals of the lifecycle are raised from here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import (
    Commission,
)
from certification.evaluation.models import Deliberation, Reopening
from certification.evaluation.services.locking import Locked
from lib.refusals import Refused

FROZEN_MESSAGE = (
    "Le jury a délibéré : notes, fiches d'évaluation et grilles sont figées. Le ou la responsable de la commission "
    "peut rouvrir le résultat d'un candidat en indiquant un motif ; une nouvelle délibération sera alors nécessaire."
)


FROZEN_GROUP_MESSAGE = "Le jury a délibéré : les plages de notation sont figées tant qu'aucun résultat n'a été rouvert."


class LifecycleRefused(Refused):
    """A step taken out of order: the French message says what must come first; nothing was changed."""


class Frozen(Locked):
    """Deliberated and not reopened: a kind of lock, so every view that shows a lock shows this one too."""

    def __init__(self, message: str = FROZEN_MESSAGE) -> None:
        super().__init__(message)


def audit_lifecycle(action: str, commission: Commission, obj: Model, *, actor: User, changes: dict[str, Any]) -> None:
    log_action(action, actor=actor, obj=obj, establishment_id=commission.cohort.establishment_id, changes=changes)


# --- Deliberation and freezing ------------------------------------------------------------------------------------


def deliberation_of(commission: Commission) -> Deliberation | None:
    return Deliberation.objects.filter(commission=commission).first()


def open_reopening(commission: Commission, student: Student | int) -> Reopening | None:
    student_id = student if isinstance(student, int) else student.pk
    return Reopening.objects.filter(commission=commission, student_id=student_id, closed_on__isnull=True).first()


def reopened_student_ids(commission: Commission) -> set[int]:
    return set(
        Reopening.objects.filter(commission=commission, closed_on__isnull=True).values_list("student_id", flat=True)
    )


def frozen_reason(commission: Commission, student: Student | int) -> str | None:
    """Why nothing of this candidate may change now (deliberated, not reopened), or None."""
    if not Deliberation.objects.filter(commission=commission).exists():
        return None
    if open_reopening(commission, student) is not None:
        return None
    return FROZEN_MESSAGE


def ensure_writable(commission: Commission, student: Student | int) -> None:
    reason = frozen_reason(commission, student)
    if reason:
        raise Frozen(reason)


def ensure_ranges_writable(commission: Commission) -> None:
    """Ranges belong to the whole group: frozen after deliberation unless some result has been reopened."""
    if Deliberation.objects.filter(commission=commission).exists() and not reopened_student_ids(commission):
        raise Frozen(FROZEN_GROUP_MESSAGE)


def is_released_to(commission: Commission, student: Student) -> bool:
    """The candidate sees their verso and mark: deliberated, and their result not reopened since."""
    return Deliberation.objects.filter(commission=commission).exists() and open_reopening(commission, student) is None
