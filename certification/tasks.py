"""Background work: evaluation packs, official information of a class.

Tasks take ids and may run any number of times.
"""

import logging

from django_tasks import task

from accounts.models import Student, User
from certification.commissions.services.convocations import inform_students
from certification.evaluation.services import packs
from certification.models import Commission, SituationStep

logger = logging.getLogger(__name__)


@task()
def build_evaluation_pack(commission_id: int, student_id: int, redo: bool = False) -> str:
    """Build one candidate's pack; a ready (checked, intact) pack is left alone unless ``redo``.

    A failure is recorded on the pack (« échec », in French, on the page) and raised again for the task table.
    """
    commission = Commission.objects.select_related("exam", "session", "cohort").filter(pk=commission_id).first()
    student = (
        Student.objects.select_related("user")
        .filter(pk=student_id, cohort_id=getattr(commission, "cohort_id", None))
        .first()
    )
    if commission is None or student is None:
        return "skipped"
    if not redo and packs.ready_pack(commission, student) is not None:
        return "exists"
    packs.store_pack(commission, student)
    return "built"


@task()
def queue_evaluation_packs(commission_id: int, student_ids: list[int], redo: bool = False) -> int:
    """One build task per candidate, queued here rather than in the teacher's request (one insert there, not 30)."""
    packs.enqueue_builds(build_evaluation_pack, commission_id, student_ids, redo)
    return len(student_ids)


@task()
def inform_step_students(step_id: int, actor_id: int, student_ids: list[int] | None = None) -> dict[str, int]:
    """Inform the students of a situation step (all not yet informed, or those of ``student_ids``).

    Safe to run again: students already informed are skipped, so a retried or duplicated task informs nobody twice.
    """
    step = SituationStep.objects.filter(pk=step_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if step is None or actor is None:
        return {"skipped": 1}
    result = inform_students(step=step, actor=actor, student_ids=student_ids)
    counts = {
        "emailed": len(result.emailed),
        "letters": len(result.letters),
        "already": len(result.already),
        "failed": len(result.failed),
        "resent": len(result.resent),
    }
    logger.info("Information de l'étape %s : %s", step_id, counts)
    return counts
