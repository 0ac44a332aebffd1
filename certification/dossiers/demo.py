"""Demo dossiers for `make run`: the E4 dossiers of the demo class and Emma's E6 dossier in preparation.

Emma (``etudiant``) deposits the two E4 fiches of her passeport (passeport.demo) with her internship periods; the
other students of the class (24 in all) each write a short fiche of each E4 kind (négo-vente and événement) and
deposit them, except the last one, whose dossier is missing (as in a real class, domain §9). Exams are found by
their data (``referentiel.exams``), never by code: the exam with a fiche sujet (E4) is the one deposited.

Runs after accounts.demo and passeport.demo (settings.DEMO_LOADERS) and uses their cohort, people and fiches. The
deposit freezes the fiches as the real service does (certification.dossiers.services.dossiers.freeze_dossier_fiches),
dated
before the deadline so the dossier is not late. Idempotent: a dossier is found again by its student, exam and
session, and an existing one is left as it is; a student's fiche of a kind is not written twice.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_SESSION_YEAR, DEMO_UAI
from accounts.models import Student
from audit.services import log_action
from certification.dossiers.models import Dossier, DossierAttestation, DossierFiche, DossierState
from certification.dossiers.selectors import PARIS, exam_rule
from certification.dossiers.services.dossiers import freeze_dossier_fiches
from dataset import texts
from passeport.models import Activity, ActivityNature, ActivitySetting, Fiche
from passeport.rubrics import fiche_definition
from passeport.services.fiches import create_fiche, save_fiche
from referentiel.models import Exam, FicheKind

STUDENT = "etudiant"
WITHOUT_DOSSIER = "etudiant24"  # the class's missing dossier
# The activities the other students' fiches describe, by fiche kind (the choice of E4 situation B).
CLASS_ACTIVITIES = {
    "nego-vente": (
        "Négociation d'un contrat d'entretien",
        "Vente conseil en magasin",
        "Démonstration produit en rendez-vous",
        "Accueil et fidélisation des clients professionnels",
    ),
    "evenement": (
        "Organisation d'une journée portes ouvertes",
        "Animation d'un stand sur un salon",
        "Atelier de dégustation",
        "Préparation d'un salon professionnel",
    ),
}


def ccf_exams(version_id: int) -> list[Exam]:
    """The exams of the référentiel version taken in CCF (those with a ``certification`` definition)."""
    return [exam for exam in Exam.objects.filter(version_id=version_id).order_by("code") if exam.definition]


def subject_exam(version_id: int) -> Exam | None:
    """The exam whose situation B is a simulation on a fiche sujet (E4), found by its data."""
    return next((exam for exam in ccf_exams(version_id) if exam.definition.has_subject_sheet), None)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing and report how many dossiers were created."""
    student = Student.objects.select_related("user", "cohort__exam_session").get(
        user__username=STUDENT, cohort__establishment__uai=DEMO_UAI, cohort__exam_session__year=DEMO_SESSION_YEAR
    )
    session = student.cohort.exam_session
    deposited = subject_exam(session.version_id)
    created = {"dossiers déposés": 0, "dossiers en préparation": 0}
    if deposited is not None and _dossier(student, deposited, submit=True):
        created["dossiers déposés"] += 1
    for exam in ccf_exams(session.version_id):
        if exam != deposited and _dossier(student, exam, submit=False):
            created["dossiers en préparation"] += 1
    if deposited is not None:
        classmates = (
            Student.objects.filter(cohort=student.cohort)
            .exclude(pk=student.pk)
            .exclude(user__username=WITHOUT_DOSSIER)
            .select_related("user", "cohort__exam_session")
            .order_by("user__username")
        )
        for classmate in classmates:
            _class_fiches(classmate, deposited)
            if _dossier(classmate, deposited, submit=True):
                created["dossiers déposés"] += 1
    if any(created.values()):
        log_action("demo.loaded", obj=student, establishment_id=student.establishment_id, changes=created)
    return created


def _class_fiches(student: Student, exam: Exam) -> None:
    """One short fiche of each kind the commission may choose for situation B, unless the student has one."""
    choice = exam.definition.choice_situation
    kinds = list(choice.assesses_one_of) if choice is not None else []
    have = set(Fiche.objects.filter(student=student, exam=exam).values_list("kind__code", flat=True))
    rng = random.Random(f"demo-{student.user.username}")  # noqa: S311 - demo texts, not security
    form = fiche_definition(student.cohort.exam_session.forms_session, exam.code)
    for kind in FicheKind.objects.filter(exam=exam, code__in=kinds).exclude(code__in=have).order_by("order"):
        organisation = texts.organisation(rng)
        title = rng.choice(CLASS_ACTIVITIES.get(kind.code) or (kind.label,))
        activity, _ = Activity.objects.get_or_create(
            student=student,
            title=title,
            defaults={
                "setting": ActivitySetting.STAGE,
                "organisation": organisation,
                "start_date": datetime.date(2026, 5, 11),
                "end_date": datetime.date(2026, 5, 22),
                "nature": ActivityNature.REELLE,
                "description": texts.paragraph(rng),
            },
        )
        fiche = create_fiche(activity=activity, author=student.user, kind=kind, title=title)
        recto = {r.code: texts.rubric_text(rng, r.code, organisation) for r in form.part("recto")}
        versos = [{r.code: texts.rubric_text(rng, r.code, organisation) for r in form.part("verso")}]
        save_fiche(
            fiche=fiche,
            author=student.user,
            base_version=fiche.version,
            title=title,
            recto=recto,
            versos=versos if form.has_verso else [],
        )


def _dossier(student: Student, exam: Exam, *, submit: bool) -> bool:
    session = student.cohort.exam_session
    dossier, created = Dossier.objects.get_or_create(student=student, exam=exam, session=session)
    if not created:
        return False
    fiches = Fiche.objects.filter(student=student, exam=exam).prefetch_related("versos").order_by("number")
    for order, fiche in enumerate(fiches, start=1):
        verso = min(fiche.versos.all(), key=lambda v: v.order, default=None)
        DossierFiche.objects.create(dossier=dossier, fiche=fiche, verso=verso, order=order)
    if submit:
        # The deposited dossier carries the internship attestations (the one in preparation does not yet).
        for period in student.internships.order_by("start_date"):
            DossierAttestation.objects.create(dossier=dossier, internship=period)
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
