"""Builders for the harmonisation tests: an académie over the cast's establishment and a third one, another académie
over the cast's other establishment, an inspector, E6 commissions with marked profiles."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Academie, AcademieMembership, Cohort, Establishment, Membership, Role, Route, User
from certification.models import CandidateResult, Commission, Deliberation, MarkRange, ResultStatus
from harmonisation.models import HarmonisationRequest, MarksDispatch
from referentiel.models import Competency
from tests.factories_certification_commissions import make_commission
from tests.personas import Cast, make_student, make_user

EXAM = "E6"  # every compétence assessed for every candidate: one profile shape


@dataclass
class World:
    academie: Academie
    other_academie: Academie
    inspector: User
    third: Establishment
    commission: Commission  # cast.establishment, responsible cast.teacher
    high_commission: Commission  # the third establishment, marking S-S-S higher
    other_commission: Commission  # cast.other_establishment, another académie


def key_levels(commission: Commission, level: str = "S") -> dict[str, str]:
    competencies = Competency.objects.filter(block_id=commission.exam.block_id)
    return {str(c.pk): level for c in competencies}


def key_of(commission: Commission, level: str = "S") -> str:
    return "-".join(level for _ in key_levels(commission, level))


def mark(commission: Commission, student, value: str, level: str = "S") -> CandidateResult:
    return CandidateResult.objects.create(
        commission=commission,
        student=student,
        profile=key_levels(commission, level),
        status=ResultStatus.MARK,
        mark=Decimal(value),
    )


def add_candidates(commission: Commission, marks: list[str], prefix: str) -> list[CandidateResult]:
    results = []
    for index, value in enumerate(marks):
        student = make_student(
            f"{prefix}{index}", "Cand", f"{prefix.title()}{index}", commission.cohort, f"{prefix}{index:04d}"
        )
        results.append(mark(commission, student, value))
    return results


def make_world(cast: Cast, *, size: int = 3) -> World:
    academie = Academie.objects.create(code="10", name="Lyon")
    other_academie = Academie.objects.create(code="01", name="Paris")
    third = Establishment.objects.create(name="Lycée Ampère", uai="0690003C", city="Lyon", academie=academie)
    Establishment.objects.filter(pk=cast.establishment.pk).update(academie=academie)
    Establishment.objects.filter(pk=cast.other_establishment.pk).update(academie=other_academie)
    third_teacher = make_user("tom", "Tom", "Ampère")
    Membership.objects.create(user=third_teacher, establishment=third, role=Role.TEACHER)
    third_cohort = Cohort.objects.create(
        establishment=third, name="NDRC 2 A", route=Route.SCOLAIRE, year=2, exam_session=cast.session
    )
    inspector = make_user("ines", "Inès", "Inspectrice")
    AcademieMembership.objects.create(user=inspector, academie=academie)
    commission = make_commission(cast, EXAM)
    high = make_commission(cast, EXAM, cohort=third_cohort, responsible=third_teacher)
    other = make_commission(cast, EXAM, cohort=cast.other_cohort, responsible=cast.other_teacher)
    mark(commission, cast.student, "12")
    add_candidates(commission, ["11", "12"] * size, "jm")
    add_candidates(high, ["15", "15.5"] * size, "am")
    add_candidates(other, ["9"] * size, "vh")
    MarkRange.objects.create(
        commission=commission, profile_key=key_of(commission), low=Decimal("10"), high=Decimal("13")
    )
    MarkRange.objects.create(commission=high, profile_key=key_of(high), low=Decimal("14"), high=Decimal("15"))
    return World(academie, other_academie, inspector, third, commission, high, other)


def make_inspector(cast: Cast) -> User:
    """Only the role: an inspector of an académie holding the cast's establishment, no commission created."""
    academie = Academie.objects.create(code="10", name="Lyon")
    Establishment.objects.filter(pk=cast.establishment.pk).update(academie=academie)
    inspector = make_user("ines", "Inès", "Inspectrice")
    AcademieMembership.objects.create(user=inspector, academie=academie)
    return inspector


def make_request(cast: Cast, world: World | None = None) -> HarmonisationRequest:
    """An open request to the cast's commission (responsible: cast.teacher) about cast.student."""
    world = world or make_world(cast)
    return HarmonisationRequest.objects.create(
        academie=world.academie,
        commission=world.commission,
        student=cast.student,
        reason="S-S-S noté plus bas qu'ailleurs.",
        asked_by=world.inspector,
    )


def deliberate(commission: Commission, on: datetime.date = datetime.date(2027, 6, 20)) -> Deliberation:
    """The deliberation row alone (the lifecycle's checks are tested in certification)."""
    return Deliberation.objects.create(commission=commission, deliberated_on=on, recorded_by=commission.responsible)


def send(commission: Commission) -> MarksDispatch:
    """The commission deliberated, then its establishment's marks sent by its responsible."""
    from harmonisation.services import send_marks

    if not Deliberation.objects.filter(commission=commission).exists():
        deliberate(commission)
    return send_marks(
        actor=commission.responsible,
        establishment=Establishment.objects.get(pk=commission.cohort.establishment_id),
        session=commission.session,
        exam=commission.exam,
    )
