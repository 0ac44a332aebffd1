"""The « fiche d'évaluation » (verso): appraisals, electronic signatures, the jury's deliberation and the release.

The verso is the face a candidate may see, after the jury's deliberation: it carries the dates, the fiches used, the
commission's written appraisals, the members' names and signatures and the mark — never a grid level. The grid
(recto) leaves the jury only through ``disclose_grid``: an administrator's logged answer to a formal request.

A signature records the sheet version and the mark it was given on: if either changes afterwards the signature is
void and must be given again. When every member carrying the responsibility has a valid signature, the candidate's
grid and result are locked (certification.locking).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Student, User
from audit.models import AuditEntry
from audit.services import log_action
from certification.locking import ensure_unlocked, lock
from certification.models import (
    CandidateResult,
    Commission,
    CommissionMember,
    Convocation,
    Deliberation,
    DossierFiche,
    EvaluationSheet,
    ResultStatus,
    Signature,
    Situation,
    SituationAppraisal,
)
from lib.refusals import Refused
from passeport.models import Fiche
from referentiel.exams import FICHES_NONE, FICHES_REAL_LIVED, situation_definition
from referentiel.models import Exam
from referentiel.official_forms import official_form

# Wrong passwords on the signature form: after this many within the window, signing waits.
MAX_FAILED_SIGNATURES = 5
FAILED_SIGNATURE_WINDOW = datetime.timedelta(minutes=15)

STALE_MESSAGE = (
    "La fiche d'évaluation a été modifiée par un autre membre pendant que vous la remplissiez : vos textes ne sont "
    "pas enregistrés. Ils restent dans le formulaire ci-dessous ; relisez la version actuelle avant d'enregistrer."
)
SIGNATURE_REFUSED = "Mot de passe incorrect : la fiche d'évaluation n'a pas été signée."
TOO_MANY_TRIES = "Trop de mots de passe erronés : la signature est suspendue un quart d'heure. Rien n'a été signé."
NO_SHEET = "Enregistrez d'abord la fiche d'évaluation (appréciations et dates) : il n'y a encore rien à signer."
NO_MARK = (
    "La commission n'a pas encore fixé la note ni le statut de ce candidat (page des profils) : "
    "la fiche d'évaluation ne peut pas être signée."
)
NOT_RELEASED = "La grille ne peut être communiquée qu'après la délibération du jury."


class SheetError(Refused):
    """A refused action, with the French message shown to the user."""


class StaleSheet(SheetError):
    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)


# --- The official wording (data/forms/evaluation-sheet-<forms_session>.yaml) ---------------------------------------


@cache
def sheet_wording(forms_session: int, exam_code: str) -> dict[str, Any]:
    return official_form("evaluation-sheet", forms_session)["exams"][exam_code]


def commission_wording(commission: Commission) -> dict[str, Any]:
    wording = dict(sheet_wording(commission.session.forms_session, commission.exam.code))
    year = str(commission.session.year)
    wording["header"] = [line.replace("{year}", year) for line in wording["header"]]
    wording["title"] = wording["title"].replace("{year}", year)
    return wording


# --- Reads ------------------------------------------------------------------------------------------------------


def format_mark(result: CandidateResult | None) -> str:
    """« 14,5 », « Réservée », « NV (non valide) », « Absent » — or "" while the mark is pending."""
    if result is None or result.status == ResultStatus.PENDING:
        return ""
    if result.status == ResultStatus.MARK and result.mark is not None:
        text = f"{result.mark:.1f}".replace(".", ",")
        return text.removesuffix(",0")
    return result.get_status_display()


def candidate_result(commission: Commission, student: Student) -> CandidateResult | None:
    return CandidateResult.objects.filter(commission=commission, student=student).first()


def candidate_fiches(commission: Commission, student: Student) -> list[Fiche]:
    """The fiches of the candidate's dossier for this exam and session, in the dossier's order."""
    rows = (
        DossierFiche.objects.filter(
            dossier__student=student, dossier__exam_id=commission.exam_id, dossier__session_id=commission.session_id
        )
        .select_related("fiche__kind")
        .order_by("order", "pk")
    )
    return [row.fiche for row in rows]


def convoked_date(situation: Situation, student: Student) -> datetime.date | None:
    """The date of the (last) step of ``situation`` the candidate was officially informed of."""
    return (
        Convocation.objects.filter(step__situation=situation, student=student)
        .order_by("-step__date")
        .values_list("step__date", flat=True)
        .first()
    )


def fiche_choice(exam: Exam, situation_code: str) -> str:
    """How a situation's fiche is set, from the exam's definition: "chosen" (E4 B), "real-lived" (E6 A), "others"
    (E6 B) or "none"."""
    situation = situation_definition(exam, situation_code)
    return situation.fiches if situation is not None else FICHES_NONE


def choosable_fiches(commission: Commission, situation: Situation, fiches: list[Fiche]) -> list[Fiche]:
    kind = fiche_choice(commission.exam, situation.code)
    if kind == "chosen":
        return fiches
    if kind == "real-lived":
        return [fiche for fiche in fiches if fiche.real_lived] or fiches
    return []


@dataclass
class SituationLine:
    situation: Situation
    wording: dict[str, Any]
    appraisal: SituationAppraisal | None
    date: datetime.date | None
    text: str
    fiches: list[Fiche]
    kinds: list[tuple[str, bool]]  # (official label, ticked)


@dataclass
class MemberLine:
    member: CommissionMember
    signature: Signature | None
    valid: bool

    @property
    def void(self) -> bool:
        """Signed, but the sheet or the mark changed since: « signature à renouveler »."""
        return self.signature is not None and not self.valid


@dataclass
class SheetView:
    commission: Commission
    student: Student
    wording: dict[str, Any]
    sheet: EvaluationSheet | None
    result: CandidateResult | None
    mark: str
    situations: list[SituationLine]
    members: list[MemberLine]
    candidate_fiches: list[Fiche] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.sheet.version if self.sheet else 0

    @property
    def fully_signed(self) -> bool:
        required = [line for line in self.members if line.member.carries_responsibility]
        return bool(required) and all(line.valid for line in required)


def _fiches_of(kind: str, appraisal: SituationAppraisal | None, fiches: list[Fiche], a_fiche: Fiche | None):
    chosen = appraisal.fiche if appraisal and appraisal.fiche_id else None
    if kind == "chosen":
        return [chosen] if chosen else []
    if kind == "real-lived":
        return [chosen] if chosen else [fiche for fiche in fiches if fiche.real_lived][:1]
    if kind == "others":
        return [fiche for fiche in fiches if a_fiche is None or fiche.pk != a_fiche.pk]
    return []


def _situation_lines(commission, student, sheet, wording, fiches) -> list[SituationLine]:
    appraisals = {a.situation_id: a for a in sheet.appraisals.select_related("fiche__kind")} if sheet else {}
    lines: list[SituationLine] = []
    a_fiche = None
    for situation in commission.situations.order_by("code"):
        appraisal = appraisals.get(situation.pk)
        kind = fiche_choice(commission.exam, situation.code)
        shown = _fiches_of(kind, appraisal, fiches, a_fiche)
        if kind == FICHES_REAL_LIVED and shown:
            a_fiche = shown[0]  # the « others » of a later situation are the fiches but this one
        ticked = {fiche.kind.code for fiche in shown}
        situation_wording = wording["situations"].get(situation.code, {"heading": f"Situation {situation.code}"})
        lines.append(
            SituationLine(
                situation=situation,
                wording=situation_wording,
                appraisal=appraisal,
                date=appraisal.date if appraisal else convoked_date(situation, student),
                text=appraisal.text if appraisal else "",
                fiches=shown,
                kinds=[(item["label"], item["code"] in ticked) for item in wording["kinds"]],
            )
        )
    return lines


def is_valid_signature(signature: Signature, sheet: EvaluationSheet, mark: str) -> bool:
    return bool(mark) and signature.sheet_version == sheet.version and signature.mark_repr == mark


def _member_lines(commission, sheet, mark) -> list[MemberLine]:
    signatures = {s.member_id: s for s in sheet.signatures.all()} if sheet else {}
    lines = []
    for member in commission.members.select_related("user"):
        signature = signatures.get(member.pk)
        valid = signature is not None and is_valid_signature(signature, sheet, mark)
        lines.append(MemberLine(member, signature, valid))
    return lines


def sheet_view(commission: Commission, student: Student) -> SheetView:
    """Everything the verso shows, for the page, the PDF and the student's results."""
    sheet = EvaluationSheet.objects.filter(commission=commission, student=student).first()
    result = candidate_result(commission, student)
    mark = format_mark(result)
    wording = commission_wording(commission)
    fiches = candidate_fiches(commission, student)
    return SheetView(
        commission=commission,
        student=student,
        wording=wording,
        sheet=sheet,
        result=result,
        mark=mark,
        situations=_situation_lines(commission, student, sheet, wording, fiches),
        members=_member_lines(commission, sheet, mark),
        candidate_fiches=fiches,
    )


def is_released(commission: Commission) -> bool:
    """The jury has deliberated (a candidate whose result was reopened since sees it again after the new one)."""
    return Deliberation.objects.filter(commission=commission).exists()


def unsigned_candidates(commission: Commission) -> list[Student]:
    """Candidates of the cohort whose sheet does not carry every required signature yet (result not locked)."""
    locked = CandidateResult.objects.filter(commission=commission, locked_at__isnull=False).values("student_id")
    return list(
        commission.cohort.students.exclude(pk__in=locked)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


# --- Writes -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SituationEntry:
    date: datetime.date | None
    text: str
    fiche: Fiche | None = None


def _apply_entry(sheet: EvaluationSheet, situation: Situation, entry: SituationEntry, allowed: list[Fiche]):
    appraisal = SituationAppraisal.objects.filter(sheet=sheet, situation=situation).first()
    appraisal = appraisal or SituationAppraisal(sheet=sheet, situation=situation)
    fiche = entry.fiche if entry.fiche and entry.fiche.pk in {f.pk for f in allowed} else None
    new = {"date": entry.date, "fiche_id": fiche.pk if fiche else None, "text": entry.text.strip()}
    diff = {
        name: [str(getattr(appraisal, name) or ""), str(value or "")]
        for name, value in new.items()
        if appraisal.pk is None or getattr(appraisal, name) != value
    }
    if diff:
        for name, value in new.items():
            setattr(appraisal, name, value)
        appraisal.save()
    return diff


def save_sheet(
    *,
    commission: Commission,
    student: Student,
    version: int,
    entries: dict[str, SituationEntry],
    actor: User,
) -> EvaluationSheet:
    """Save the appraisals; ``version`` is the one the form was built on (0 for a sheet not created yet)."""
    fiches = candidate_fiches(commission, student)
    try:
        with transaction.atomic():
            sheet = EvaluationSheet.objects.select_for_update().filter(commission=commission, student=student).first()
            ensure_unlocked(commission, student)
            if (sheet.version if sheet else 0) != version:
                raise StaleSheet()
            sheet = sheet or EvaluationSheet.objects.create(commission=commission, student=student, version=0)
            changes = {}
            for situation in commission.situations.all():
                if situation.code in entries:
                    allowed = choosable_fiches(commission, situation, fiches)
                    diff = _apply_entry(sheet, situation, entries[situation.code], allowed)
                    if diff:
                        changes[situation.code] = diff
            if changes or sheet.version == 0:
                # A new version voids the signatures given on the previous one.
                sheet.version += 1
                sheet.save(update_fields=["version", "updated_at"])
                log_action(
                    "evaluation_sheet.saved",
                    actor=actor,
                    obj=sheet,
                    establishment_id=commission.cohort.establishment_id,
                    changes={"version": sheet.version, "situations": changes},
                )
    except IntegrityError:
        # Another member created the sheet at the same moment.
        raise StaleSheet() from None
    return sheet


def _recent_failures(actor: User) -> int:
    since = timezone.now() - FAILED_SIGNATURE_WINDOW
    return AuditEntry.objects.filter(actor=actor, action="evaluation_sheet.sign_refused", at__gte=since).count()


@dataclass
class SignOutcome:
    signature: Signature
    renewed: bool
    locked: bool
    already: bool = False


def _check_password(commission: Commission, student: Student, actor: User, password: str) -> None:
    if _recent_failures(actor) >= MAX_FAILED_SIGNATURES:
        raise SheetError(TOO_MANY_TRIES)
    if not actor.check_password(password):
        # Counted in the audit log: it survives the refusal, and shows who tried.
        log_action(
            "evaluation_sheet.sign_refused",
            actor=actor,
            obj=commission,
            establishment_id=commission.cohort.establishment_id,
            changes={"student": str(student), "reason": "mot de passe erroné"},
        )
        raise SheetError(SIGNATURE_REFUSED)


def _required_signed(commission: Commission, sheet: EvaluationSheet, mark: str) -> bool:
    required = list(commission.members.filter(carries_responsibility=True).values_list("pk", flat=True))
    if not required:
        return False
    signatures = Signature.objects.filter(sheet=sheet, member_id__in=required)
    valid = {s.member_id for s in signatures if is_valid_signature(s, sheet, mark)}
    return valid == set(required)


def sign_sheet(
    *, commission: Commission, student: Student, member: CommissionMember, password: str, actor: User
) -> SignOutcome:
    """The member's electronic signature, after re-entering their password; locks once all required signed."""
    from certification.services.lifecycle import ensure_writable

    ensure_writable(commission, student)
    _check_password(commission, student, actor, password)
    with transaction.atomic():
        sheet = EvaluationSheet.objects.select_for_update().filter(commission=commission, student=student).first()
        if sheet is None:
            raise SheetError(NO_SHEET)
        mark = format_mark(candidate_result(commission, student))
        if not mark:
            raise SheetError(NO_MARK)
        signature = Signature.objects.filter(sheet=sheet, member=member).first()
        if signature is not None and is_valid_signature(signature, sheet, mark):
            return SignOutcome(signature, renewed=False, locked=False, already=True)
        renewed = signature is not None
        signature = signature or Signature(sheet=sheet, member=member)
        signature.sheet_version, signature.mark_repr, signature.signed_at = sheet.version, mark, timezone.now()
        signature.save()
        log_action(
            "evaluation_sheet.signed",
            actor=actor,
            obj=sheet,
            establishment_id=commission.cohort.establishment_id,
            changes={"member": member.user.display_name, "sheet_version": sheet.version, "mark": mark},
        )
        locked = _required_signed(commission, sheet, mark)
        if locked:
            lock(commission, student, actor=actor)
    return SignOutcome(signature, renewed=renewed, locked=locked)


def record_deliberation(
    *, commission: Commission, deliberated_on: datetime.date, actor: User
) -> tuple[Deliberation, bool]:
    """The jury's deliberation (``certification.services.lifecycle`` checks every candidate has a final status)."""
    from certification.services.lifecycle import record_deliberation as record

    return record(commission=commission, deliberated_on=deliberated_on, actor=actor)


@dataclass(frozen=True)
class DisclosureRequest:
    requested_on: datetime.date
    requester: str  # "candidate" or "representative"
    requester_name: str
    reference: str


def disclose_grid(
    *,
    commission: Commission,
    student: Student,
    request: DisclosureRequest,
    actor: User,
    render: Callable[[Commission, Student], tuple[bytes, str]],
) -> tuple[bytes, str]:
    """The candidate's agreed grid on a formal request, after deliberation: the only way a grid leaves the jury."""
    if not is_released(commission):
        raise SheetError(NOT_RELEASED)
    with transaction.atomic():
        content, filename = render(commission, student)
        log_action(
            "grid.disclosed",
            actor=actor,
            obj=commission,
            establishment_id=commission.cohort.establishment_id,
            changes={
                "student": str(student),
                "student_id": student.pk,
                "requested_on": request.requested_on.isoformat(),
                "requester": request.requester,
                "requester_name": request.requester_name,
                "reference": request.reference,
                "filename": filename,
            },
        )
    return content, filename
