"""Which compétences each candidate of a commission is assessed on (domain §6, §9).

E4 situation B assesses « Négocier et accompagner la relation-client » **or** « Organiser et animer un évènement
commercial », by the kind of the fiche the commission chose (``assesses_one_of`` in the référentiel data). The choice
is never stored apart: it is read from what the commission recorded, in this order:

1. the candidate's fiche sujet (``SubjectSheet.dossier_fiche.fiche.kind``) for the situation that has one;
2. failing that, the fiche named on the evaluation sheet for that situation (``SituationAppraisal.fiche.kind``).

A candidate with neither has an unknown choice (``None``): their profile is « non encore fixé » on the choice
compétences, never « à compléter ». An exam without a choice (E6) assesses every compétence of every candidate.

The profiles page, the grid pages and the V–4 PDF all ask ``assessed_competencies``: a fixed number of queries
whatever the number of candidates (none for an exam without a choice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from certification.commissions.models import Commission, SubjectSheet
from certification.evaluation.models import SituationAppraisal
from referentiel.exams import ExamDefinition
from referentiel.models import Competency

PENDING_MESSAGE = "compétence de la situation {situations} non encore fixée (fiche sujet ou fiche d'évaluation)"


class _Ordered(Protocol):
    pk: int
    order: int


def definition(commission: Commission) -> ExamDefinition | None:
    return commission.exam.definition


def fiche_choices(commission: Commission, student_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """``{student id: {situation code: kind code of the fiche used there}}`` for the situations with a choice.

    Two queries (fiche sujet, then evaluation sheets); none when the exam has no choice. Students without any
    recorded choice are left out.
    """
    found: dict[int, dict[str, str]] = {}
    exam = definition(commission)
    ids = list(student_ids)
    if exam is None or exam.choice_situation is None or not ids:
        return found
    choice_codes = [situation.code for situation in exam.situations if situation.has_choice]
    subject = exam.subject_situation
    if subject is not None and subject.has_choice:
        sheets = SubjectSheet.objects.filter(commission=commission, student_id__in=ids).order_by()
        for student_id, kind in sheets.values_list("student_id", "dossier_fiche__fiche__kind__code"):
            if kind:
                found.setdefault(student_id, {})[subject.code] = kind
    appraisals = SituationAppraisal.objects.filter(
        sheet__commission=commission,
        sheet__student_id__in=ids,
        situation__code__in=choice_codes,
        fiche__isnull=False,
    ).order_by()
    for student_id, code, kind in appraisals.values_list("sheet__student_id", "situation__code", "fiche__kind__code"):
        found.setdefault(student_id, {}).setdefault(code, kind)  # the fiche sujet, when there is one, wins
    return found


def exam_competencies(commission: Commission) -> list[Competency]:
    return list(Competency.objects.filter(block_id=commission.exam.block_id).order_by("order"))


def assessed_competencies(
    commission: Commission,
    student_ids: Sequence[int],
    competencies: Sequence[_Ordered] | None = None,
    *,
    choices: dict[int, dict[str, str]] | None = None,
) -> dict[int, tuple[int, ...] | None]:
    """``{student id: ids of the compétences the candidate is assessed on, in order | None}`` (``None``: a choice
    is not fixed yet). ``competencies``: the exam's compétences when the caller has them (one query otherwise);
    ``choices``: ``fiche_choices`` when the caller has read them."""
    if competencies is None:
        competencies = exam_competencies(commission)
    by_order = {competency.order: competency.pk for competency in competencies}
    every = tuple(competency.pk for competency in sorted(competencies, key=lambda c: c.order))
    exam = definition(commission)
    if exam is None or exam.choice_situation is None:
        return {student_id: every for student_id in student_ids}
    if choices is None:
        choices = fiche_choices(commission, student_ids)
    assessed: dict[int, tuple[int, ...] | None] = {}
    for student_id in student_ids:
        orders = exam.assessed_orders(choices.get(student_id, {}))
        assessed[student_id] = None if orders is None else tuple(by_order[o] for o in orders if o in by_order)
    return assessed


def choice_competency_ids(commission: Commission, competencies: Sequence[_Ordered]) -> tuple[int, ...]:
    """The compétences assessed only for some candidates (by the fiche chosen), in order."""
    exam = definition(commission)
    orders = set(exam.choice_orders()) if exam is not None else set()
    return tuple(c.pk for c in sorted(competencies, key=lambda c: c.order) if c.order in orders)


def pending_situations(commission: Commission, student_choices: dict[str, str] | None) -> tuple[str, ...]:
    """Codes of the situations whose fiche (hence compétence) is not fixed yet for a candidate."""
    exam = definition(commission)
    return exam.unknown_choices(student_choices or {}) if exam is not None else ()


def pending_message(situations: Sequence[str]) -> str:
    """« compétence de la situation B non encore fixée (fiche sujet ou fiche d'évaluation) »."""
    return PENDING_MESSAGE.format(situations=", ".join(situations))
