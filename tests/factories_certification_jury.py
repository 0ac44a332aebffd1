"""Builders of passages, fiches sujet and jury notes for the jury-day and to-do tests (the cast: tests/personas.py).

Passages are created directly (``Passage.objects.create`` + ``PassageJuror``), without the planning service.
"""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Student, User
from certification.dossiers.services.dossiers import freeze_dossier_fiches
from certification.models import (
    Commission,
    CommissionMember,
    Dossier,
    DossierState,
    ParameterChange,
    Passage,
    PassageJuror,
    Room,
    Situation,
    SubjectQuestion,
    SubjectSheet,
)
from tests.factories_certification_dossiers import complete_dossier

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PASSAGE_START = datetime.datetime(2027, 6, 3, 10, 0, tzinfo=PARIS)

# Rubric texts of a fiche sujet: what the chosen fiche said, and what the commission changed.
CANDIDATE_ORIGINAL = {
    "objet": "Négociation d'un contrat d'entretien",
    "historique": "Client fidèle depuis trois ans.",
    "contraintes": "Budget annuel de 12 000 euros.",
}
CANDIDATE_CHANGED = {
    "historique": "Premier contact : le client vient d'un concurrent.",
    "contraintes": "Budget réduit de 20 %.",
}
JURY_ORIGINAL = {"identite": "M. Martin, syndic", "motivations": "Réduire les coûts", "objections": ""}
JURY_CHANGED = {"objections": "« Votre concurrent est 10 % moins cher. »"}
QUESTIONS = [
    "Et si je vous disais que mon budget ne permet pas cette prestation, que me proposeriez-vous ?",
    "Et si je n'étais pas content de cette condition commerciale, que pourriez-vous me proposer ?",
]


def make_room(commission: Commission, name: str = "Salle 204") -> Room:
    room, _ = Room.objects.get_or_create(establishment_id=commission.cohort.establishment_id, name=name)
    return room


def make_passage(
    commission: Commission,
    student: Student,
    *,
    code: str = "B",
    starts_at: datetime.datetime = PASSAGE_START,
    minutes: int | None = None,
    room: Room | None = None,
    jurors: list[CommissionMember] | None = None,
    simulation_kind: str = "evocative",
    created_by: User | None = None,
) -> Passage:
    """A passage of ``student`` in situation ``code``, lasting the situation's duration; jurors: every member."""
    situation = Situation.objects.get(commission=commission, code=code)
    minutes = minutes or situation.duration_minutes or 15
    passage = Passage.objects.create(
        situation=situation,
        student=student,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        room=room or make_room(commission),
        simulation_kind=simulation_kind,
        created_by=created_by or commission.responsible,
    )
    for member in jurors if jurors is not None else commission.members.all():
        PassageJuror.objects.create(passage=passage, member=member)
    return passage


def submitted_dossier(student: Student, exam_code: str = "E4") -> Dossier:
    """A complete dossier, deposited: each fiche frozen in a FicheVersion, as ``submit_dossier`` does."""
    dossier = complete_dossier(student, exam_code)
    with transaction.atomic():
        freeze_dossier_fiches(dossier)
        dossier.state = DossierState.SUBMITTED
        dossier.submitted_at = timezone.now()
        dossier.submitted_by = student.user
        dossier.save(update_fields=["state", "submitted_at", "submitted_by"])
    return dossier


def make_subject_sheet(
    commission: Commission,
    student: Student,
    dossier: Dossier | None = None,
    *,
    with_jury_part: bool = True,
    questions: list[str] | None = None,
) -> SubjectSheet:
    """The fiche sujet of ``student`` from the first fiche of their dossier, two candidate rubrics and one jury
    rubric changed (ParameterChange rows written as the subject service does), and the prepared questions."""
    dossier = dossier or submitted_dossier(student)
    item = dossier.items.order_by("order", "pk").first()
    assert item is not None
    candidate = {**CANDIDATE_ORIGINAL, **CANDIDATE_CHANGED}
    jury = {**JURY_ORIGINAL, **JURY_CHANGED} if with_jury_part else {}
    sheet = SubjectSheet.objects.create(
        commission=commission,
        student=student,
        dossier_fiche=item,
        fiche_number=item.fiche.number,
        title=item.fiche.title,
        activity_kind="nego",
        candidate=candidate,
        jury=jury,
        originals={"candidate": CANDIDATE_ORIGINAL, "jury": JURY_ORIGINAL if with_jury_part else {}},
        with_jury_part=with_jury_part,
        created_by=commission.responsible,
    )
    for part, original, changed in (
        ("candidate", CANDIDATE_ORIGINAL, CANDIDATE_CHANGED),
        ("jury", JURY_ORIGINAL, JURY_CHANGED if with_jury_part else {}),
    ):
        for rubric, text in changed.items():
            ParameterChange.objects.create(
                sheet=sheet, part=part, rubric=rubric, original_text=original.get(rubric, ""), new_text=text
            )
    for order, text in enumerate(QUESTIONS if questions is None else questions, start=1):
        SubjectQuestion.objects.create(sheet=sheet, text=text, order=order)
    return sheet
