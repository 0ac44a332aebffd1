"""Writes on dossiers: the student's selection, the deposit (which freezes the fiches), the late deposit.

Composition defects never block anything here (see certification.dossiers.services.composition). Two things do
refuse, with a French
message (``DossierError``): changing a deposited dossier, and a student's deposit after the deadline — a late
deposit exists only as recorded by an administrator, with its date and reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Student, User
from accounts.permissions import admin_establishment_ids
from audit.services import log_action
from certification.dossiers.models import Dossier, DossierAttestation, DossierFiche, DossierState
from certification.dossiers.selectors import PARIS, deadline_passed, deposit_deadline, paris_today
from lib.refusals import Refused
from passeport.deposited import store_at_deposit
from passeport.models import Fiche, FicheVersion, FicheVerso, InternshipPeriod
from passeport.rubrics import fiche_definition
from passeport.services.fiches import normalise_text
from referentiel.models import Exam

SUBMITTED = "submitted"
ALREADY_SUBMITTED = "already_submitted"

READ_ONLY = "Ce dossier a été déposé : il ne peut plus être modifié."


class DossierError(Refused):
    """A refused change, with the French message shown to the user."""


@dataclass(frozen=True)
class SubmitResult:
    status: str  # SUBMITTED, or ALREADY_SUBMITTED (a double submit: nothing was written)
    dossier: Dossier


def late_message(deadline: datetime.date) -> str:
    return (
        f"La date limite de dépôt du {deadline:%d/%m/%Y} est passée : "
        "adressez-vous à l'administration de votre établissement."
    )


def _lock(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("student__user", "student__cohort", "exam", "session")
        .get(pk=dossier.pk)
    )


def _audit(action: str, dossier: Dossier, actor: User, changes: dict[str, Any]) -> None:
    log_action(action, actor=actor, obj=dossier, establishment_id=dossier.student.establishment_id, changes=changes)


def _label(fiche: Fiche, verso: FicheVerso | None) -> str:
    return f"{fiche.exam.code} n° {fiche.number}" + (f" verso {verso.order}" if verso is not None else "")


def _check_ownership(
    student: Student, fiches: Sequence[tuple[Fiche, FicheVerso | None]], internships: Sequence[InternshipPeriod]
) -> None:
    """The form only offers the student's own rows; this guards every other caller."""
    for fiche, verso in fiches:
        if fiche.student_id != student.pk or (verso is not None and verso.fiche_id != fiche.pk):
            raise DossierError("Seules vos propres fiches peuvent figurer dans votre dossier.")
    if any(period.student_id != student.pk for period in internships):
        raise DossierError("Seules vos propres périodes en entreprise peuvent figurer dans votre dossier.")


@transaction.atomic
def save_dossier_selection(
    *,
    student: Student,
    exam: Exam,
    author: User,
    fiches: Sequence[tuple[Fiche, FicheVerso | None]],
    internships: Sequence[InternshipPeriod],
) -> Dossier:
    """Create the draft on its first save, then replace its fiches and attestations; defects never block."""
    _check_ownership(student, fiches, internships)
    dossier, created = Dossier.objects.get_or_create(
        student=student, exam=exam, session_id=student.cohort.exam_session_id
    )
    dossier = _lock(dossier)
    if dossier.state == DossierState.SUBMITTED:
        raise DossierError(READ_ONLY)
    before = (
        sorted(_label(i.fiche, i.verso) for i in dossier.items.select_related("fiche__exam", "verso")),
        sorted(dossier.attestations.values_list("internship_id", flat=True)),
    )
    dossier.items.all().delete()
    dossier.attestations.all().delete()
    DossierFiche.objects.bulk_create(
        DossierFiche(dossier=dossier, fiche=fiche, verso=verso, order=order)
        for order, (fiche, verso) in enumerate(_unique(fiches), start=1)
    )
    DossierAttestation.objects.bulk_create(
        DossierAttestation(dossier=dossier, internship=period) for period in {p.pk: p for p in internships}.values()
    )
    after = (sorted(_label(f, v) for f, v in _unique(fiches)), sorted({p.pk for p in internships}))
    if created or before != after:
        _audit(
            "dossier.created" if created else "dossier.saved",
            dossier,
            author,
            {"fiches": [before[0], after[0]], "attestations": [before[1], after[1]]},
        )
    return dossier


def _unique(fiches: Sequence[tuple[Fiche, FicheVerso | None]]) -> list[tuple[Fiche, FicheVerso | None]]:
    seen, out = set(), []
    for fiche, verso in fiches:
        key = (fiche.pk, verso.pk if verso is not None else None)
        if key not in seen:
            seen.add(key)
            out.append((fiche, verso))
    return out


def _clean_part(fiche: Fiche, part: str, content: dict[str, str] | None) -> dict[str, str]:
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    content = content or {}
    return {r.code: normalise_text(content.get(r.code, "")) for r in form.part(part)}


def freeze_fiche(fiche: Fiche, author: User) -> FicheVersion:
    """A new snapshot of the fiche as it stands: later edits of the fiche never change what was deposited."""
    locked = Fiche.objects.select_for_update(of=("self",)).select_related("exam").get(pk=fiche.pk)
    return FicheVersion.objects.create(
        fiche=locked,
        number=locked.version,
        title=locked.title,
        recto=_clean_part(locked, "recto", locked.recto),
        versos=[
            _clean_part(locked, "verso", v.content) for v in FicheVerso.objects.filter(fiche=locked).order_by("order")
        ],
        author=author,
        is_conflict=False,
        is_autosave=False,
    )


def freeze_dossier_fiches(dossier: Dossier) -> list[FicheVersion]:
    """Freeze every fiche of the dossier (one snapshot per fiche, shared by its chosen versos); call in a transaction.

    The snapshot's author is the student: the text is theirs, whoever records the deposit.
    """
    author = dossier.student.user
    versions: dict[int, FicheVersion] = {}
    items = list(dossier.items.select_related("fiche", "verso").order_by("order", "pk"))
    for item in items:
        if item.fiche_id not in versions:
            versions[item.fiche_id] = freeze_fiche(item.fiche, author)
        item.version = versions[item.fiche_id]
        item.save(update_fields=["version"])
    # Each deposited fiche's PDF is written once, after the commit; packs read it instead of laying it out again.
    store_at_deposit([(versions[item.fiche_id].pk, item.verso.order if item.verso else 0) for item in items])
    return list(versions.values())


def _submit(dossier: Dossier, actor: User, now: datetime.datetime) -> list[FicheVersion]:
    versions = freeze_dossier_fiches(dossier)
    dossier.state = DossierState.SUBMITTED
    dossier.submitted_at = now
    dossier.submitted_by = actor
    return versions


@transaction.atomic
def submit_dossier(*, dossier: Dossier, actor: User) -> SubmitResult:
    """The student's deposit: refused after the deadline (Paris date); a second deposit is a no-op."""
    locked = _lock(dossier)
    if locked.state == DossierState.SUBMITTED:
        return SubmitResult(ALREADY_SUBMITTED, locked)
    if locked.student.user_id != actor.pk:
        raise DossierError(
            "Seul·e l'étudiant·e dépose son dossier ; un dépôt tardif est enregistré par l'administration."
        )
    deadline = deposit_deadline(locked)
    if deadline is not None and deadline_passed(deadline, paris_today()):
        raise DossierError(late_message(deadline))
    versions = _submit(locked, actor, timezone.now())
    locked.save(update_fields=["state", "submitted_at", "submitted_by"])
    _audit("dossier.submitted", locked, actor, {"fiches": locked.items.count(), "versions": [v.pk for v in versions]})
    return SubmitResult(SUBMITTED, locked)


@transaction.atomic
def record_late_deposit(*, dossier: Dossier, actor: User, deposit_date: datetime.date, reason: str) -> Dossier:
    """An administrator records a deposit after the deadline and deposits the dossier on the student's behalf."""
    locked = _lock(dossier)
    if locked.student.establishment_id not in admin_establishment_ids(actor):
        raise DossierError("Seule l'administration de l'établissement enregistre un dépôt tardif.")
    if locked.state == DossierState.SUBMITTED:
        when = timezone.localtime(locked.submitted_at, PARIS)
        raise DossierError(f"Ce dossier a déjà été déposé le {when:%d/%m/%Y} : il n'y a pas de dépôt à enregistrer.")
    reason = reason.strip()
    if not reason:
        raise DossierError("Indiquez le motif du dépôt tardif.")
    if deposit_date > paris_today():
        raise DossierError("La date du dépôt ne peut pas être dans le futur.")
    now = timezone.now()
    versions = _submit(locked, actor, now)
    locked.late_deposit_recorded_at = now
    locked.late_deposit_recorded_by = actor
    locked.late_deposit_date = deposit_date
    locked.late_deposit_reason = reason
    locked.save(
        update_fields=[
            "state",
            "submitted_at",
            "submitted_by",
            "late_deposit_recorded_at",
            "late_deposit_recorded_by",
            "late_deposit_date",
            "late_deposit_reason",
        ]
    )
    changes = {"date": deposit_date.isoformat(), "motif": reason, "versions": [v.pk for v in versions]}
    _audit("dossier.late_deposit_recorded", locked, actor, changes)
    return locked
