"""The certification lifecycle of a candidate, as explicit states with their invariants, in one place.

For each candidate of a commission, in order:

1. **ready** — the commission judged the candidate ready to be assessed in a situation (``Readiness``; domain §6).
   Missing readiness is *warned* on the B planning and the A grid, never blocking: the judgement is the
   commission's, the software only reminds it.
2. **informed and dossier** — informed officially of the date of each situation (or a reason recorded) and a
   dossier deposited — or an NV recorded (« absence de dépôt » included, even for a student who never opened a
   dossier). Before that, no mark (nor « réservée ») can be entered.
3. **absent** — justified (with its private document): a new date must be planned and convoked (the passage is
   moved); unjustified: the consequence the session's rules give (``ExamSession.unjustified_absence``).
4. **final status** — a mark on a sheet carrying every required signature (locked), NV, or absent.
5. **deliberated** — only when every candidate has a final status, and not dated before the last situation nor in
   the future. From then on marks, sheets, grids and ranges are frozen; a change needs a formal reopening by the
   responsible teacher with a reason (audited, the candidate told), then a new deliberation.

Every write on grids, results, ranges and sheets asks ``ensure_writable``; the result writes ask
``mark_block_reason``; ``record_deliberation`` asks ``deliberation_blockers``. Views only show the reasons.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import Student, User
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
from certification.evaluation.services.absences import pending_new_date
from certification.evaluation.services.freezing import (
    LifecycleRefused,
    audit_lifecycle,
    ensure_writable,
    open_reopening,
    reopened_student_ids,
)
from lib.collation import by_name
from lib.french import de

# --- Before a mark: informed, dossier -----------------------------------------------------------------------------


def dossier_of(commission: Commission, student: Student) -> Dossier | None:
    return Dossier.objects.filter(student=student, exam_id=commission.exam_id, session_id=commission.session_id).first()


def conformity_of(dossier: Dossier | None) -> str | None:
    """The decision of the dossier's last conformity check, or None."""
    if dossier is None:
        return None
    return (
        ConformityCheck.objects.filter(dossier=dossier)
        .order_by("-decided_at", "-pk")
        .values_list("decision", flat=True)
        .first()
    )


@dataclass
class _Information:
    """What the information rule reads for a set of candidates, in a fixed number of queries."""

    situations: list[Situation]
    passages: dict[tuple[int, int], Passage]  # (situation id, student id) → passage
    convoked: set[int]  # passages whose current convocation was sent before they start
    steps: dict[int, list[SituationStep]]  # situation id → its dated steps, first first
    informed: set[tuple[int, int]]  # (situation id, student id) informed of a step, or a reason recorded

    @classmethod
    def read(cls, commission: Commission, student_ids: list[int]) -> _Information:
        situations = list(commission.situations.order_by("code"))
        passages = {
            (p.situation_id, p.student_id): p
            for p in Passage.objects.filter(situation__in=situations, student_id__in=student_ids)
        }
        convoked = set(
            Convocation.objects.filter(
                passage__in=list(passages.values()), superseded_at__isnull=True, informed_at__lt=F("passage__starts_at")
            ).values_list("passage_id", flat=True)
        )
        steps: dict[int, list[SituationStep]] = defaultdict(list)
        for step in SituationStep.objects.filter(situation__in=situations).order_by("date", "pk"):
            steps[step.situation_id].append(step)
        informed = set(
            Convocation.objects.filter(step__situation__in=situations, student_id__in=student_ids).values_list(
                "step__situation_id", "student_id"
            )
        ) | set(
            UninformedAssessment.objects.filter(step__situation__in=situations, student_id__in=student_ids).values_list(
                "step__situation_id", "student_id"
            )
        )
        return cls(situations, passages, convoked, steps, informed)

    def reason(self, situation: Situation, student: Student) -> str | None:
        """Why the candidate is not (yet) informed of the date of ``situation``, or None."""
        from certification.commissions.services.informed import assessment_block_reason

        passage = self.passages.get((situation.pk, student.pk))
        if passage is not None:
            return None if passage.pk in self.convoked else assessment_block_reason(student, passage)
        steps = self.steps.get(situation.pk)
        if not steps:
            return (
                f"Situation {situation.code} : aucune date n'est fixée pour {student} ; planifiez-la et informez-le "
                "ou la."
            )
        if (situation.pk, student.pk) in self.informed:
            return None
        return assessment_block_reason(student, steps[0])


def situation_uninformed_reason(situation: Situation, student: Student) -> str | None:
    """Why the candidate is not (yet) informed of the date of ``situation``, or None."""
    return _Information.read(situation.commission, [student.pk]).reason(situation, student)


def _dossiers_and_decisions(
    commission: Commission, student_ids: list[int]
) -> tuple[dict[int, Dossier], dict[int, str]]:
    """The candidates' dossiers for the commission's exam and session, and each one's last conformity decision."""
    dossiers = {
        d.student_id: d
        for d in Dossier.objects.filter(
            exam_id=commission.exam_id, session_id=commission.session_id, student_id__in=student_ids
        )
    }
    decisions: dict[int, str] = {}
    checks = ConformityCheck.objects.filter(dossier__in=list(dossiers.values())).order_by("-decided_at", "-pk")
    for student_id, decision in checks.values_list("dossier__student_id", "decision"):
        decisions.setdefault(student_id, decision)
    return dossiers, decisions


def mark_block_reasons(commission: Commission, wanted: dict[Student, str]) -> dict[int, str]:
    """``{student id: why}`` for the candidates who cannot be given the status wanted now (French); the others are
    left out. A fixed number of queries, whatever the number of candidates (the profiles page saves a class at once).

    A mark (or « réservée ») needs the candidate informed of every situation's date and a deposited dossier that is
    not NV. « Absent » comes only from an unjustified absence recorded; NV and « à noter » need nothing.
    """
    checked = {s: status for s, status in wanted.items() if status in (ResultStatus.MARK, ResultStatus.RESERVED)}
    absent = [s for s, status in wanted.items() if status == ResultStatus.ABSENT]
    found: dict[int, str] = {}
    if absent:
        recorded = set(
            Absence.objects.filter(
                situation__commission=commission, student__in=absent, kind=AbsenceKind.UNJUSTIFIED
            ).values_list("student_id", flat=True)
        )
        for student in absent:
            if student.pk not in recorded:
                found[student.pk] = (
                    f"{student} : « Absent » se déduit d'une absence non justifiée enregistrée (page « Absence » du "
                    "candidat), pas d'un motif saisi ici."
                )
    if not checked:
        return found
    ids = [student.pk for student in checked]
    dossiers, decisions = _dossiers_and_decisions(commission, ids)
    information = _Information.read(commission, ids)
    for student in checked:
        dossier = dossiers.get(student.pk)
        if decisions.get(student.pk) == ConformityDecision.NOT_VALID:
            found[student.pk] = (
                f"{student} : le dossier a été déclaré non valide (NV) ; seul le statut « NV » peut être donné."
            )
        elif dossier is None or dossier.state != DossierState.SUBMITTED:
            found[student.pk] = (
                f"{student} : aucun dossier déposé. Une note ne peut être saisie qu'après le dépôt du dossier, ou "
                "l'enregistrement d'un NV (« absence de dépôt »)."
            )
        else:
            reason = next(filter(None, (information.reason(s, student) for s in information.situations)), None)
            if reason:
                found[student.pk] = f"Avant toute note : {reason}"
    return found


def mark_block_reason(commission: Commission, student: Student, status: str) -> str | None:
    """``mark_block_reasons`` for one candidate."""
    return mark_block_reasons(commission, {student: status}).get(student.pk)


def frozen_student_ids(commission: Commission, student_ids: Iterable[int]) -> set[int]:
    """The candidates among ``student_ids`` whose result is frozen (deliberated, not reopened), in two queries."""
    if not Deliberation.objects.filter(commission=commission).exists():
        return set()
    return set(student_ids) - reopened_student_ids(commission)


# --- Readiness ----------------------------------------------------------------------------------------------------


def record_readiness(
    *, situation: Situation, student: Student, decided_on: datetime.date, grounds: str, actor: User
) -> Readiness:
    commission = situation.commission
    ensure_writable(commission, student)
    grounds = grounds.strip()
    if not grounds:
        raise LifecycleRefused("Indiquez sur quoi la commission fonde son jugement (formation, expérience, dossier).")
    if decided_on > timezone.localdate():
        raise LifecycleRefused("La date de la décision ne peut pas être dans le futur.")
    refusal = commission.session.date_refusal(decided_on, "La décision")
    if refusal:
        raise LifecycleRefused(refusal)
    with transaction.atomic():
        readiness, created = Readiness.objects.select_for_update().get_or_create(
            situation=situation,
            student=student,
            defaults={"decided_on": decided_on, "grounds": grounds, "recorded_by": actor},
        )
        before = None if created else [readiness.decided_on.isoformat(), readiness.grounds]
        if not created:
            readiness.decided_on, readiness.grounds, readiness.recorded_by = decided_on, grounds, actor
            readiness.save(update_fields=["decided_on", "grounds", "recorded_by"])
        audit_lifecycle(
            "readiness.recorded",
            commission,
            readiness,
            actor=actor,
            changes={
                "student": str(student),
                "situation": situation.code,
                "before": before,
                "after": [decided_on.isoformat(), grounds],
            },
        )
    return readiness


def withdraw_readiness(*, situation: Situation, student: Student, actor: User) -> bool:
    commission = situation.commission
    ensure_writable(commission, student)
    with transaction.atomic():
        readiness = Readiness.objects.select_for_update().filter(situation=situation, student=student).first()
        if readiness is None:
            return False
        audit_lifecycle(
            "readiness.withdrawn",
            commission,
            commission,
            actor=actor,
            changes={"student": str(student), "situation": situation.code, "grounds": readiness.grounds},
        )
        readiness.delete()
    return True


# --- Final statuses and the deliberation --------------------------------------------------------------------------


def final_status_reason(result: CandidateResult | None, student: Student, pending_absence: bool) -> str | None:
    """Why the candidate has no final status yet (French), or None."""
    if pending_absence:
        return f"{student} : absence justifiée, la nouvelle date n'est pas encore fixée et convoquée."
    if result is None or result.status == ResultStatus.PENDING:
        return f"{student} : pas encore de note ni de statut."
    if result.status == ResultStatus.RESERVED:
        return f"{student} : note réservée (conformité ou authenticité en cours de vérification)."
    if result.status == ResultStatus.MARK and result.locked_at is None:
        return f"{student} : la fiche d'évaluation n'est pas signée par le jury."
    return None


def last_situation_date(commission: Commission) -> datetime.date | None:
    step = SituationStep.objects.filter(situation__commission=commission).aggregate(last=Max("date"))["last"]
    passage = Passage.objects.filter(situation__commission=commission).aggregate(last=Max("starts_at"))["last"]
    dates = [d for d in (step, timezone.localtime(passage).date() if passage else None) if d is not None]
    return max(dates) if dates else None


def _pending_absences(commission: Commission, student_ids: Iterable[int]) -> set[int]:
    absences = Absence.objects.filter(
        situation__commission=commission, student_id__in=list(student_ids), kind=AbsenceKind.JUSTIFIED
    )
    return {absence.student_id for absence in absences if pending_new_date(absence)}


def deliberation_blockers(
    commission: Commission, deliberated_on: datetime.date | None, *, students: list[Student] | None = None
) -> list[str]:
    """Everything that prevents the deliberation (French), empty when it may be recorded."""
    found: list[str] = []
    if students is None:
        students = list(commission.cohort.students.select_related("user").order_by(*by_name()))
    results = {r.student_id: r for r in CandidateResult.objects.filter(commission=commission)}
    pending = _pending_absences(commission, [s.pk for s in students])
    for student in students:
        reason = final_status_reason(results.get(student.pk), student, student.pk in pending)
        if reason:
            found.append(reason)
    if deliberated_on is not None:
        last = last_situation_date(commission)
        if last is not None and deliberated_on < last:
            found.append(
                f"La délibération ne peut pas être datée du {deliberated_on:%d/%m/%Y} : la dernière situation a lieu "
                f"le {last:%d/%m/%Y}."
            )
        if deliberated_on > timezone.localdate():
            found.append("La date de la délibération ne peut pas être dans le futur.")
        refusal = commission.session.date_refusal(deliberated_on, "La délibération")
        if refusal:
            found.append(refusal)
    return found


class DeliberationRecorded(NamedTuple):
    """The deliberation in force, and whether this call recorded something (a first or a new deliberation)."""

    deliberation: Deliberation
    recorded: bool


def record_deliberation(*, commission: Commission, deliberated_on: datetime.date, actor: User) -> DeliberationRecorded:
    """The first deliberation, or the new deliberation that closes the open reopenings. Refused with every reason
    when a candidate has no final status. Returns a ``DeliberationRecorded``."""
    from certification.evaluation.services.sheets import unsigned_candidates

    with transaction.atomic():
        Commission.objects.select_for_update().filter(pk=commission.pk).first()
        existing = Deliberation.objects.filter(commission=commission).first()
        reopened = list(
            Reopening.objects.select_for_update()
            .filter(commission=commission, closed_on__isnull=True)
            .select_related("student__user")
        )
        if existing is not None and not reopened:
            return DeliberationRecorded(existing, recorded=False)
        students = [reopening.student for reopening in reopened] if existing is not None else None
        blockers = deliberation_blockers(commission, deliberated_on, students=students)
        if existing is not None:
            earliest = min(timezone.localtime(r.reopened_at).date() for r in reopened)
            if deliberated_on < earliest:
                blockers.append(
                    f"La nouvelle délibération ne peut pas être datée avant la réouverture du {earliest:%d/%m/%Y}."
                )
        if blockers:
            raise LifecycleRefused("La délibération ne peut pas encore être enregistrée.", messages=blockers)
        if existing is None:
            deliberation = Deliberation.objects.create(
                commission=commission, deliberated_on=deliberated_on, recorded_by=actor
            )
            audit_lifecycle(
                "commission.released",
                commission,
                commission,
                actor=actor,
                changes={
                    "deliberated_on": deliberated_on.isoformat(),
                    "unsigned_candidates": [str(student) for student in unsigned_candidates(commission)],
                },
            )
            return DeliberationRecorded(deliberation, recorded=True)
        for reopening in reopened:
            reopening.closed_on, reopening.closed_by = deliberated_on, actor
            reopening.save(update_fields=["closed_on", "closed_by"])
        audit_lifecycle(
            "commission.redeliberated",
            commission,
            commission,
            actor=actor,
            changes={
                "deliberated_on": deliberated_on.isoformat(),
                "students": [str(reopening.student) for reopening in reopened],
            },
        )
        for reopening in reopened:
            _tell_student(commission, reopening.student, released=True)
        return DeliberationRecorded(existing, recorded=True)


# --- Reopening after the deliberation -----------------------------------------------------------------------------


RESULT_EMAIL_KIND = "result_state"


def _tell_student(commission: Commission, student: Student, *, released: bool) -> None:
    """The candidate is told by email (when they have an address) and sees the state on their results page."""
    from certification.commissions.services.convocations import file_email

    email = student.user.email
    if not email:
        return
    file_email(
        establishment_id=commission.cohort.establishment_id,
        to=email,
        kind=RESULT_EMAIL_KIND,
        template=f"certification/evaluation/email/result-{'released' if released else 'reopened'}",
        context={"student": student, "exam": commission.exam, "session": commission.session},
    )


def reopen_after_deliberation(*, commission: Commission, student: Student, actor: User, reason: str) -> Reopening:
    """The responsible teacher's formal reopening of one candidate's result after the deliberation."""
    if commission.responsible_id != actor.pk:
        raise PermissionError("Seul·e le ou la responsable de la commission peut rouvrir un résultat délibéré.")
    reason = reason.strip()
    if not reason:
        raise LifecycleRefused("Indiquez le motif de la réouverture.")
    with transaction.atomic():
        if not Deliberation.objects.filter(commission=commission).exists():
            raise LifecycleRefused("Le jury n'a pas encore délibéré : rien à rouvrir après délibération.")
        if open_reopening(commission, student) is not None:
            raise LifecycleRefused(f"Le résultat {de(student)} est déjà rouvert : une nouvelle délibération l'attend.")
        try:
            with transaction.atomic():
                reopening = Reopening.objects.create(
                    commission=commission, student=student, reason=reason, reopened_by=actor
                )
        except IntegrityError:
            raise LifecycleRefused(f"Le résultat {de(student)} est déjà rouvert.") from None
        audit_lifecycle(
            "result.reopened_after_deliberation",
            commission,
            commission,
            actor=actor,
            changes={"student": str(student), "student_id": student.pk, "reason": reason},
        )
        _tell_student(commission, student, released=False)
    return reopening
