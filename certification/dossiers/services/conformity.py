"""The conformity check of a dossier (domain §5): recorded by the commission, never decided by the software.

Each check is a new row and the latest one counts, so a « réservée » mark followed by a « conforme » or « NV »
decision keeps its history. The facts (deadline, late deposit, weeks in a company, attestations) only *suggest*
NV reasons; the commission confirms them or not.

Other pages read ``latest_conformity``, ``conformity_status`` and ``conformity_statuses``: keep them stable.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import transaction

from accounts.models import Student, User
from audit.services import log_action
from certification.dossiers.models import ConformityCheck, ConformityDecision, Dossier, DossierState, NvReason
from certification.dossiers.selectors import deadline_passed, deposit_deadline, is_late
from lib.refusals import Refused
from passeport.selectors_internships import SHORT, internship_summary
from referentiel.models import Exam, ExamSession
from referentiel.official_forms import official_form

REASONS_REQUIRED = "Une décision NV doit indiquer au moins un motif de non-conformité."
REASONS_REFUSED = "Les motifs de non-conformité ne s'appliquent qu'à une décision NV : décochez-les."


class ConformityError(Refused):
    """A refused check, with the French message shown to the user."""


# --- The official wording (data/forms/conformity-<forms_session>.yaml) ---------------------------------------------


@dataclass(frozen=True)
class NvDefinition:
    """The « Notification de non-conformité du dossier » of one exam, as worded by one circulaire."""

    forms_session: int
    exam_code: str
    annex: str
    header: tuple[str, ...]  # lines; « {year} » stands for the session year
    title: str
    last_name_label: str
    first_name_label: str
    candidate_number_label: str
    intro: str
    reasons: tuple[tuple[str, str], ...]  # (NvReason code, official label) in the form's order
    closing: str
    date_label: str
    visa_label: str

    def reason_label(self, code: str) -> str:
        return dict(self.reasons).get(code, code)


@cache
def nv_definition(forms_session: int, exam_code: str) -> NvDefinition:
    data = official_form("conformity", forms_session)
    exam: dict[str, Any] = data["exams"][exam_code]
    reasons = tuple((item["code"], item["label"]) for item in exam["reasons"])
    # A code unknown to the model would be a typo in the data: fail loudly rather than print a wrong form.
    if {code for code, _ in reasons} != set(NvReason.values):
        raise ValueError(f"conformity-{forms_session}.yaml: the NV reasons of {exam_code} do not match NvReason")
    fields = {name: exam[name] for name in NvDefinition.__dataclass_fields__ if name in exam and name != "reasons"}
    fields["header"] = tuple(exam["header"])
    return NvDefinition(forms_session=int(data["forms_session"]), exam_code=exam_code, reasons=reasons, **fields)


def dossier_nv_definition(dossier: Dossier) -> NvDefinition:
    return nv_definition(dossier.session.forms_session, dossier.exam.code)


# --- Reads for other pages -----------------------------------------------------------------------------------------


def latest_conformity(dossier: Dossier) -> ConformityCheck | None:
    """The check in force: the last one recorded (earlier ones are history)."""
    return dossier.conformity_checks.select_related("decided_by").order_by("-decided_at", "-pk").first()


def conformity_status(dossier: Dossier) -> str | None:
    """``"conforme"``, ``"nv"``, ``"reserve"`` or ``None`` (not checked yet)."""
    check = latest_conformity(dossier)
    return check.decision if check is not None else None


def conformity_statuses(dossiers: Iterable[Dossier | int]) -> dict[int, str]:
    """``{dossier pk: status}`` for many dossiers in one query (dossiers never checked are left out)."""
    ids = [getattr(dossier, "pk", dossier) for dossier in dossiers]
    statuses: dict[int, str] = {}
    rows = ConformityCheck.objects.filter(dossier_id__in=ids).order_by("dossier_id", "-decided_at", "-pk")
    for dossier_id, decision in rows.values_list("dossier_id", "decision"):
        statuses.setdefault(dossier_id, decision)
    return statuses


def conformity_history(dossier: Dossier) -> list[ConformityCheck]:
    return list(dossier.conformity_checks.select_related("decided_by").order_by("-decided_at", "-pk"))


# --- Suggestions drawn from the facts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    code: str  # an NvReason value
    why: str  # French, shown to the commission beside the suggestion


def suggested_reasons(dossier: Dossier, summary: dict[str, Any] | None = None) -> list[Suggestion]:
    """NV reasons the facts point to, in the form's order. Suggestions only: the commission decides."""
    summary = summary if summary is not None else internship_summary(dossier.student)
    deadline = deposit_deadline(dossier)
    found: dict[str, str] = {}
    if dossier.state != DossierState.SUBMITTED and deadline_passed(deadline):
        found[NvReason.NO_DEPOSIT] = f"Aucun dossier déposé à la date limite du {deadline:%d/%m/%Y}."
    if is_late(dossier, deadline=deadline):
        found[NvReason.LATE_DEPOSIT] = _late_why(dossier, deadline)
    if summary["status"] == SHORT:
        found[NvReason.SHORT_INTERNSHIP] = summary["message"]
    if summary["missing_attestations"]:
        found[NvReason.NO_ATTESTATION] = summary["attestation_message"]
    elif dossier.state == DossierState.SUBMITTED and not dossier.attestations.exists():
        found[NvReason.NO_ATTESTATION] = "Aucune attestation de stage ni certificat de travail n'est jointe au dossier."
    return [Suggestion(code, found[code]) for code in NvReason.values if code in found]


def _late_why(dossier: Dossier, deadline: datetime.date | None) -> str:
    if dossier.late_deposit_recorded_at is not None:
        when = dossier.late_deposit_date or dossier.late_deposit_recorded_at.date()
        return f"Dépôt tardif enregistré par l'administration (déposé le {when:%d/%m/%Y})."
    return f"Dossier déposé après la date limite du {deadline:%d/%m/%Y}."


# --- Writes --------------------------------------------------------------------------------------------------------


def clean_reasons(decision: str, nv_reasons: Sequence[str]) -> list[str]:
    """The reasons in the form's order, or a ``ConformityError``: at least one for NV, none otherwise."""
    if decision not in ConformityDecision.values:
        raise ConformityError("Décision de conformité inconnue.")
    unknown = set(nv_reasons) - set(NvReason.values)
    if unknown:
        raise ConformityError("Motif de non-conformité inconnu.")
    if decision == ConformityDecision.NOT_VALID and not nv_reasons:
        raise ConformityError(REASONS_REQUIRED)
    if decision != ConformityDecision.NOT_VALID and nv_reasons:
        raise ConformityError(REASONS_REFUSED)
    return [code for code in NvReason.values if code in nv_reasons]


@transaction.atomic
def record_conformity(
    *,
    dossier: Dossier,
    decision: str,
    nv_reasons: Sequence[str],
    comment: str,
    checked_on: datetime.date,
    actor: User,
) -> ConformityCheck:
    """Record one check of ``dossier`` (a new row: the latest counts). The caller has checked ``actor``'s right."""
    reasons = clean_reasons(decision, nv_reasons)
    previous = conformity_status(dossier)
    check = ConformityCheck.objects.create(
        dossier=dossier,
        decision=decision,
        nv_reasons=reasons,
        comment=comment.strip(),
        checked_on=checked_on,
        decided_by=actor,
    )
    log_action(
        "conformity.recorded",
        actor=actor,
        obj=dossier,
        establishment_id=dossier.student.establishment_id,
        changes={
            "check": check.pk,
            "decision": [previous, decision],
            "nv_reasons": reasons,
            "checked_on": checked_on.isoformat(),
        },
    )
    return check


@transaction.atomic
def ensure_dossier(student: Student, exam: Exam, session: ExamSession, *, actor: User | None = None) -> Dossier:
    """The dossier of (student, exam, session), created empty (draft) when nothing was deposited, so that the
    commission can record « absence de dépôt »."""
    if not exam.ccf or exam.version_id != session.version_id:
        raise ConformityError("Cette épreuve n'est pas évaluée en CCF pour cette session.")
    dossier, created = Dossier.objects.get_or_create(student=student, exam=exam, session=session)
    if created:
        log_action(
            "dossier.created_for_conformity",
            actor=actor,
            obj=dossier,
            establishment_id=student.establishment_id,
            changes={"exam": exam.code, "session": session.year},
        )
    return dossier
