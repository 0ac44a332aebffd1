"""Planning of the passages (the situations where the candidate comes), rooms, and the convocation of each passage.

No double booking: a room, a jury member (the person, whatever commission of the establishment they sit on) and a
candidate are never in two overlapping passages. Passages are half-open intervals [starts_at, ends_at): back-to-back
passages do not overlap. The check and the write run in one transaction after locking the establishment's row,
which serialises scheduling per establishment on PostgreSQL (SQLite's write transactions are already serial).

Scheduling convokes the student in the same transaction (the email with its PDF letter goes to the outbox, which
delivers it once SMTP answers); moving the date, the time or the room supersedes that convocation and convokes again
(« Modification de votre convocation »); changing only the jury tells the student nothing.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Establishment, Student, User
from audit.services import log_action
from certification.commissions.models import (
    Commission,
    CommissionMember,
    Passage,
    PassageJuror,
    Room,
    SimulationKind,
    Situation,
)
from certification.commissions.pdf import (
    passage_letter_context,
    passage_letter_filename,
    render_passage_letter_pdf,
)
from certification.commissions.services.commissions import CommissionError
from certification.commissions.services.convocations import convoke_passage, supersede_current_convocation
from lib import generations
from lib.french import de
from referentiel.models import SituationRule


class PlanningError(CommissionError):
    """A refused scheduling, with the French message shown to the user."""


STALE = "Ce passage a été modifié entre-temps par quelqu'un d'autre : rechargez la page et recommencez."


def _hm(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%H} h {timezone.localtime(moment):%M}"


def _span(passage: Passage) -> str:
    return f"de {_hm(passage.starts_at)} à {_hm(passage.ends_at)}"


# --- Rooms -------------------------------------------------------------------------------------------------------


def create_room(*, establishment: Establishment, name: str, actor: User) -> Room:
    name = " ".join(name.split())
    if not name:
        raise PlanningError("Indiquez le nom de la salle.")
    if Room.objects.filter(establishment=establishment, name__iexact=name).exists():
        raise PlanningError(f"La salle « {name} » existe déjà.")
    try:
        with transaction.atomic():
            room = Room.objects.create(establishment=establishment, name=name)
            log_action(
                "planning.room_created",
                actor=actor,
                obj=room,
                establishment_id=establishment.pk,
                changes={"name": name},
            )
    except IntegrityError:
        raise PlanningError(f"La salle « {name} » existe déjà.") from None
    return room


# --- Which situations have passages ------------------------------------------------------------------------------


def presence_situations(commission: Commission) -> QuerySet[Situation]:
    """The commission's situations where the candidate is present (from the session's rules): E4 B, E6 A and B."""
    present_codes = SituationRule.objects.filter(
        rule__session_id=commission.session_id, rule__exam_id=commission.exam_id, candidate_present=True
    ).values("code")
    return commission.situations.filter(code__in=present_codes).order_by("code")


def needs_simulation_kind(situation: Situation) -> bool:
    """The passage records how the simulation is run (E4 B), by the situation's definition."""
    definition = situation.definition
    return definition is not None and definition.simulation_kind


def _duration(situation: Situation) -> datetime.timedelta:
    minutes = situation.duration_minutes
    if not minutes:
        rule = SituationRule.objects.filter(
            rule__session_id=situation.commission.session_id,
            rule__exam_id=situation.commission.exam_id,
            code=situation.code,
        ).first()
        minutes = rule.duration_minutes if rule else None
    if not minutes:
        raise PlanningError(f"La durée de la situation {situation.code} n'est pas définie pour cette session.")
    return datetime.timedelta(minutes=minutes)


def _check_situation(situation: Situation) -> None:
    if not presence_situations(situation.commission).filter(pk=situation.pk).exists():
        raise PlanningError(
            f"La situation {situation.code} de l'épreuve {situation.commission.exam.code} se déroule sans le "
            "candidat : elle n'a pas de passage à planifier (informez les étudiants de sa date)."
        )


def _check_request(
    *,
    situation: Situation,
    student: Student,
    starts_at: datetime.datetime,
    room: Room,
    members: Sequence[CommissionMember],
    kind: str,
) -> str:
    """Everything that does not depend on the other passages; returns the simulation kind to store."""
    commission = situation.commission
    if timezone.is_naive(starts_at):
        raise PlanningError("L'heure de début du passage est invalide.")
    refusal = commission.session.date_refusal(timezone.localdate(starts_at), "Le passage")
    if refusal:
        raise PlanningError(refusal)
    if student.cohort_id != commission.cohort_id:
        raise PlanningError(f"{student} n'est pas dans la classe {commission.cohort.name} de cette commission.")
    if room.establishment_id != commission.cohort.establishment_id:
        raise PlanningError("Cette salle n'appartient pas à l'établissement de la commission.")
    if not members:
        raise PlanningError("Choisissez au moins un membre du jury pour ce passage.")
    for member in members:
        if member.commission_id != commission.pk:
            raise PlanningError(f"{member.user.display_name} n'est pas membre de cette commission.")
    if needs_simulation_kind(situation):
        if kind not in SimulationKind.values:
            raise PlanningError(
                "Choisissez le déroulement de la simulation : jeu de rôle complet, entretien évocateur, ou les deux."
            )
        return kind
    if kind:
        raise PlanningError("Le déroulement de la simulation ne concerne que la situation B de l'épreuve E4.")
    return ""


def _overlapping(starts_at: datetime.datetime, ends_at: datetime.datetime, exclude_pk: int | None) -> QuerySet[Passage]:
    # Half-open intervals: a passage ending at 14:15 does not overlap one starting at 14:15.
    found = Passage.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    return found.exclude(pk=exclude_pk) if exclude_pk else found


def _check_conflicts(
    *,
    student: Student,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: Room,
    members: Sequence[CommissionMember],
    exclude_pk: int | None = None,
) -> None:
    """Refuse when the room, a jury member or the candidate is taken (the caller holds the establishment's lock)."""
    overlapping = _overlapping(starts_at, ends_at, exclude_pk)
    taken = overlapping.filter(room=room).select_related("student__user").first()
    if taken is not None:
        raise PlanningError(f"La salle {room.name} est déjà occupée {_span(taken)} (passage {de(taken.student)}).")
    user_ids = [member.user_id for member in members]
    # The person, not the seat: the same teacher may sit on the E4 and the E6 commissions of the establishment.
    busy = (
        PassageJuror.objects.filter(passage__in=overlapping, member__user_id__in=user_ids)
        .select_related("member__user", "passage__room")
        .order_by("passage__starts_at")
        .first()
    )
    if busy is not None:
        raise PlanningError(
            f"{busy.member.user.display_name} est déjà dans le jury d'un passage {_span(busy.passage)} "
            f"(salle {busy.passage.room.name})."
        )
    own = overlapping.filter(student=student).select_related("room").first()
    if own is not None:
        raise PlanningError(f"{student} a déjà un passage {_span(own)} (salle {own.room.name}).")


def _lock_establishment(establishment_id: int) -> None:
    Establishment.objects.select_for_update().get(pk=establishment_id)


def _letter(passage: Passage, *, change: bool) -> tuple[dict[str, Any], bytes, str]:
    context = passage_letter_context(passage, change=change)
    return context, render_passage_letter_pdf(context), passage_letter_filename(passage)


def schedule_passage(
    *,
    situation: Situation,
    student: Student,
    starts_at: datetime.datetime,
    room: Room,
    members: Sequence[CommissionMember],
    simulation_kind: str = "",
    actor: User,
    base_url: str = "",
) -> Passage:
    """Schedule the candidate's passage and convoke them, or refuse with a French message and save nothing."""
    _check_situation(situation)
    kind = _check_request(
        situation=situation, student=student, starts_at=starts_at, room=room, members=members, kind=simulation_kind
    )
    if Passage.objects.filter(situation=situation, student=student).exists():
        raise PlanningError(
            f"{student} a déjà un passage pour la situation {situation.code} : modifiez-le plutôt que d'en créer un."
        )
    passage = Passage(
        situation=situation,
        student=student,
        starts_at=starts_at,
        ends_at=starts_at + _duration(situation),
        room=room,
        simulation_kind=kind,
        created_by=actor,
    )
    # The letter (the slow part) is rendered before the transaction opens.
    context, letter, filename = _letter(passage, change=False)
    establishment_id = situation.commission.cohort.establishment_id
    try:
        with transaction.atomic():
            _lock_establishment(establishment_id)
            _check_conflicts(
                student=student,
                starts_at=passage.starts_at,
                ends_at=passage.ends_at,
                room=room,
                members=members,
            )
            passage.save()
            PassageJuror.objects.bulk_create(PassageJuror(passage=passage, member=member) for member in members)
            convoke_passage(
                passage=passage, actor=actor, context=context, letter=letter, filename=filename, base_url=base_url
            )
            log_action(
                "planning.passage_scheduled",
                actor=actor,
                obj=passage,
                establishment_id=establishment_id,
                changes=_describe(passage, members),
            )
    except IntegrityError:
        raise PlanningError(f"{student} a déjà un passage pour la situation {situation.code}.") from None
    return passage


def _describe(passage: Passage, members: Sequence[CommissionMember]) -> dict[str, Any]:
    return {
        "student": str(passage.student),
        "situation": passage.situation.code,
        "starts_at": passage.starts_at.isoformat(),
        "ends_at": passage.ends_at.isoformat(),
        "room": passage.room.name,
        "jury": sorted(member.user.display_name for member in members),
        "simulation_kind": passage.simulation_kind,
    }


def move_passage(
    passage: Passage,
    *,
    starts_at: datetime.datetime,
    room: Room,
    members: Sequence[CommissionMember],
    simulation_kind: str = "",
    expected_version: int,
    actor: User,
    base_url: str = "",
) -> Passage:
    """Change the time, the room, the jury or the simulation kind; a new time or room convokes the student again."""
    situation = passage.situation
    kind = _check_request(
        situation=situation,
        student=passage.student,
        starts_at=starts_at,
        room=room,
        members=members,
        kind=simulation_kind,
    )
    if passage.version != expected_version:
        raise PlanningError(STALE)
    before = _describe(passage, jury_of(passage))
    ends_at = starts_at + _duration(situation)
    notify = starts_at != passage.starts_at or room.pk != passage.room_id
    moved = Passage(
        pk=passage.pk,
        situation=situation,
        student=passage.student,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        simulation_kind=kind,
        version=passage.version + 1,
        created_by_id=passage.created_by_id,
    )
    letter = _letter(moved, change=True) if notify else None
    establishment_id = situation.commission.cohort.establishment_id
    with transaction.atomic():
        _lock_establishment(establishment_id)
        _check_conflicts(
            student=passage.student,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
            members=members,
            exclude_pk=passage.pk,
        )
        updated = Passage.objects.filter(pk=passage.pk, version=expected_version).update(
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
            simulation_kind=kind,
            version=expected_version + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise PlanningError(STALE)
        generations.changed(Passage)  # QuerySet.update sends no post_save
        _replace_jury(passage, members)
        if letter is not None:
            supersede_current_convocation(passage)
            context, pdf_bytes, filename = letter
            convoke_passage(
                passage=moved, actor=actor, context=context, letter=pdf_bytes, filename=filename, base_url=base_url
            )
        after = _describe(moved, members)
        log_action(
            "planning.passage_moved",
            actor=actor,
            obj=passage,
            establishment_id=establishment_id,
            changes={key: [before[key], after[key]] for key in after if before[key] != after[key]}
            | {"notified": notify},
        )
    for field in ("starts_at", "ends_at", "room", "simulation_kind", "version"):
        setattr(passage, field, getattr(moved, field))
    return passage


def _replace_jury(passage: Passage, members: Sequence[CommissionMember]) -> None:
    wanted = {member.pk for member in members}
    current = set(PassageJuror.objects.filter(passage=passage).values_list("member_id", flat=True))
    PassageJuror.objects.filter(passage=passage).exclude(member_id__in=wanted).delete()
    PassageJuror.objects.bulk_create(
        PassageJuror(passage=passage, member_id=member_id) for member_id in sorted(wanted - current)
    )


def jury_of(passage: Passage) -> list[CommissionMember]:
    return list(CommissionMember.objects.filter(passages__passage=passage).select_related("user").order_by("pk"))
