"""The « fiche d'évaluation » (verso): appraisals, electronic signatures, the jury's deliberation and the release.

The verso is the face a candidate may see, after the jury's deliberation: it carries the dates, the fiches used, the
commission's written appraisals, the members' names and signatures and the mark — never a grid level. The grid
(recto) leaves the jury only through ``disclose_grid``: an administrator's logged answer to a formal request.

A signature records the sheet version and the mark it was given on: if either changes afterwards the signature is
void and must be given again. When every member carrying the responsibility has a valid signature, the candidate's
grid and result are locked (certification.evaluation.services.locking).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Student, User
from audit.models import AuditEntry
from audit.services import log_action
from certification.commissions.models import Commission, CommissionMember, Passage, Situation, SubjectSheet
from certification.dossiers.models import DossierFiche
from certification.evaluation.models import (
    CandidateResult,
    Deliberation,
    EvaluationSheet,
    ResultStatus,
    Signature,
    SituationAppraisal,
)
from certification.evaluation.services.locking import ensure_unlocked, lock
from lib import versioning
from lib.collation import by_name
from lib.refusals import Conflict, Refused
from passeport.models import Fiche
from referentiel.exams import FICHES_CHOSEN, FICHES_NONE, FICHES_REAL_LIVED
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
NOT_THE_SUBJECT_FICHE = (
    "{heading} : la fiche sujet de ce candidat a été rédigée à partir de la fiche N° {number} – {title}. "
    "La fiche d'évaluation ne peut en nommer une autre : rien n'a été enregistré. Pour changer de fiche, "
    "changez d'abord la fiche choisie depuis la fiche sujet."
)
NO_SUBJECT_YET = (
    "Aucune fiche sujet n'est encore rédigée pour ce candidat : la fiche choisie ici doit être celle à partir de "
    "laquelle la commission rédigera la fiche sujet."
)
NO_PASSAGE = (
    "Aucun passage n'est planifié pour ce candidat dans cette situation : son jury, qui signe cette situation, "
    "n'est pas encore connu."
)
NOT_A_SIGNER = (
    "Rien n'a été signé : vous ne figurez parmi les signataires d'aucune situation de cette fiche d'évaluation ({who})."
)


class SheetError(Refused):
    """A refused action, with the French message shown to the user."""


class StaleSheet(SheetError, Conflict):
    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)


# --- The official wording (data/forms/evaluation-sheet-<forms_session>.yaml) ---------------------------------------


@cache
def sheet_wording(forms_session: int, exam_code: str) -> dict[str, Any]:
    wording: dict[str, Any] = official_form("evaluation-sheet", forms_session)["exams"][exam_code]
    return wording


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


def fiche_choice(situation: Situation) -> str:
    """How a situation's fiche is set, as the exam's data says (``referentiel.exams.FICHE_USAGES``)."""
    definition = situation.definition
    return definition.fiches if definition else FICHES_NONE


def subject_fiche(commission: Commission, student: Student) -> Fiche | None:
    """The fiche the candidate's fiche sujet was written from, if the commission has started one."""
    sheet = (
        SubjectSheet.objects.filter(commission=commission, student=student)
        .select_related("dossier_fiche__fiche__kind")
        .first()
    )
    return sheet.dossier_fiche.fiche if sheet else None


def rests_on_subject(situation: Situation) -> bool:
    """The situation is run on the fiche sujet (E4 B): its fiche is the fiche sujet's, not a free choice."""
    definition = situation.definition
    return bool(definition and definition.subject_sheet)


def choosable_fiches(
    commission: Commission, situation: Situation, fiches: list[Fiche], subject: Fiche | None = None
) -> list[Fiche]:
    """The fiches the sheet may name for ``situation``; ``subject``: the fiche of the candidate's fiche sujet."""
    kind = fiche_choice(situation)
    if kind == FICHES_CHOSEN:
        if subject is not None and rests_on_subject(situation):
            return [subject]
        return fiches
    if kind == FICHES_REAL_LIVED:
        return [fiche for fiche in fiches if fiche.real_lived] or fiches
    return []


def is_valid_signature(signature: Signature, sheet: EvaluationSheet, mark: str) -> bool:
    return bool(mark) and signature.sheet_version == sheet.version and signature.mark_repr == mark


def situation_signers(commission: Commission, student: Student) -> dict[int, list[CommissionMember] | None]:
    """Who signs each situation of the candidate's sheet, by situation pk.

    The situation run on the fiche sujet (E4 B) is signed by the jury of the candidate's passage (``PassageJuror``),
    ``None`` while no passage is planned; the other situations by the members carrying the responsibility of the
    assessment, as before. Two queries.
    """
    members = list(commission.members.select_related("user"))
    responsible = [member for member in members if member.carries_responsibility]
    by_pk = {member.pk: member for member in members}
    situations = list(commission.situations.order_by("code"))
    on_passage = [situation.pk for situation in situations if rests_on_subject(situation)]
    jurors: dict[int, list[CommissionMember]] = {}
    passages = Passage.objects.filter(situation_id__in=on_passage, student=student).prefetch_related("jurors")
    for passage in passages if on_passage else ():
        jurors[passage.situation_id] = [by_pk[j.member_id] for j in passage.jurors.all() if j.member_id in by_pk]
    return {
        situation.pk: (jurors.get(situation.pk) if situation.pk in on_passage else responsible)
        for situation in situations
    }


def _required(signers: list[CommissionMember]) -> set[int]:
    """The members of one situation whose signature is required: those carrying the responsibility (a jury of
    professionals only, which the rules do not foresee, would still have to sign)."""
    responsible = {member.pk for member in signers if member.carries_responsibility}
    return responsible or {member.pk for member in signers}


def is_fully_signed(signers: dict[int, list[CommissionMember] | None], valid: set[int]) -> bool:
    """Every situation has signers (a passage planned, with its jury) and each required one signed validly."""
    if not signers or any(not found for found in signers.values()):
        return False
    required = set().union(*(_required(found) for found in signers.values() if found))
    return required <= valid


def is_released(commission: Commission) -> bool:
    """The jury has deliberated (a candidate whose result was reopened since sees it again after the new one)."""
    return Deliberation.objects.filter(commission=commission).exists()


def unsigned_candidates(commission: Commission) -> list[Student]:
    """Candidates of the cohort whose sheet does not carry every required signature yet (result not locked)."""
    locked = CandidateResult.objects.filter(commission=commission, locked_at__isnull=False).values("student_id")
    return list(commission.cohort.students.exclude(pk__in=locked).select_related("user").order_by(*by_name()))


# --- Writes -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SituationEntry:
    date: datetime.date | None
    text: str
    fiche: Fiche | None = None


def _entry_fiche(
    situation: Situation, entry: SituationEntry, allowed: list[Fiche], subject: Fiche | None, wording: dict[str, Any]
) -> Fiche | None:
    """The fiche to record: the fiche sujet's one for the situation run on it (another one named is refused)."""
    if subject is not None and rests_on_subject(situation) and fiche_choice(situation) == FICHES_CHOSEN:
        if entry.fiche is not None and entry.fiche.pk != subject.pk:
            heading = wording["situations"].get(situation.code, {}).get("heading") or str(situation)
            raise SheetError(NOT_THE_SUBJECT_FICHE.format(heading=heading, number=subject.number, title=subject.title))
        return subject
    return entry.fiche if entry.fiche and entry.fiche.pk in {f.pk for f in allowed} else None


def _apply_entry(
    sheet: EvaluationSheet, situation: Situation, entry: SituationEntry, fiche: Fiche | None
) -> dict[str, list[str]]:
    appraisal = SituationAppraisal.objects.filter(sheet=sheet, situation=situation).first()
    appraisal = appraisal or SituationAppraisal(sheet=sheet, situation=situation)
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
    """Save the appraisals; ``version`` is the one the form was built on (0 for a sheet not created yet).

    The situation run on the fiche sujet records the fiche sujet's fiche: naming another is a SheetError and nothing
    is written.
    """
    fiches = candidate_fiches(commission, student)
    subject = subject_fiche(commission, student)
    situations = [situation for situation in commission.situations.all() if situation.code in entries]
    # Checked before anything is written: a refused fiche leaves the sheet as it was.
    wording = commission_wording(commission)
    chosen = {
        situation.code: _entry_fiche(
            situation,
            entries[situation.code],
            choosable_fiches(commission, situation, fiches, subject),
            subject,
            wording,
        )
        for situation in situations
    }
    try:
        with transaction.atomic():
            sheet = versioning.locked(EvaluationSheet.objects.filter(commission=commission, student=student))
            ensure_unlocked(commission, student)
            versioning.ensure_version(sheet, version, StaleSheet)
            sheet = sheet or EvaluationSheet.objects.create(commission=commission, student=student, version=0)
            changes = {}
            for situation in situations:
                diff = _apply_entry(sheet, situation, entries[situation.code], chosen[situation.code])
                if diff:
                    changes[situation.code] = diff
            if changes or sheet.version == 0:
                # A new version voids the signatures given on the previous one.
                versioning.bump(sheet)
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


def _signers_message(commission: Commission, signers: dict[int, list[CommissionMember] | None]) -> str:
    wording = commission_wording(commission)["situations"]
    parts = []
    for situation in commission.situations.order_by("code"):
        heading = wording.get(situation.code, {}).get("heading") or str(situation)
        found = signers.get(situation.pk)
        if found is None:
            parts.append(f"{heading} : jury du passage, non planifié")
        elif rests_on_subject(situation):
            parts.append(f"{heading} : jury du passage ({', '.join(m.user.display_name for m in found)})")
        else:
            parts.append(f"{heading} : membres portant la responsabilité de l'évaluation")
    return NOT_A_SIGNER.format(who=" ; ".join(parts))


def ensure_signer(commission: Commission, student: Student, member: CommissionMember) -> None:
    """The member signs at least one situation of the candidate's sheet, or SheetError (nothing is written)."""
    signers = situation_signers(commission, student)
    if not any(member.pk in {m.pk for m in found or ()} for found in signers.values()):
        raise SheetError(_signers_message(commission, signers))


def _required_signed(commission: Commission, student: Student, sheet: EvaluationSheet, mark: str) -> bool:
    signatures = Signature.objects.filter(sheet=sheet)
    valid = {s.member_id for s in signatures if is_valid_signature(s, sheet, mark)}
    return is_fully_signed(situation_signers(commission, student), valid)


def sign_sheet(
    *, commission: Commission, student: Student, member: CommissionMember, password: str, actor: User
) -> SignOutcome:
    """The member's electronic signature, after re-entering their password; locks once all required signed.

    Only a signer of one of the sheet's situations signs (``situation_signers``): the jury of the candidate's passage
    for the situation run on the fiche sujet, the responsible members for the others.
    """
    from certification.evaluation.services.freezing import ensure_writable

    ensure_writable(commission, student)
    ensure_signer(commission, student, member)
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
        locked = _required_signed(commission, student, sheet, mark)
        if locked:
            lock(commission, student, actor=actor)
    return SignOutcome(signature, renewed=renewed, locked=locked)


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
