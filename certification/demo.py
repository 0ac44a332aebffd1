"""Demo dossiers for `make run`: Emma's E4 dossier deposited (two fiches, her internship periods) and her E6 dossier
in preparation (three fiches).

Runs after accounts.demo and passeport.demo (settings.DEMO_LOADERS) and uses their cohort, people and fiches. The
deposit freezes the fiches as the real service does (certification.services.dossiers.freeze_dossier_fiches), dated
before the deadline so the dossier is not late. Idempotent: a dossier is found again by its student, exam and
session, and an existing one is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_SESSION_YEAR, DEMO_UAI
from accounts.models import Student
from audit.services import log_action
from certification.models import Dossier, DossierAttestation, DossierFiche, DossierState
from certification.selectors.dossiers import PARIS, exam_rule
from certification.services.dossiers import freeze_dossier_fiches
from passeport.models import Fiche
from referentiel.models import Exam

STUDENT = "etudiant"


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing and report how many dossiers were created."""
    student = Student.objects.select_related("user", "cohort__exam_session").get(
        user__username=STUDENT, cohort__establishment__uai=DEMO_UAI, cohort__exam_session__year=DEMO_SESSION_YEAR
    )
    created = {"dossiers déposés": 0, "dossiers en préparation": 0}
    if _dossier(student, "E4", submit=True):
        created["dossiers déposés"] += 1
    if _dossier(student, "E6", submit=False):
        created["dossiers en préparation"] += 1
    if any(created.values()):
        log_action("demo.loaded", obj=student, establishment_id=student.establishment_id, changes=created)
    return created


def _dossier(student: Student, exam_code: str, *, submit: bool) -> bool:
    session = student.cohort.exam_session
    exam = Exam.objects.get(version_id=session.version_id, code=exam_code)
    dossier, created = Dossier.objects.get_or_create(student=student, exam=exam, session=session)
    if not created:
        return False
    fiches = Fiche.objects.filter(student=student, exam=exam).prefetch_related("versos").order_by("number")
    for order, fiche in enumerate(fiches, start=1):
        verso = min(fiche.versos.all(), key=lambda v: v.order, default=None)
        DossierFiche.objects.create(dossier=dossier, fiche=fiche, verso=verso, order=order)
    if exam_code == "E4":
        for period in student.internships.order_by("start_date"):
            DossierAttestation.objects.create(dossier=dossier, internship=period)
    if submit:
        freeze_dossier_fiches(dossier)
        dossier.state = DossierState.SUBMITTED
        dossier.submitted_at = _submitted_at(session, exam)
        dossier.submitted_by = student.user
        dossier.save(update_fields=["state", "submitted_at", "submitted_by"])
    return True


def _submitted_at(session, exam) -> datetime.datetime:
    """Now when the deadline is still ahead; otherwise the evening before it, so the demo dossier is never late."""
    now = timezone.now()
    rule = exam_rule(session, exam)
    if rule is None or rule.deposit_deadline is None or timezone.localdate(now, PARIS) <= rule.deposit_deadline:
        return now
    day_before = rule.deposit_deadline - datetime.timedelta(days=1)
    return datetime.datetime.combine(day_before, datetime.time(18, 0), tzinfo=PARIS)
