"""What the commission pages show, built from the models for the templates: one row per student with a cell per
dated step (its convocation and delivery), the members a commission may add, the information still being sent;
the planning by day and the convocation proofs of the passages.
"""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Student, User
from certification.commissions.models import (
    Commission,
    CommissionMember,
    Convocation,
    InformationMethod,
    Passage,
    PassageJuror,
    SituationStep,
    UninformedAssessment,
)
from certification.commissions.services import commissions as commission_services
from certification.commissions.services import convocations as convocation_services
from certification.commissions.services import delivery, informed
from certification.commissions.services import planning as planning_services
from certification.commissions.services.delivery import attach_delivery
from certification.commissions.services.informed import information_by_student_step
from certification.dossiers.models import Dossier
from lib.collation import by_name
from notifications.models import OutboxState


@dataclass
class StepCell:
    step: SituationStep
    convocation: Convocation | None
    uninformed: UninformedAssessment | None


@dataclass
class StudentRow:
    student: Student
    dossier_pk: int | None
    cells: list[StepCell]


def member_candidates(commission: Commission) -> QuerySet[User]:
    """Teachers and professionals of the establishment not yet on the commission (the service checks the rest)."""
    establishment_id = commission.cohort.establishment_id
    people = commission_services.establishment_teachers(establishment_id) | (
        commission_services.establishment_professionals(establishment_id)
    )
    return people.exclude(commission_seats__commission=commission).distinct().order_by(*by_name(""))


def student_rows(commission: Commission, steps: list[SituationStep]) -> list[StudentRow]:
    """One row per student of the cohort with their information per step: a fixed number of queries."""
    students = commission.cohort.students.select_related("user").order_by(*by_name())
    informations = informed.information_by_student_step(steps)
    attach_delivery(list(informations.values()))
    reasons = informed.uninformed_reasons(steps)
    dossiers = dict(
        Dossier.objects.filter(
            student__cohort_id=commission.cohort_id, exam_id=commission.exam_id, session_id=commission.session_id
        ).values_list("student_id", "pk")
    )
    return [
        StudentRow(
            student,
            dossiers.get(student.pk),
            [
                StepCell(step, informations.get((student.pk, step.pk)), reasons.get((student.pk, step.pk)))
                for step in steps
            ],
        )
        for student in students
    ]


def mark_in_flight(steps: list[SituationStep], rows: list[StudentRow]) -> None:
    """« Envoi en cours » instead of the button while a confirmed information is being sent: n sent of n queued."""
    requested = convocation_services.requests_in_flight([step.pk for step in steps])
    for index, step in enumerate(steps):
        ids = set(requested.get(step.pk, []))
        states = {
            row.student.pk: getattr(row.cells[index].convocation, "delivery_state", None)
            for row in rows
            if row.student.pk in ids
        }
        step.sending_total = len(states)
        step.sending_done = sum(1 for state in states.values() if state == delivery.DELIVERED)
        # Still running: some requested student has no convocation yet, or an email still queued.
        step.sending = any(state in (None, delivery.PENDING) for state in states.values())


# The outbox state of a passage convocation's email, as the proofs page words it (label, tag class).
OUTBOX_LABELS = {
    OutboxState.QUEUED: ("en file d'attente", "tag-warn"),
    OutboxState.SENDING: ("en cours d'envoi", "tag-warn"),
    OutboxState.SENT: ("envoyé", "tag-ok"),
    OutboxState.FAILED: ("échec", "tag-err"),
    OutboxState.UNCERTAIN: ("remise incertaine", "tag-warn"),
    OutboxState.REFUSED: ("non remise", "tag-err"),
}


def commission_passages(commission: Commission) -> list[Passage]:
    """Every passage of the commission with its jury and current convocation, in a fixed number of queries."""
    passages: list[Passage] = list(
        Passage.objects.filter(situation__commission=commission)
        .select_related("student__user", "room", "situation")
        .prefetch_related(
            Prefetch("jurors", queryset=PassageJuror.objects.select_related("member__user").order_by("member_id")),
            Prefetch(
                "convocations",
                queryset=Convocation.objects.filter(superseded_at__isnull=True),
                to_attr="current_convocations",
            ),
        )
        .order_by("starts_at", "room__name")
    )
    for passage in passages:
        passage.jury = [juror.member for juror in passage.jurors.all()]
        current: list[Convocation] = getattr(passage, "current_convocations", [])  # the Prefetch's to_attr above
        passage.convocation = current[0] if current else None
    return passages


def by_day(passages: list[Passage]) -> list[tuple[datetime.date, list[Passage]]]:
    return [
        (day, list(group))
        for day, group in groupby(passages, key=lambda passage: timezone.localdate(passage.starts_at))
    ]


@dataclass
class JurySection:
    members: list[CommissionMember]
    passages: list[Passage] = field(default_factory=list)


def attach_outbox_delivery(convocations: list[Convocation]) -> None:
    """Each convocation's outbox state and proof (one query for all of them)."""
    attach_delivery(convocations)
    for convocation in convocations:
        message = convocation.outbox
        if convocation.letter_handed_at:
            convocation.delivery, convocation.delivery_tag = "lettre remise en main propre", "tag-ok"
        elif convocation.method == InformationMethod.LETTER:
            convocation.delivery, convocation.delivery_tag = "lettre à remettre", "tag-warn"
        elif message is None:
            convocation.delivery, convocation.delivery_tag = "courriel introuvable", "tag-err"
        else:
            convocation.delivery, convocation.delivery_tag = OUTBOX_LABELS[OutboxState(message.state)]


@dataclass
class ProofLine:
    label: str
    current: Convocation | None
    history: list[Convocation] = field(default_factory=list)
    letter_url: str = ""


@dataclass
class ProofRow:
    student: object
    lines: list[ProofLine] = field(default_factory=list)


def proof_rows(commission: Commission) -> list[ProofRow]:
    students = list(commission.cohort.students.select_related("user").order_by(*by_name()))
    steps = list(SituationStep.objects.filter(situation__commission=commission).select_related("situation"))
    step_informations = information_by_student_step(steps)
    # Where the candidate comes, the passage's convocation is the proof: a step line shows only an earlier
    # information of its date.
    with_passages = set(planning_services.presence_situations(commission).values_list("pk", flat=True))
    passages = list(
        Passage.objects.filter(situation__commission=commission)
        .select_related("situation", "room")
        .prefetch_related(Prefetch("convocations", queryset=Convocation.objects.order_by("-informed_at", "-pk")))
    )
    attach_outbox_delivery(list(step_informations.values()) + [c for p in passages for c in p.convocations.all()])
    passages_by_student: dict[int, list[Passage]] = {}
    for passage in passages:
        passages_by_student.setdefault(passage.student_id, []).append(passage)
    rows = []
    for student in students:
        row = ProofRow(student)
        for step in steps:
            if step.situation_id in with_passages and (student.pk, step.pk) not in step_informations:
                continue
            row.lines.append(
                ProofLine(
                    f"Situation {step.situation.code} – {step.date:%d/%m/%Y}",
                    step_informations.get((student.pk, step.pk)),
                    letter_url=reverse("certification:convocation_letter", args=[step.pk, student.pk]),
                )
            )
        for passage in sorted(passages_by_student.get(student.pk, []), key=lambda p: p.situation.code):
            convocations = list(passage.convocations.all())
            start = timezone.localtime(passage.starts_at)
            row.lines.append(
                ProofLine(
                    f"Situation {passage.situation.code} – passage du {start:%d/%m/%Y à %H:%M}, salle {passage.room}",
                    next((c for c in convocations if c.superseded_at is None), None),
                    [c for c in convocations if c.superseded_at is not None],
                    letter_url=reverse("certification:passage_letter", args=[passage.pk]),
                )
            )
        rows.append(row)
    return rows
