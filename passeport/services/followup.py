"""The teaching team's follow-up of training traces: comments on fiches, validation of activities, formative
assessments. Each write is one function, in a transaction, with its audit entry.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Student, User
from audit.services import log_action
from passeport.models import Activity, Fiche, FicheComment, FicheVerso, FormativeAssessment, FormativePosition
from referentiel.models import Criterion, Level


def add_fiche_comment(
    *, fiche: Fiche, author: User, rubric: str, text: str, verso: FicheVerso | None = None
) -> FicheComment:
    with transaction.atomic():
        comment = FicheComment.objects.create(fiche=fiche, verso=verso, rubric=rubric, author=author, text=text)
        log_action(
            "fiche.commented",
            actor=author,
            obj=fiche,
            changes={"comment": comment.pk, "rubric": rubric, "verso": verso.pk if verso else None},
        )
    return comment


def validate_activity(*, activity: Activity, actor: User) -> bool:
    """Mark the activity « validée en formation ». Returns False when it already was (a double click)."""
    with transaction.atomic():
        # The conditional UPDATE makes two concurrent clicks produce one validation and one audit entry.
        now = timezone.now()
        updated = Activity.objects.filter(pk=activity.pk, validated_at__isnull=True).update(
            validated_at=now, validated_by=actor
        )
        if not updated:
            return False
        activity.validated_at, activity.validated_by = now, actor
        log_action(
            "activity.validated",
            actor=actor,
            obj=activity,
            changes={"validated_at": now.isoformat()},
        )
    return True


def unvalidate_activity(*, activity: Activity, actor: User) -> bool:
    """Withdraw the validation. Returns False when the activity was not validated."""
    with transaction.atomic():
        previous = Activity.objects.filter(pk=activity.pk).values_list("validated_at", "validated_by_id").first()
        updated = Activity.objects.filter(pk=activity.pk, validated_at__isnull=False).update(
            validated_at=None, validated_by=None
        )
        if not updated or previous is None:
            return False
        validated_at, validated_by_id = previous
        activity.validated_at, activity.validated_by = None, None
        log_action(
            "activity.unvalidated",
            actor=actor,
            obj=activity,
            changes={
                "validated_at": [validated_at.isoformat() if validated_at else None, None],
                "validated_by": [validated_by_id, None],
            },
        )
    return True


def create_formative_assessment(
    *,
    student: Student,
    assessor: User,
    assessed_on: datetime.date,
    positions: dict[Criterion, Level],
    activity: Activity | None = None,
    fiche: Fiche | None = None,
    comment: str = "",
    label: str = "",
) -> FormativeAssessment:
    """Record a dated positioning of ``student`` on some critères, about one of their activities or fiches."""
    if not positions:
        raise ValueError("A formative assessment positions the student on at least one critère.")
    if (activity is None) == (fiche is None):
        raise ValueError("A formative assessment is about one activity or one fiche.")
    with transaction.atomic():
        assessment = FormativeAssessment.objects.create(
            student=student,
            assessor=assessor,
            activity=activity,
            fiche=fiche,
            assessed_on=assessed_on,
            comment=comment,
            label=label,
        )
        FormativePosition.objects.bulk_create(
            FormativePosition(assessment=assessment, criterion=criterion, level=level)
            for criterion, level in positions.items()
        )
        log_action(
            "formative.created",
            actor=assessor,
            obj=assessment,
            establishment_id=student.cohort.establishment_id,
            changes={
                "activity": activity.pk if activity else None,
                "fiche": fiche.pk if fiche else None,
                "assessed_on": assessed_on.isoformat(),
                "label": label,
                "positions": {str(c.pk): level.code for c, level in positions.items()},
            },
        )
    return assessment
