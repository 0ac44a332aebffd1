"""The steps that block the commissions a person manages, as to-do items with a count and the page where each is done.

A commission's responsible teacher and the establishment's administrators manage it: they inform the candidates,
record readiness and « absence de dépôt », see that marks are given and sheets signed; the administration records the
deliberation. Each line of ``selectors.progress`` with candidates left becomes one item; a commission where nothing
remains becomes « Délibération à enregistrer ». All the person's commissions are read at once: the number of queries
does not grow with commissions or candidates.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from accounts.models import Cohort, Membership, Student, User
from accounts.permissions import admin_establishment_ids
from certification.commissions.models import (
    Commission,
    Convocation,
    Passage,
    Readiness,
    Situation,
    SituationStep,
    UninformedAssessment,
)
from certification.dossiers.models import ConformityCheck, Dossier
from certification.evaluation.models import Absence, CandidateResult, Deliberation, Reopening
from certification.evaluation.selectors import progress
from certification.evaluation.selectors.todo_item import STEP, TodoItem
from lib import generations

# The navigation keeps each person's count of blocking steps under this generation (``lib.generations``). It is
# raised by every save or deletion of what ``blocking_steps`` reads (a test compares this list with the tables its
# queries name): the commissions a person manages (memberships, commissions, their cohorts' establishments), then
# ``selectors.progress``. Users, exams and sessions are read for the items' names and order only: no count depends
# on them (and every login saves its user).
GENERATION = "lifecycle-steps"
LABELS_ONLY = ("accounts.User", "referentiel.Exam", "referentiel.ExamSession")
READ_MODELS = (
    Membership,
    Commission,
    Cohort,
    Student,
    Situation,
    SituationStep,
    Readiness,
    Dossier,
    ConformityCheck,
    Passage,
    Convocation,
    UninformedAssessment,
    CandidateResult,
    Absence,
    Deliberation,
    Reopening,
)

# Where each step is done: the commission page's section, or the page of the step.
_STEP_PAGES = {
    progress.INFORM: ("certification:commission_detail", "#situations"),
    progress.READINESS: ("certification:commission_detail", "#etudiants"),
    progress.DOSSIER: ("certification:commission_detail", "#etudiants"),
    progress.ABSENCE: ("certification:planning", ""),
    progress.MARK: ("certification:profiles", ""),
    progress.CONFORMITY: ("certification:commission_detail", "#etudiants"),
    progress.SIGNATURE: ("certification:commission_detail", "#etudiants"),
}
NAMES_SHOWN = 3


def managed_commissions(user: User) -> list[Commission]:
    admin_of = admin_establishment_ids(user)
    return list(
        Commission.objects.filter(Q(responsible=user) | Q(cohort__establishment_id__in=admin_of))
        .select_related("exam", "cohort", "session")
        .order_by("-session__year", "cohort__name", "exam__code", "pk")
    )


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} et {more} autre{'s' if more > 1 else ''}" if more > 0 else shown


def _step_item(commission: Commission, line: progress.Remaining) -> TodoItem:
    name, anchor = _STEP_PAGES[line.step]
    return TodoItem(
        kind=STEP,
        label=line.label,
        url=reverse(name, args=[commission.pk]) + anchor,
        commission=commission,
        detail=_names(line.names),
        count=line.count,
    )


def _deliberation_item(commission: Commission, state: progress.Progress, admin_of: set[int]) -> TodoItem:
    if commission.cohort.establishment_id in admin_of:
        url, detail = reverse("certification:deliberation", args=[commission.pk]), ""
    else:
        url = reverse("certification:commission_detail", args=[commission.pk]) + "#etat"
        detail = "Enregistrée par l'administration de l'établissement."
    label = "Nouvelle délibération à enregistrer" if state.deliberated else "Délibération du jury à enregistrer"
    count = len(state.reopened) if state.deliberated else None
    return TodoItem(kind=STEP, label=label, url=url, commission=commission, detail=detail, count=count)


def blocking_steps(user: User) -> list[TodoItem]:
    """Every blocking step of the commissions ``user`` manages, in lifecycle order per commission."""
    if not user.is_authenticated:
        return []
    commissions = managed_commissions(user)
    states = progress.commissions_progress(commissions)
    admin_of = admin_establishment_ids(user)
    items = []
    for commission in commissions:
        state = states[commission.pk]
        if state.deliberated is None or state.reopened:
            items += [_step_item(commission, line) for line in state.remaining if line.count]
        if state.ready_to_deliberate:
            items.append(_deliberation_item(commission, state, admin_of))
    return items


def blocking_count(user: User) -> int:
    """``len(blocking_steps(user))``, kept per person until a commission writes again: the navigation shows it on
    every staff page, and computing it compiles fourteen queries (13 ms on a teacher's page, more than half of it)."""
    if not user.is_authenticated:
        return 0
    return generations.memo((GENERATION,), f"blocking-steps:{user.pk}", lambda: len(blocking_steps(user)))
