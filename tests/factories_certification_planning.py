"""Builders of rooms and passages for the planning tests (the cast lives in tests/personas.py)."""

import datetime
import socket
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Student
from certification.commissions.services.planning import schedule_passage
from certification.models import (
    Commission,
    CommissionMember,
    Convocation,
    InformationMethod,
    Passage,
    PassageJuror,
    Room,
    SimulationKind,
    Situation,
)

EXAM_DAY = datetime.date(2027, 6, 3)


def at(hour: int, minute: int = 0, day: datetime.date = EXAM_DAY) -> datetime.datetime:
    """An aware local (Europe/Paris) time on the exam day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def make_room(establishment, name: str = "B12") -> Room:
    return Room.objects.get_or_create(establishment=establishment, name=name)[0]


def situation_of(commission: Commission, code: str = "B") -> Situation:
    return commission.situations.get(code=code)


def responsible_seat(commission: Commission) -> CommissionMember:
    return commission.members.get(user_id=commission.responsible_id)


def schedule(
    commission: Commission,
    student: Student,
    starts_at: datetime.datetime,
    *,
    room: Room | None = None,
    members: list[CommissionMember] | None = None,
    code: str = "B",
    kind: str | None = None,
) -> Passage:
    """Schedule through the service (convocation and email included)."""
    situation = situation_of(commission, code)
    if kind is None:
        kind = SimulationKind.ROLE_PLAY if commission.exam.code == "E4" and code == "B" else ""
    return schedule_passage(
        situation=situation,
        student=student,
        starts_at=starts_at,
        room=room or make_room(commission.cohort.establishment),
        members=members or [responsible_seat(commission)],
        simulation_kind=kind,
        actor=commission.responsible,
    )


def make_passage(
    commission: Commission,
    student: Student,
    starts_at: datetime.datetime,
    *,
    room: Room | None = None,
    code: str = "B",
    convoked: bool = True,
) -> Passage:
    """A passage written directly (no PDF, no email): for pages and access rows."""
    situation = situation_of(commission, code)
    passage = Passage.objects.create(
        situation=situation,
        student=student,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=situation.duration_minutes or 15),
        room=room or make_room(commission.cohort.establishment),
        simulation_kind=SimulationKind.ROLE_PLAY if commission.exam.code == "E4" and code == "B" else "",
        created_by=commission.responsible,
    )
    PassageJuror.objects.create(passage=passage, member=responsible_seat(commission))
    if convoked:
        Convocation.objects.create(
            passage=passage,
            student=student,
            method=InformationMethod.EMAIL,
            informed_at=timezone.now(),
            informed_by=commission.responsible,
            scheduled_for=passage.starts_at,
            room_name=passage.room.name,
        )
    return passage


# --- A real SMTP server on 127.0.0.1 (as in notifications/tests/conftest.py) ------------------------------------


@dataclass
class Inbox:
    envelopes: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def point_delivery_at(settings, port: int) -> None:
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.OUTBOX_MAX_ATTEMPTS = 8
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
