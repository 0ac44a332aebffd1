"""Absences on an exam day: recorded by the commission, justified or not; an unjustified one applies the session's
rule to the candidate's result, a justified one waits for a new date.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Student, User
from certification.commissions.models import (
    Commission,
    Convocation,
    Passage,
    Situation,
)
from certification.evaluation.models import Absence, AbsenceKind, CandidateResult, ResultStatus
from certification.evaluation.services.freezing import (
    LifecycleRefused,
    audit_lifecycle,
    ensure_writable,
)
from lib.french import de
from lib.storage import discard_file

# --- Absences -----------------------------------------------------------------------------------------------------


def _presence_situation(situation: Situation) -> bool:
    from certification.commissions.services.planning import presence_situations

    return presence_situations(situation.commission).filter(pk=situation.pk).exists()


def _absence_consequence(commission: Commission, student: Student, absence: Absence, actor: User) -> None:
    """Apply what the session's rules say of an unjustified absence to the candidate's result."""
    rule = commission.session.unjustified_absence
    result, _ = CandidateResult.objects.select_for_update().get_or_create(commission=commission, student=student)
    before = {"status": result.status, "mark": str(result.mark) if result.mark is not None else None}
    if rule == "zero":
        result.status, result.mark, result.absent_reason = ResultStatus.MARK, 0, ""
    else:
        result.status, result.mark = ResultStatus.ABSENT, None
        result.absent_reason = (
            f"Absence non justifiée le {absence.absent_on:%d/%m/%Y} (situation {absence.situation.code})"
        )
    result.version += 1
    result.updated_by = actor
    result.save()
    audit_lifecycle(
        "result.updated",
        commission,
        result,
        actor=actor,
        changes={
            "cause": "absence non justifiée",
            "rule": rule,
            "before": before,
            "after": {"status": result.status, "mark": str(result.mark) if result.mark is not None else None},
        },
    )


def record_absence(
    *,
    situation: Situation,
    student: Student,
    absent_on: datetime.date,
    kind: str,
    reason: str,
    document: UploadedFile | None = None,
    actor: User,
) -> Absence:
    """Record an absence on the day of a situation where the candidate comes. Nothing is stored when refused."""
    from passeport.services.evidence import (
        ATTESTATION_TYPES,
        ATTESTATION_TYPES_TEXT,
        EvidenceRefused,
        inspect_upload,
        store_upload,
    )

    commission = situation.commission
    ensure_writable(commission, student)
    if not _presence_situation(situation):
        raise LifecycleRefused(
            f"Le candidat n'est pas présent en situation {situation.code} : une absence ne s'y enregistre pas."
        )
    if absent_on > timezone.localdate():
        raise LifecycleRefused("Une absence s'enregistre le jour même ou après, pas à l'avance.")
    refusal = commission.session.date_refusal(absent_on, "L'absence")
    if refusal:
        raise LifecycleRefused(refusal)
    if kind not in AbsenceKind.values:
        raise LifecycleRefused("Indiquez si l'absence est justifiée ou non.")
    checked = None
    if kind == AbsenceKind.JUSTIFIED:
        if document is None:
            raise LifecycleRefused("Une absence justifiée s'enregistre avec son justificatif (PDF ou image).")
        try:
            checked = inspect_upload(document, allowed=ATTESTATION_TYPES, allowed_text=ATTESTATION_TYPES_TEXT)
        except EvidenceRefused as refused:
            raise LifecycleRefused(str(refused)) from refused
    absence = Absence(
        situation=situation,
        student=student,
        absent_on=absent_on,
        kind=kind,
        reason=reason.strip()[:2000],
        recorded_by=actor,
    )
    if checked is not None and document is not None:
        absence.document_name, absence.document_type = checked.original_name, checked.content_type
        try:
            store_upload(absence.document, f"justificatif{checked.extension}", document, checked)
        except EvidenceRefused as refused:
            raise LifecycleRefused(str(refused)) from refused
    try:
        with transaction.atomic():
            absence.save()
            if kind == AbsenceKind.UNJUSTIFIED:
                _absence_consequence(commission, student, absence, actor)
            audit_lifecycle(
                "absence.recorded",
                commission,
                absence,
                actor=actor,
                changes={
                    "student": str(student),
                    "situation": situation.code,
                    "absent_on": absent_on.isoformat(),
                    "kind": kind,
                    "document": absence.document_name,
                },
            )
    except IntegrityError:
        if absence.document:
            discard_file(absence.document.storage, absence.document.name)
        raise LifecycleRefused(
            f"Une absence {de(student)} le {absent_on:%d/%m/%Y} en situation {situation.code} est déjà enregistrée."
        ) from None
    except BaseException:
        if absence.document:
            discard_file(absence.document.storage, absence.document.name)
        raise
    return absence


def pending_new_date(absence: Absence) -> bool:
    """A justified absence waits for a new date until the passage is moved after it and convoked again."""
    if absence.kind != AbsenceKind.JUSTIFIED:
        return False
    passage = Passage.objects.filter(situation_id=absence.situation_id, student_id=absence.student_id).first()
    if passage is None or timezone.localtime(passage.starts_at).date() <= absence.absent_on:
        return True
    return not Convocation.objects.filter(passage=passage, superseded_at__isnull=True).exists()
