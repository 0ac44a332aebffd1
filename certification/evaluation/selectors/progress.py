"""What still holds each commission back, step by step, for many commissions in a fixed number of queries.

The steps follow the lifecycle (``services.lifecycle``): candidates to inform of each situation's date, readiness the
commission has not recorded, dossiers neither deposited nor declared NV, justified absences waiting for a new date,
marks to give, marks « réservée » (conformity or authenticity to check), evaluation sheets to sign, then the
deliberation. The commission page shows one commission's lines; the to-do (``selectors.steps``) lists the lines with
a count for every commission a person manages. The rules are the lifecycle's own: ``final_status_reason`` and the
information rule of ``mark_block_reasons`` (a passage counts by its convocation, else a dated step by an information
or a recorded reason).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone

from accounts.models import Student
from certification.commissions.models import (
    Commission,
    Convocation,
    Passage,
    Readiness,
    Situation,
    SituationStep,
    UninformedAssessment,
)
from certification.dossiers.models import ConformityCheck, ConformityDecision, Dossier, DossierState
from certification.evaluation.models import Absence, AbsenceKind, CandidateResult, Deliberation, Reopening, ResultStatus
from lib.collation import by_name

# The steps, in lifecycle order. The to-do links each to the page where it is done.
INFORM = "inform"
READINESS = "readiness"
DOSSIER = "dossier"
ABSENCE = "absence"
MARK = "mark"
CONFORMITY = "conformity"
SIGNATURE = "signature"


@dataclass
class Remaining:
    """One line of « what remains »: a count, a French sentence and the names concerned."""

    label: str
    names: list[str] = field(default_factory=list)
    step: str = ""
    situation: Situation | None = None

    @property
    def count(self) -> int:
        return len(self.names)


@dataclass
class Progress:
    deliberated: Deliberation | None
    reopened: list[str]
    remaining: list[Remaining]

    @property
    def ready_to_deliberate(self) -> bool:
        """Nothing remains and a (new) deliberation is to be recorded."""
        if self.deliberated is not None and not self.reopened:
            return False
        return not any(item.count for item in self.remaining)

    @property
    def next_step(self) -> str:
        if self.deliberated is not None and not self.reopened:
            return "Délibération enregistrée : résultats communiqués, tout est figé."
        if self.deliberated is not None:
            return "Nouvelle délibération à enregistrer pour les résultats rouverts."
        if any(item.count for item in self.remaining):
            return "Avant la délibération"
        return "Tout est prêt pour la délibération."


@dataclass
class _Read:
    """Everything the progress of a set of commissions reads: one query per kind of row."""

    students: dict[int, list[Student]]  # cohort id → its students, in French order
    situations: dict[int, list[Situation]]  # commission id → its situations by code
    ready: set[tuple[int, int]]  # (situation id, student id)
    dossiers: dict[tuple[int, int, int], Dossier]  # (student, exam, session) → dossier
    decisions: dict[int, str]  # dossier id → last conformity decision
    results: dict[tuple[int, int], CandidateResult]  # (commission, student) → result
    passages: dict[tuple[int, int], Passage]  # (situation, student) → passage
    convoked: set[int]  # passages convoked before they start by their current convocation
    reconvoked: set[int]  # passages with a current convocation (the new date of a justified absence)
    dated: set[int]  # situations with at least one dated step
    informed: set[tuple[int, int]]  # (situation, student) informed of a step, or a reason recorded
    absences: list[Absence]  # justified absences
    deliberations: dict[int, Deliberation]
    reopened: dict[int, set[int]]  # commission id → students whose result is reopened


def _read(commissions: list[Commission]) -> _Read:
    cohort_ids = {c.cohort_id for c in commissions}
    students: dict[int, list[Student]] = defaultdict(list)
    for student in Student.objects.filter(cohort_id__in=cohort_ids).select_related("user").order_by(*by_name()):
        students[student.cohort_id].append(student)
    situations: dict[int, list[Situation]] = defaultdict(list)
    for situation in Situation.objects.filter(commission__in=commissions).order_by("commission_id", "code"):
        situations[situation.commission_id].append(situation)
    situation_ids = Situation.objects.filter(commission__in=commissions).values("pk")
    # Subqueries rather than lists of ids: each query runs whatever was found before it (a fixed count).
    of_students = Dossier.objects.filter(
        student__cohort_id__in=cohort_ids,
        exam_id__in={c.exam_id for c in commissions},
        session_id__in={c.session_id for c in commissions},
    ).order_by()
    dossiers = {(d.student_id, d.exam_id, d.session_id): d for d in of_students}
    decisions: dict[int, str] = {}
    checks = ConformityCheck.objects.filter(dossier__in=of_students.values("pk")).order_by("-decided_at", "-pk")
    for dossier_id, decision in checks.values_list("dossier_id", "decision"):
        decisions.setdefault(dossier_id, decision)
    passages = {
        (p.situation_id, p.student_id): p for p in Passage.objects.filter(situation_id__in=situation_ids).order_by()
    }
    current = Convocation.objects.filter(
        passage__situation__commission__in=commissions, superseded_at__isnull=True
    ).order_by()
    reconvoked, convoked = set(), set()
    in_time = ExpressionWrapper(Q(informed_at__lt=F("passage__starts_at")), output_field=BooleanField())
    for passage_id, before_start in current.annotate(in_time=in_time).values_list("passage_id", "in_time"):
        reconvoked.add(passage_id)
        if before_start:
            convoked.add(passage_id)
    return _Read(
        students=students,
        situations=situations,
        ready=set(Readiness.objects.filter(situation_id__in=situation_ids).values_list("situation_id", "student_id")),
        dossiers=dossiers,
        decisions=decisions,
        results={
            (r.commission_id, r.student_id): r
            for r in CandidateResult.objects.filter(commission__in=commissions).order_by()
        },
        passages=passages,
        convoked=convoked,
        reconvoked=reconvoked,
        # .order_by(): sets, read without the models' default order (and the joins it takes).
        dated=set(
            SituationStep.objects.filter(situation_id__in=situation_ids)
            .order_by()
            .values_list("situation_id", flat=True)
        ),
        informed=set(
            Convocation.objects.filter(step__situation_id__in=situation_ids)
            .order_by()
            .values_list("step__situation_id", "student_id")
        )
        | set(
            UninformedAssessment.objects.filter(step__situation_id__in=situation_ids)
            .order_by()
            .values_list("step__situation_id", "student_id")
        ),
        absences=list(
            Absence.objects.filter(situation_id__in=situation_ids, kind=AbsenceKind.JUSTIFIED)
            .select_related("situation")
            .order_by()
        ),
        deliberations={d.commission_id: d for d in Deliberation.objects.filter(commission__in=commissions)},
        reopened=_reopened(commissions),
    )


def _reopened(commissions: list[Commission]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = (
        Reopening.objects.filter(commission__in=commissions, closed_on__isnull=True)
        .order_by()
        .values_list("commission_id", "student_id")
    )
    for commission_id, student_id in rows:
        found[commission_id].add(student_id)
    return found


def _informed(read: _Read, situation: Situation, student: Student) -> bool | None:
    """The information rule of ``lifecycle._Information.reason``; None when no date is set yet (nothing to inform)."""
    passage = read.passages.get((situation.pk, student.pk))
    if passage is not None:
        return passage.pk in read.convoked
    if situation.pk not in read.dated:
        return None
    return (situation.pk, student.pk) in read.informed


def _pending_absences(read: _Read, commission: Commission) -> set[int]:
    """``absences.pending_new_date`` for the commission's justified absences, from the rows already read."""
    found = set()
    for absence in read.absences:
        if absence.situation.commission_id != commission.pk:
            continue
        passage = read.passages.get((absence.situation_id, absence.student_id))
        if (
            passage is None
            or timezone.localtime(passage.starts_at).date() <= absence.absent_on
            or passage.pk not in read.reconvoked
        ):
            found.add(absence.student_id)
    return found


def _final_status_step(result: CandidateResult | None) -> str | None:
    """Which step the candidate's missing final status waits for (``lifecycle.final_status_reason``), or None."""
    if result is None or result.status == ResultStatus.PENDING:
        return MARK
    if result.status == ResultStatus.RESERVED:
        return CONFORMITY
    if result.status == ResultStatus.MARK and result.locked_at is None:
        return SIGNATURE
    return None


FINAL_STEPS = {
    MARK: "Note ou statut à donner (note, NV ou absent)",
    CONFORMITY: "Note réservée : conformité ou authenticité du dossier à vérifier",
    SIGNATURE: "Fiche d'évaluation à signer par le jury",
}


def _progress(read: _Read, commission: Commission) -> Progress:
    students = read.students.get(commission.cohort_id, [])
    situations = read.situations.get(commission.pk, [])
    names = {student.pk: str(student) for student in students}
    remaining = [
        Remaining(
            f"Candidat·e·s à informer officiellement de la date (situation {situation.code})",
            [str(s) for s in students if _informed(read, situation, s) is False],
            INFORM,
            situation,
        )
        for situation in situations
    ]
    remaining += [
        Remaining(
            f"Aptitude à être évalué·e non enregistrée (situation {situation.code})",
            [str(s) for s in students if (situation.pk, s.pk) not in read.ready],
            READINESS,
            situation,
        )
        for situation in situations
    ]
    missing = []
    for student in students:
        dossier = read.dossiers.get((student.pk, commission.exam_id, commission.session_id))
        nv = dossier is not None and read.decisions.get(dossier.pk) == ConformityDecision.NOT_VALID
        if not nv and (dossier is None or dossier.state != DossierState.SUBMITTED):
            missing.append(str(student))
    remaining.append(Remaining("Dossier non déposé, sans NV enregistré", missing, DOSSIER))
    pending = _pending_absences(read, commission)
    remaining.append(
        Remaining("Absence justifiée : nouvelle date à fixer et convoquer", [names[pk] for pk in pending], ABSENCE)
    )
    finals: dict[str, list[str]] = {step: [] for step in FINAL_STEPS}
    for student in students:
        step = None if student.pk in pending else _final_status_step(read.results.get((commission.pk, student.pk)))
        if step:
            finals[step].append(str(student))
    remaining += [Remaining(label, finals[step], step) for step, label in FINAL_STEPS.items()]
    reopened = [names.get(pk, "") for pk in read.reopened.get(commission.pk, set())]
    return Progress(read.deliberations.get(commission.pk), reopened, remaining)


def commissions_progress(commissions: list[Commission]) -> dict[int, Progress]:
    """``{commission id: progress}``, in a fixed number of queries whatever the number of commissions and candidates."""
    if not commissions:
        return {}
    read = _read(commissions)
    return {commission.pk: _progress(read, commission) for commission in commissions}


def _dossier_missing(read: _Read, commission: Commission, student: Student) -> bool:
    dossier = read.dossiers.get((student.pk, commission.exam_id, commission.session_id))
    nv = dossier is not None and read.decisions.get(dossier.pk) == ConformityDecision.NOT_VALID
    return not nv and (dossier is None or dossier.state != DossierState.SUBMITTED)


def blocking_by_student(read: _Read, commission: Commission) -> dict[int, set[str]]:
    """``{student id: the steps the to-do counts them in}``, by the rules of ``_progress`` (a test keeps them equal)."""
    situations = read.situations.get(commission.pk, [])
    pending = _pending_absences(read, commission)
    found: dict[int, set[str]] = {}
    for student in read.students.get(commission.cohort_id, []):
        steps = set()
        if any(_informed(read, situation, student) is False for situation in situations):
            steps.add(INFORM)
        if any((situation.pk, student.pk) not in read.ready for situation in situations):
            steps.add(READINESS)
        if _dossier_missing(read, commission, student):
            steps.add(DOSSIER)
        if student.pk in pending:
            steps.add(ABSENCE)
        else:
            final = _final_status_step(read.results.get((commission.pk, student.pk)))
            if final:
                steps.add(final)
        found[student.pk] = steps
    return found


def read_commission(commission: Commission) -> _Read:
    """What the to-do reads of one commission, for the candidate rows of ``selectors.candidates``."""
    return _read([commission])
