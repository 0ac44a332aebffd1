"""Background work of evaluation: the candidates' evaluation packs.

Tasks take ids and may run any number of times.
"""

from django_tasks import task

from accounts.models import Student
from certification.commissions.models import Commission
from certification.evaluation.services import packs


@task()
def build_evaluation_pack(commission_id: int, student_id: int, redo: bool = False) -> str:
    """Build one candidate's pack; a ready (checked, intact) pack is left alone unless ``redo``.

    A failure is recorded on the pack (« échec », in French, on the page) and raised again for the task table.
    """
    commission = Commission.objects.select_related("exam", "session", "cohort").filter(pk=commission_id).first()
    if commission is None:
        return "skipped"
    student = Student.objects.select_related("user").filter(pk=student_id, cohort_id=commission.cohort_id).first()
    if student is None:
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
