"""« Convocations non remises » in the to-do (the commission's responsible): one item per commission with its count of
current convocations whose email was refused, given up or left « incertain » (``services.delivery.stopped``),
linking to the commission page where each can be resent or replaced by the letter handed over."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet
from django.urls import reverse

from accounts.models import User
from certification.commissions.models import Commission, CommissionMember, Convocation
from certification.commissions.services.delivery import stopped
from certification.evaluation.selectors.todo_item import DELIVERY, KIND_LABELS, TodoItem

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Undelivered(TypedDict):
    undelivered_n: int | None


def undelivered_count(commission_ref: str) -> QuerySet[Convocation, dict[str, Any]]:
    """The number of current convocations of the commission ``OuterRef(commission_ref)`` left without a proof."""
    commission = OuterRef(commission_ref)
    return (
        Convocation.objects.filter(stopped())
        .filter(Q(step__situation__commission_id=commission) | Q(passage__situation__commission_id=commission))
        .order_by()
        # COUNT as a plain function: one aggregate over the subquery's rows, no GROUP BY.
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )


def undelivered_convocations(user: User, seats: list[WithAnnotations[CommissionMember, Undelivered]]) -> list[TodoItem]:
    items = []
    for seat in seats:
        if seat.commission.responsible_id != user.pk or not seat.undelivered_n:
            continue
        n = seat.undelivered_n
        items.append(
            TodoItem(
                kind=DELIVERY,
                label=f"{KIND_LABELS[DELIVERY]} : {n}",
                url=reverse("certification:commission_detail", args=[seat.commission_id]) + "#etudiants",
                commission=seat.commission,
                detail=f"{n} convocation{'s' if n > 1 else ''} refusée{'s' if n > 1 else ''} ou sans confirmation "
                "du serveur de messagerie : renvoyez-la ou remettez la lettre en main propre",
            )
        )
    return items


def delivery_rows(user: int) -> QuerySet[Commission]:
    return Commission.objects.filter(responsible_id=user, members__user_id=user).filter(
        Exists(
            Convocation.objects.filter(stopped()).filter(
                Q(step__situation__commission_id=OuterRef("pk")) | Q(passage__situation__commission_id=OuterRef("pk"))
            )
        )
    )
