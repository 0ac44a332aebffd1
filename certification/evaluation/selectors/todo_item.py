"""One line of the to-do list, whatever its kind: a step of a whole commission or a candidate's grid, signature or
fiche sujet. The selectors of each kind return these (``selectors.todo.todo_for`` gathers them)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Student
from certification.commissions.models import Commission

STEP = "step"
GRID = "grid"
SIGNATURE = "signature"
SUBJECT = "subject"
DELIVERY = "delivery"
KIND_LABELS = {
    STEP: "Étapes qui bloquent la suite",
    GRID: "Grille à remplir",
    SIGNATURE: "Signature demandée",
    SUBJECT: "Fiche sujet à rédiger",
    DELIVERY: "Convocations non remises",
}


@dataclass(frozen=True)
class TodoItem:
    kind: str
    label: str
    url: str
    commission: Commission
    student: Student | None = None
    detail: str = ""
    count: int | None = None  # a step of a whole commission: how many candidates it waits for

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]
