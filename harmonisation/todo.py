"""The responsible teacher's « À faire » item for open harmonisation requests, registered into
``certification.evaluation.selectors.todo`` (a lower app: it never imports this one)."""

from django.urls import reverse

from accounts.models import User
from certification.evaluation.selectors import todo as certification_todo
from certification.evaluation.selectors.todo_item import TodoItem
from certification.models import Commission
from harmonisation.models import HarmonisationRequest

KIND = "harmonisation"
LABEL = "Demande d'harmonisation"


def _open_requests(user: User | int):
    return HarmonisationRequest.objects.filter(commission__responsible=user, answered_at__isnull=True)


def items(user: User, commissions: dict[int, Commission]) -> list[TodoItem]:
    """No query unless the user is the responsible of a commission of an establishment attached to an académie."""
    if not any(c.responsible_id == user.pk and c.cohort.establishment.academie_id for c in commissions.values()):
        return []
    found = []
    for request in _open_requests(user).select_related("commission__exam", "commission__cohort").order_by("asked_at"):
        about = f"profil {request.profile_key}" if request.student_id is None else "un candidat"
        found.append(
            TodoItem(
                kind=KIND,
                label=f"{LABEL} : revoir {about}",
                url=reverse("harmonisation:answer", args=[request.pk]),
                commission=request.commission,
                detail=request.reason[:140],
            )
        )
    return found


def register() -> None:
    certification_todo.register_source(KIND, LABEL, items, _open_requests)
