"""The responsible teacher's « À faire » items — open harmonisation requests, marks to send — registered into
``certification.evaluation.selectors.todo`` (a lower app: it never imports this one)."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from accounts.models import User
from certification.evaluation.selectors import todo as certification_todo
from certification.evaluation.selectors.todo_item import TodoItem
from certification.models import Commission, Deliberation, Reopening
from harmonisation.models import HarmonisationRequest, MarksDispatch

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


SEND_KIND = "harmonisation_send"
SEND_LABEL = "Notes à transmettre à l'académie"


def _commissions_to_send(user: User | int) -> QuerySet[Commission]:
    """The user's commissions (as responsible) deliberated, of an establishment of an académie, whose marks were
    never sent, or re-deliberated after the latest send; none while a reopened result awaits its deliberation."""
    last_sent = (
        MarksDispatch.objects.filter(
            establishment=OuterRef("cohort__establishment"), session=OuterRef("session"), exam=OuterRef("exam")
        )
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )
    redeliberated = Reopening.objects.filter(
        commission=OuterRef("pk"), closed_on__isnull=False, reopened_at__gt=OuterRef("last_sent")
    )
    open_reopening = Reopening.objects.filter(commission=OuterRef("pk"), closed_on__isnull=True)
    return (
        Commission.objects.filter(responsible=user, cohort__establishment__academie__isnull=False)
        .filter(Exists(Deliberation.objects.filter(commission=OuterRef("pk"))))
        .annotate(last_sent=Subquery(last_sent))
        .filter(Q(last_sent__isnull=True) | Exists(redeliberated))
        .exclude(Exists(open_reopening))
    )


def send_items(user: User, commissions: dict[int, Commission]) -> list[TodoItem]:
    if not any(c.responsible_id == user.pk and c.cohort.establishment.academie_id for c in commissions.values()):
        return []
    found = []
    for commission in _commissions_to_send(user).select_related("exam", "session", "cohort").order_by("pk"):
        args = [commission.cohort.establishment_id, commission.session_id, commission.exam_id]
        found.append(
            TodoItem(
                kind=SEND_KIND,
                label=f"{SEND_LABEL} : {commission.exam.code} session {commission.session.year}",
                url=reverse("harmonisation:send", args=args),
                commission=commission,
                detail="Délibération enregistrée : transmettez les notes pour le jury final.",
            )
        )
    return found


def register() -> None:
    certification_todo.register_source(KIND, LABEL, items, _open_requests)
    certification_todo.register_source(SEND_KIND, SEND_LABEL, send_items, _commissions_to_send)
