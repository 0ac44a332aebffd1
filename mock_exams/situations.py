"""What a CCF blanc may be about and which grid lines it shows, read from the exam model (``referentiel/exams.py``)
and the session rules: no exam code or situation letter is written here.

The grid of a blanc is the certifying grid's data — the same compétences, critères, indicators and levels of the
référentiel version — restricted to the compétences the situation assesses (for a situation with a choice, the one
set by the kind of the fiche used; until a fiche is chosen, every compétence the situation may assess).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Cohort
from referentiel.exams import situation_definition
from referentiel.models import Competency, Exam, Level, SituationRule


@dataclass(frozen=True)
class SituationChoice:
    exam: Exam
    code: str
    title: str
    has_subject_sheet: bool

    @property
    def key(self) -> str:
        return f"{self.exam.pk}:{self.code}"

    @property
    def label(self) -> str:
        return f"{self.exam.code} – situation {self.code} : {self.title}"


def situations_for(cohort: Cohort) -> list[SituationChoice]:
    """The CCF situations of the cohort's exam session, the ones with a fiche sujet first (the usual blanc)."""
    rules = SituationRule.objects.filter(rule__session_id=cohort.exam_session_id, rule__exam__ccf=True).select_related(
        "rule__exam"
    )
    found = []
    for rule in rules.order_by("rule__exam__code", "code"):
        definition = situation_definition(rule.rule.exam, rule.code)
        if definition is not None:
            found.append(SituationChoice(rule.rule.exam, rule.code, rule.title, definition.subject_sheet))
    return sorted(found, key=lambda choice: not choice.has_subject_sheet)


def assessed_orders(exam: Exam, situation_code: str, kind_code: str | None) -> tuple[int, ...]:
    definition = situation_definition(exam, situation_code)
    if definition is None:
        return ()
    orders = definition.assessed_orders(kind_code)
    if orders is None:  # the fiche is not chosen yet: every compétence the situation may assess
        orders = tuple(sorted({*definition.assesses, *definition.choice_orders}))
    return orders


def has_subject_sheet(exam: Exam, situation_code: str) -> bool:
    definition = situation_definition(exam, situation_code)
    return bool(definition and definition.subject_sheet)


def grid_competencies(exam: Exam, orders: tuple[int, ...]) -> list[Competency]:
    """The compétences with their critères and indicators prefetched, in the grid's order."""
    return list(
        Competency.objects.filter(block_id=exam.block_id, order__in=orders)
        .prefetch_related("criteria__indicators")
        .order_by("order")
    )


def levels_of(exam: Exam) -> list[Level]:
    return list(Level.objects.filter(version_id=exam.version_id).order_by("rank"))
