"""Background building of the evaluation packs. Tasks take ids and may run any number of times."""

import logging

from django_tasks import task

from accounts.models import Student
from certification import packs
from certification.models import Commission

logger = logging.getLogger(__name__)


@task()
def build_evaluation_pack(commission_id: int, student_id: int, redo: bool = False) -> str:
    """Build one candidate's pack; an existing pack is left alone unless ``redo``."""
    commission = Commission.objects.select_related("exam", "session", "cohort").filter(pk=commission_id).first()
    student = (
        Student.objects.select_related("user")
        .filter(pk=student_id, cohort_id=getattr(commission, "cohort_id", None))
        .first()
    )
    if commission is None or student is None:
        return "skipped"
    if not redo and packs.pack_exists(commission_id, student_id):
        return "exists"
    packs.store_pack(commission, student)
    return "built"
