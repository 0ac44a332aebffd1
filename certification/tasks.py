"""Where the task workers found the tasks before certification was split into sub-packages.

A task queued before an upgrade is stored with this module's path; these names keep it runnable. New code imports
``certification.evaluation.tasks`` or ``certification.commissions.tasks``.
"""

from certification.commissions.tasks import inform_step_students
from certification.evaluation.tasks import build_evaluation_pack, queue_evaluation_packs

__all__ = ["build_evaluation_pack", "inform_step_students", "queue_evaluation_packs"]
