"""Builders of fiches sujet, passages and questions for tests (the cast lives in tests/personas.py).

Passages are created directly: the planning service is another area's, and these tests must not depend on it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Student, User
from certification.commissions.services.subjects import dossier_fiches, save_subject_sheet, start_subject_sheet
from certification.dossiers.services.dossiers import freeze_dossier_fiches
from certification.models import (
    Commission,
    Dossier,
    DossierState,
    Passage,
    Question,
    Room,
    Situation,
    SubjectSheet,
)
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_dossiers import complete_dossier
from tests.personas import Cast


def submitted_dossier(student: Student) -> Dossier:
    """The student's E4 dossier (a nego-vente fiche then an evenement fiche), deposited and frozen."""
    dossier = complete_dossier(student)
    with transaction.atomic():
        freeze_dossier_fiches(dossier)
        dossier.state = DossierState.SUBMITTED
        dossier.submitted_at = timezone.now()
        dossier.submitted_by = student.user
        dossier.save(update_fields=["state", "submitted_at", "submitted_by"])
    return dossier


def make_sheet(
    cast: Cast,
    commission: Commission | None = None,
    student: Student | None = None,
    *,
    index: int = 0,
    actor: User | None = None,
) -> SubjectSheet:
    """A fiche sujet started from the ``index``-th fiche of the student's deposited dossier (made if needed)."""
    commission = commission or make_commission(cast)
    student = student or cast.student
    if not Dossier.objects.filter(student=student, exam_id=commission.exam_id, state=DossierState.SUBMITTED).exists():
        submitted_dossier(student)
    sheet = start_subject_sheet(
        commission=commission,
        student=student,
        dossier_fiche=dossier_fiches(commission, student)[index],
        actor=actor or commission.responsible,
    )
    sheet.commission = commission
    return sheet


def change(sheet: SubjectSheet, actor: User | None = None, **texts: str) -> SubjectSheet:
    """Save the sheet with new candidate-part texts (``contraintes="…"``); ``jury__objections="…"`` for the jury."""
    candidate = {code: text for code, text in texts.items() if not code.startswith("jury__")}
    jury = {code.removeprefix("jury__"): text for code, text in texts.items() if code.startswith("jury__")}
    data = {"candidate": candidate, "jury": jury, "with_jury_part": bool(jury) or sheet.with_jury_part}
    saved = save_subject_sheet(
        sheet=sheet, data=data, expected_version=sheet.version, actor=actor or sheet.commission.responsible
    )
    saved.commission = sheet.commission
    return saved


def situation_b(commission: Commission) -> Situation:
    return Situation.objects.get(commission=commission, code="B")


def make_passage(
    commission: Commission,
    student: Student,
    *,
    starts_at: datetime.datetime | None = None,
    minutes: int = 15,
    room_name: str = "Salle 101",
) -> Passage:
    """The student's situation B passage; by default it started five minutes ago (candidate part released)."""
    starts_at = starts_at or timezone.now() - datetime.timedelta(minutes=5)
    room, _created = Room.objects.get_or_create(establishment=commission.cohort.establishment, name=room_name)
    return Passage.objects.create(
        situation=situation_b(commission),
        student=student,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        room=room,
        created_by=commission.responsible,
    )


def passage_with_sheet(cast: Cast, *, starts_at: datetime.datetime | None = None) -> Passage:
    """cast.student's situation B passage, with a fiche sujet whose constraint was changed."""
    sheet = make_sheet(cast)
    change(sheet, contraintes="Le budget du client a été réduit de 20 % depuis la dernière rencontre.")
    return make_passage(sheet.commission, cast.student, starts_at=starts_at)


def bank_question(cast: Cast, text: str = "Et si je vous disais que c'est trop cher ?", rubric: str = "") -> Question:
    return Question.objects.create(establishment=cast.establishment, text=text, rubric=rubric, created_by=cast.teacher)
