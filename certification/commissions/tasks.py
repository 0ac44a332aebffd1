"""Background work of commissions: the official information of a class.

Tasks take ids and may run any number of times.
"""

import logging

from django_tasks import task

from accounts.models import User
from certification.commissions.models import SituationStep
from certification.commissions.services.convocations import inform_students

logger = logging.getLogger(__name__)


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
