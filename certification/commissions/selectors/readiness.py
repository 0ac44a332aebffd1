"""What the planning and the grid page remind of readiness: the candidates the commission has not judged ready.

The decisions themselves (record, withdraw) are lifecycle writes in ``certification.evaluation.services.lifecycle``.
"""

from collections.abc import Iterable

from accounts.models import Student
from certification.commissions.models import Commission, Readiness, Situation
from lib.collation import by_name


def readiness_warning(situation: Situation, student: Student) -> str | None:
    """The reminder shown on the B planning and the A grid when the commission has not judged readiness."""
    if Readiness.objects.filter(situation=situation, student=student).exists():
        return None
    return (
        f"La commission n'a pas encore enregistré que {student} est prêt·e à être évalué·e en situation "
        f"{situation.code} (formation, expérience et dossier)."
    )


def readiness_warnings(commission: Commission, student: Student) -> list[str]:
    """The reminders of the grid page: one per situation whose readiness the commission has not recorded."""
    ready = set(
        Readiness.objects.filter(situation__commission=commission, student=student).values_list(
            "situation_id", flat=True
        )
    )
    return [
        warning
        for situation in commission.situations.order_by("code")
        if situation.pk not in ready and (warning := readiness_warning(situation, student))
    ]


def not_ready(commission: Commission, situations: Iterable[Situation]) -> list[tuple[Situation, list[Student]]]:
    """For the planning: the candidates the commission has not judged ready, per situation (only those missing)."""
    students = list(commission.cohort.students.select_related("user").order_by(*by_name()))
    found = []
    for situation in situations:
        ready = set(Readiness.objects.filter(situation=situation).values_list("student_id", flat=True))
        missing = [student for student in students if student.pk not in ready]
        if missing:
            found.append((situation, missing))
    return found
