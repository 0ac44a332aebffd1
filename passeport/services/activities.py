"""Writes on activities: recording one, changing it. Each in a transaction with its audit entry."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet

from accounts.models import Student, User
from audit.services import changed_fields, log_action
from passeport.models import Activity
from referentiel.models import Criterion

SCALAR_FIELDS = ("title", "setting", "organisation", "start_date", "end_date", "nature", "description")


def criteria_for_student(student: Student) -> QuerySet[Criterion]:
    """The critères of the exams taken in CCF (E5 never is), for the référentiel version of the student's session,
    in grid order: the critères an activity may mobilise."""
    return (
        Criterion.objects.filter(
            competency__block__version_id=student.cohort.exam_session.version_id,
            competency__block__exam__ccf=True,
        )
        .select_related("competency__block__exam")
        .order_by("competency__block__number", "competency__order", "number")
    )


def possible_participants(student: Student) -> QuerySet[Student]:
    """The other students of the same cohort: a collective activity never crosses cohorts."""
    return Student.objects.filter(cohort_id=student.cohort_id).exclude(pk=student.pk).select_related("user")


def _check_links(student: Student, criteria: list[Criterion], participants: list[Student]) -> None:
    allowed_criteria = set(criteria_for_student(student).values_list("pk", flat=True))
    if any(c.pk not in allowed_criteria for c in criteria):
        raise ValueError("Un critère choisi n'appartient pas au référentiel de la session de l'étudiant·e.")
    allowed_students = set(possible_participants(student).values_list("pk", flat=True))
    if any(p.pk not in allowed_students for p in participants):
        raise ValueError("Les participant·es d'une activité collective sont des étudiant·es de la même classe.")


def create_activity(*, student: Student, actor: User, data: dict[str, Any]) -> Activity:
    """Record an activity on ``student``'s passeport; ``data`` holds the fields, ``criteria`` and ``participants``."""
    criteria = list(data.get("criteria", []))
    participants = list(data.get("participants", []))
    _check_links(student, criteria, participants)
    with transaction.atomic():
        activity = Activity.objects.create(student=student, **{name: data.get(name) for name in SCALAR_FIELDS})
        activity.criteria.set(criteria)
        activity.participants.set(participants)
        log_action(
            "activity.created",
            actor=actor,
            obj=activity,
            establishment_id=student.cohort.establishment_id,
            changes={
                "title": activity.title,
                "criteria": sorted(c.pk for c in criteria),
                "participants": sorted(p.pk for p in participants),
            },
        )
    return activity


def update_activity(*, activity: Activity, actor: User, data: dict[str, Any]) -> Activity:
    """Change an activity; the audit entry lists only the fields that changed (nothing logged if none did)."""
    criteria = list(data.get("criteria", []))
    participants = list(data.get("participants", []))
    _check_links(activity.student, criteria, participants)
    with transaction.atomic():
        new_values = {name: data.get(name) for name in SCALAR_FIELDS}
        changes: dict[str, Any] = changed_fields(activity, new_values)
        for name, value in new_values.items():
            setattr(activity, name, value)
        _diff_set(changes, "criteria", activity.criteria.values_list("pk", flat=True), criteria)
        _diff_set(changes, "participants", activity.participants.values_list("pk", flat=True), participants)
        if not changes:
            return activity
        activity.save(update_fields=[*SCALAR_FIELDS, "updated_at"])
        activity.criteria.set(criteria)
        activity.participants.set(participants)
        log_action(
            "activity.updated",
            actor=actor,
            obj=activity,
            changes=changes,
        )
    return activity


def _diff_set(changes: dict[str, Any], name: str, old_pks: Iterable[int], new_objects: Sequence[Model]) -> None:
    old = sorted(old_pks)
    new = sorted(obj.pk for obj in new_objects)
    if old != new:
        changes[name] = [old, new]
