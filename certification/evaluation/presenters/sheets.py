"""What the evaluation sheet page shows: one line per situation (appraisal, fiches, dates) and per member (signature
state), read in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Student
from certification.commissions.models import Commission, CommissionMember, Convocation, Situation
from certification.evaluation.models import (
    CandidateResult,
    EvaluationSheet,
    Signature,
    SituationAppraisal,
)
from certification.evaluation.services.sheets import (
    NO_PASSAGE,
    NO_SUBJECT_YET,
    candidate_fiches,
    candidate_result,
    commission_wording,
    fiche_choice,
    format_mark,
    is_fully_signed,
    is_valid_signature,
    rests_on_subject,
    situation_signers,
    subject_fiche,
)
from passeport.models import Fiche
from referentiel.exams import FICHES_CHOSEN, FICHES_OTHERS, FICHES_REAL_LIVED


def convoked_date(situation: Situation, student: Student) -> datetime.date | None:
    """The date of the (last) step of ``situation`` the candidate was officially informed of."""
    return (
        Convocation.objects.filter(step__situation=situation, student=student)
        .order_by("-step__date")
        .values_list("step__date", flat=True)
        .first()
    )


@dataclass
class SituationLine:
    situation: Situation
    wording: dict[str, Any]
    appraisal: SituationAppraisal | None
    date: datetime.date | None
    text: str
    fiches: list[Fiche]
    kinds: list[tuple[str, bool]]  # (official label, ticked)
    fiche_note: str = ""  # e.g. no fiche sujet yet for the situation run on it
    # Who signs this situation (``None``: not known yet, ``signers_note`` says why).
    signers: list[MemberLine] | None = field(default_factory=list)
    signers_note: str = ""


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
    members: list[MemberLine]  # everyone who signs at least one situation
    candidate_fiches: list[Fiche] = field(default_factory=list)
    subject: Fiche | None = None  # the fiche of the candidate's fiche sujet

    @property
    def version(self) -> int:
        return self.sheet.version if self.sheet else 0

    @property
    def fully_signed(self) -> bool:
        signers = {
            line.situation.pk: [m.member for m in line.signers] if line.signers is not None else None
            for line in self.situations
        }
        valid = {line.member.pk for line in self.members if line.valid}
        return is_fully_signed(signers, valid)

    def may_sign(self, member: CommissionMember | None) -> bool:
        return member is not None and any(line.member.pk == member.pk for line in self.members)


def _fiches_of(
    kind: str, appraisal: SituationAppraisal | None, fiches: list[Fiche], a_fiche: Fiche | None
) -> list[Fiche]:
    chosen = appraisal.fiche if appraisal and appraisal.fiche_id else None
    if kind == FICHES_CHOSEN:
        return [chosen] if chosen else []
    if kind == FICHES_REAL_LIVED:
        return [chosen] if chosen else [fiche for fiche in fiches if fiche.real_lived][:1]
    if kind == FICHES_OTHERS:
        return [fiche for fiche in fiches if a_fiche is None or fiche.pk != a_fiche.pk]
    return []


def _fiche_lines(
    situation: Situation,
    appraisal: SituationAppraisal | None,
    fiches: list[Fiche],
    first_fiche: Fiche | None,
    subject: Fiche | None,
) -> tuple[list[Fiche], str]:
    """The fiches the line shows and a note: the situation run on the fiche sujet shows the fiche sujet's fiche."""
    kind = fiche_choice(situation)
    if kind == FICHES_CHOSEN and rests_on_subject(situation):
        if subject is not None:
            return [subject], ""
        return _fiches_of(kind, appraisal, fiches, first_fiche), NO_SUBJECT_YET
    return _fiches_of(kind, appraisal, fiches, first_fiche), ""


def _situation_lines(
    commission: Commission,
    student: Student,
    sheet: EvaluationSheet | None,
    wording: dict[str, Any],
    fiches: list[Fiche],
    subject: Fiche | None,
    signers: dict[int, list[MemberLine] | None],
) -> list[SituationLine]:
    appraisals = {a.situation_id: a for a in sheet.appraisals.select_related("fiche__kind")} if sheet else {}
    lines: list[SituationLine] = []
    first_fiche = None  # the fiche of the first situation naming one (« others » are the rest of the dossier)
    for situation in commission.situations.order_by("code"):
        appraisal = appraisals.get(situation.pk)
        shown, fiche_note = _fiche_lines(situation, appraisal, fiches, first_fiche, subject)
        if first_fiche is None and shown and fiche_choice(situation) != FICHES_OTHERS:
            first_fiche = shown[0]
        ticked = {fiche.kind.code for fiche in shown}
        situation_signers = signers.get(situation.pk)
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
                fiche_note=fiche_note,
                signers=situation_signers,
                signers_note=NO_PASSAGE if situation_signers is None else "",
            )
        )
    return lines


def _member_lines(
    sheet: EvaluationSheet | None, mark: str, signers: dict[int, list[CommissionMember] | None]
) -> dict[int, MemberLine]:
    signatures = {s.member_id: s for s in sheet.signatures.all()} if sheet else {}
    lines: dict[int, MemberLine] = {}
    for found in signers.values():
        for member in found or ():
            if member.pk not in lines:
                signature = signatures.get(member.pk)
                valid = signature is not None and sheet is not None and is_valid_signature(signature, sheet, mark)
                lines[member.pk] = MemberLine(member, signature, valid)
    return lines


def sheet_view(commission: Commission, student: Student) -> SheetView:
    """Everything the verso shows, for the page, the PDF and the student's results."""
    sheet = EvaluationSheet.objects.filter(commission=commission, student=student).first()
    result = candidate_result(commission, student)
    mark = format_mark(result)
    wording = commission_wording(commission)
    fiches = candidate_fiches(commission, student)
    subject = subject_fiche(commission, student)
    signers = situation_signers(commission, student)
    member_lines = _member_lines(sheet, mark, signers)
    by_situation = {
        pk: ([member_lines[member.pk] for member in found] if found is not None else None)
        for pk, found in signers.items()
    }
    ordered = sorted(member_lines.values(), key=lambda line: (not line.member.carries_responsibility, line.member.pk))
    return SheetView(
        commission=commission,
        student=student,
        wording=wording,
        sheet=sheet,
        result=result,
        mark=mark,
        situations=_situation_lines(commission, student, sheet, wording, fiches, subject, by_situation),
        members=ordered,
        candidate_fiches=fiches,
        subject=subject,
    )
