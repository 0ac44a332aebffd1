"""Reads beside a grid: the members' positions compared line by line for the agreed grid, and the candidate's
evidence (fiches, formative positions, internships) shown next to each compétence. Jury only.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from accounts.models import Student
from certification.commissions.models import Commission, CommissionMember
from certification.dossiers.models import Dossier
from certification.evaluation.models import Grid, GridLine
from certification.evaluation.services.grids import LayoutCriterion
from passeport.models import Activity, Fiche, FicheComment, FormativePosition, InternshipPeriod
from passeport.selectors_internships import internship_summary
from referentiel.models import Competency, Criterion, Level


@dataclass
class MemberPosition:
    member: CommissionMember
    level: Level | None


@dataclass
class AgreedLine:
    criterion: Criterion | LayoutCriterion  # the grid page passes its layout's critères (same attribute names)
    positions: list[MemberPosition]
    agreed: Level | None
    disagreement: bool = False
    # The level every member chose, when they all positioned the line the same way (pre-fills the agreed grid).
    unanimous: Level | None = None
    distinct_codes: list[str] = field(default_factory=list)


def member_grids(commission: Commission, student: Student) -> dict[int, Grid]:
    """Each member's own grid of the candidate, by member id, with lines and levels: 3 queries."""
    grids = (
        Grid.objects.filter(commission=commission, student=student, member__isnull=False)
        .select_related("member__user", "updated_by")
        .prefetch_related(
            Prefetch("lines", queryset=GridLine.objects.select_related("level")),
            "comments",
        )
    )
    return {grid.member_id: grid for grid in grids if grid.member_id is not None}


def agreed_lines(
    members: list[CommissionMember],
    criteria: Sequence[Criterion | LayoutCriterion],
    grids: dict[int, Grid],
    agreed: dict[int, Level | None],
) -> list[AgreedLine]:
    """Every member's level side by side per line; a disagreement is two different levels among those positioned."""
    levels_by_member = {
        member_id: {line.criterion_id: line.level for line in grid.lines.all()} for member_id, grid in grids.items()
    }
    lines = []
    for criterion in criteria:
        positions = [
            MemberPosition(member, levels_by_member.get(member.pk, {}).get(criterion.pk)) for member in members
        ]
        chosen = [position.level for position in positions if position.level is not None]
        codes = [level.code for level in sorted({level.pk: level for level in chosen}.values(), key=_rank)]
        unanimous = chosen[0] if chosen and len(chosen) == len(positions) and len(codes) == 1 else None
        lines.append(
            AgreedLine(
                criterion=criterion,
                positions=positions,
                agreed=agreed.get(criterion.pk),
                disagreement=len(codes) > 1,
                unanimous=unanimous,
                distinct_codes=codes,
            )
        )
    return lines


def _rank(level: Level) -> int:
    return level.rank


def disagreements(lines: list[AgreedLine]) -> list[AgreedLine]:
    return [line for line in lines if line.disagreement]


# --- Evidence beside the grid --------------------------------------------------------------------------------------


@dataclass
class CompetencyEvidence:
    """What the commission may read to objectiver its judgement on one compétence (training data, jury side)."""

    competency: Competency
    criteria: list[Criterion]
    dossier: Dossier | None
    fiches: list[Fiche]
    activities: Sequence[Activity]
    positions: list[FormativePosition]
    internships: list[InternshipPeriod]
    internship: dict[str, Any]
    comments: list[FicheComment]


def competency_evidence(commission: Commission, student: Student, competency: Competency) -> CompetencyEvidence:
    """Everything the evidence page shows, in a fixed number of queries whatever the number of items."""
    criteria = list(competency.criteria.order_by("number"))
    criterion_ids = [criterion.pk for criterion in criteria]
    dossier = (
        Dossier.objects.filter(student=student, exam_id=commission.exam_id, session_id=commission.session_id)
        .select_related("submitted_by")
        .first()
    )
    fiches = list(
        Fiche.objects.filter(student=student, exam_id=commission.exam_id)
        .select_related("kind", "activity")
        .order_by("number")
    )
    mobilising = Criterion.objects.filter(pk__in=criterion_ids).order_by("number")
    activities = list(
        Activity.objects.filter(Q(student=student) | Q(participants=student), criteria__in=criterion_ids)
        .distinct()
        .select_related("validated_by")
        .prefetch_related(Prefetch("criteria", queryset=mobilising, to_attr="competency_criteria"))
        .order_by("-start_date", "-pk")
    )
    positions = list(
        FormativePosition.objects.filter(assessment__student=student, criterion_id__in=criterion_ids)
        .select_related("criterion", "level", "assessment__assessor", "assessment__activity", "assessment__fiche")
        .order_by("-assessment__assessed_on", "-assessment__pk", "criterion__number")
    )
    comments = list(
        FicheComment.objects.filter(fiche__student=student, fiche__exam_id=commission.exam_id)
        .select_related("author", "fiche")
        .order_by("fiche__number", "created_at", "pk")
    )
    return CompetencyEvidence(
        competency=competency,
        criteria=criteria,
        dossier=dossier,
        fiches=fiches,
        activities=activities,
        positions=positions,
        internships=list(student.internships.order_by("start_date", "pk")),
        internship=internship_summary(student),
        comments=comments,
    )
