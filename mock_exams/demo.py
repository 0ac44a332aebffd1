"""Demo of the CCF blanc for `make run`: a published blanc of the demo class on the situation with a fiche sujet,
held in the spring before the certifying situation; ``etudiant`` and ``etudiant2`` were graded (one changed
parameter each, a comment) and read it from « Mes épreuves blanches »; the levels are in their passeports as
« CCF blanc » formative assessments.

Runs after passeport.demo (it needs the students' fiches). The situation is read from the data (the one with a
fiche sujet), never by its letter. Everything goes through the app's services. Idempotent: nothing is created when
the demo class already has a blanc.
"""

import datetime
import zoneinfo

from accounts.demo import DEMO_SESSION_YEAR, DEMO_UAI
from accounts.models import Cohort, Student, User
from mock_exams import services
from mock_exams.models import MockExam
from mock_exams.presenters import candidate_orders
from mock_exams.situations import grid_competencies, levels_of, situations_for
from passeport.models import Fiche

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HELD_ON = datetime.date(2027, 3, 18)
GRADED = {
    "etudiant": (
        ("S", "TS"),
        "Découverte des besoins bien conduite ; la reformulation rassure le client. Traitez l'objection prix plus tôt.",
    ),
    "etudiant2": (
        ("I", "S"),
        "Argumentation trop centrée sur le produit : partez davantage des besoins exprimés par le client.",
    ),
}
CHANGED_HISTORY = "Client fidèle depuis deux ans, qui a reçu la semaine dernière une offre d'un concurrent."


def load_demo() -> dict[str, int]:
    cohort = Cohort.objects.filter(
        establishment__uai=DEMO_UAI, exam_session__year=DEMO_SESSION_YEAR, students__isnull=False
    ).first()
    if cohort is None or MockExam.objects.filter(cohort=cohort).exists():
        return {"épreuves blanches": 0}
    teacher = User.objects.get(username="prof")
    situation = next((choice for choice in situations_for(cohort) if choice.has_subject_sheet), None)
    if situation is None:
        return {"épreuves blanches": 0}
    mock_exam = services.create_mock_exam(cohort=cohort, situation=situation, held_on=HELD_ON, actor=teacher)
    graded = 0
    for index, (username, (codes, comment)) in enumerate(GRADED.items()):
        student = Student.objects.filter(user__username=username, cohort=cohort).first()
        fiche = Fiche.objects.filter(student=student, exam=situation.exam).order_by("number").first()
        if fiche is None:
            continue
        _grade(mock_exam, student, fiche, teacher, index, codes, comment)
        graded += 1
    services.publish_mock_exam(mock_exam=mock_exam, actor=teacher)
    return {"épreuves blanches": 1, "grilles blanches": graded}


def _grade(mock_exam, student, fiche, teacher, index: int, codes: tuple[str, ...], comment: str) -> None:
    candidate = mock_exam.candidates.select_related("mock_exam__cohort__exam_session").get(student=student)
    starts_at = datetime.datetime.combine(HELD_ON, datetime.time(9, 0), tzinfo=PARIS) + datetime.timedelta(
        minutes=30 * index
    )
    services.plan_passages(mock_exam=mock_exam, times={candidate.pk: starts_at}, actor=teacher)
    services.save_subject(candidate=candidate, fiche=fiche, texts={}, expected_version=0, actor=teacher)
    texts = {**candidate.subject}
    if "historique" in texts:
        texts["historique"] = CHANGED_HISTORY
    services.save_subject(
        candidate=candidate, fiche=fiche, texts=texts, expected_version=candidate.version, actor=teacher
    )
    levels = {level.code: level for level in levels_of(mock_exam.exam)}
    criteria = [
        c for comp in grid_competencies(mock_exam.exam, candidate_orders(candidate)) for c in comp.criteria.all()
    ]
    services.save_grid(
        candidate=candidate,
        levels={criterion: levels[code] for criterion, code in zip(criteria, codes, strict=False)},
        comment=comment,
        expected_version=candidate.version,
        actor=teacher,
    )
