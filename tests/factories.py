"""Small builders of training traces for tests (the cast lives in tests/personas.py)."""

import datetime

from accounts.models import Student
from passeport.models import Activity, ActivityNature, ActivitySetting, Evidence, Fiche, FicheVerso
from passeport.rubrics import fiche_definition
from referentiel.models import Criterion, Exam, FicheKind, Level


def make_activity(student: Student, title: str = "Négociation d'un contrat d'entretien", **fields) -> Activity:
    defaults = {
        "setting": ActivitySetting.STAGE,
        "organisation": "Nettoyage Pro Rhône",
        "start_date": datetime.date(2026, 5, 11),
        "end_date": datetime.date(2026, 5, 12),
        "nature": ActivityNature.REELLE,
        "description": "Rendez-vous de négociation avec un syndic de copropriété.",
    }
    defaults.update(fields)
    return Activity.objects.create(student=student, title=title, **defaults)


def exam(code: str, student: Student) -> Exam:
    return Exam.objects.get(code=code, version=student.cohort.exam_session.version)


def criteria(student: Student, exam_code: str = "E4") -> list[Criterion]:
    return list(Criterion.objects.filter(competency__block__exam=exam(exam_code, student)).order_by("pk"))


def make_fiche(
    student: Student,
    *,
    activity: Activity | None = None,
    exam_code: str = "E4",
    kind_code: str = "nego-vente",
    number: int | None = None,
    title: str = "Contrat d'entretien pour une copropriété",
    text: str = "Texte de la rubrique {code}.",
    real_lived: bool | None = None,
) -> Fiche:
    """A fiche whose every rubric holds ``text`` formatted with the rubric code (E4: with one verso)."""
    the_exam = exam(exam_code, student)
    session = student.cohort.exam_session
    form = fiche_definition(session.forms_session, exam_code)
    if number is None:
        number = Fiche.objects.filter(student=student, exam=the_exam).count() + 1
    fiche = Fiche.objects.create(
        student=student,
        activity=activity or make_activity(student),
        exam=the_exam,
        kind=FicheKind.objects.get(exam=the_exam, code=kind_code),
        forms_session=session.forms_session,
        number=number,
        title=title,
        real_lived=real_lived if exam_code == "E6" else None,
        recto={r.code: text.format(code=r.code) for r in form.part("recto")},
    )
    if form.has_verso:
        FicheVerso.objects.create(
            fiche=fiche, order=1, content={r.code: text.format(code=r.code) for r in form.part("verso")}
        )
    return fiche


def level(student: Student, code: str) -> Level:
    """The level « TI », « I », « S » or « TS » of the student's référentiel version."""
    return Level.objects.get(version=student.cohort.exam_session.version, code=code)


def add_evidence(activity: Activity, n: int = 1) -> None:
    """``n`` evidence rows on the activity (no file on disk: the pages only list them)."""
    for i in range(n):
        Evidence.objects.create(
            activity=activity,
            file=f"evidence/x{i}.pdf",
            original_name=f"preuve-{i}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=activity.student.user,
        )
