"""Demo of E4 situation B for `make run`: rooms, etudiant's fiche sujet with three changed parameters, its passage.

Runs after certification.demo_commissions (settings.DEMO_LOADERS): it needs the E4 commission and etudiant's
submitted E4 dossier. Everything goes through the services the app uses (the passage's convocation is filed in the
outbox like any other). Idempotent: rooms by name, the sheet by (commission, student), the passage by (situation,
student).
"""

import datetime
import zoneinfo

from accounts.demo import DEMO_SESSION_YEAR, DEMO_UAI
from accounts.models import Establishment, Student, User
from certification.models import Commission, Passage, Question, Room, SimulationKind, Situation, SubjectSheet
from certification.services import planning, questions, subjects

ROOMS = ["B12", "B14", "Salle de réunion"]
CHANGED = {
    "lieu": "Salon professionnel de l'habitat, stand 14, Lyon Eurexpo",
    "historique": "Client fidèle depuis trois ans, mécontent de la dernière livraison, arrivée deux jours en retard.",
    "contraintes": "Le budget du client a été réduit de 20 % depuis la dernière rencontre.",
}
BANK = [
    ("contraintes", "Et si je vous disais que mon budget ne me permet plus cette offre, que me proposeriez-vous ?"),
    (
        "acteurs_jury",
        "Et si le directeur financier se joignait à l'entretien, comment adapteriez-vous votre discours ?",
    ),
    ("", "Et si je n'étais pas content de cette condition commerciale, que pourriez-vous me proposer ?"),
]
PASSAGE_AT = datetime.datetime(2027, 6, 3, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


def load_demo() -> dict[str, int]:
    establishment = Establishment.objects.get(uai=DEMO_UAI)
    commission = Commission.objects.filter(
        cohort__establishment=establishment, session__year=DEMO_SESSION_YEAR, exam__code="E4"
    ).first()
    student = Student.objects.filter(user__username="etudiant").first()
    responsible = User.objects.get(username="prof")
    created = {"salles": 0, "questions": 0, "fiches sujet": 0, "passages": 0}
    for name in ROOMS:
        if not Room.objects.filter(establishment=establishment, name=name).exists():
            planning.create_room(establishment=establishment, name=name, actor=responsible)
            created["salles"] += 1
    for rubric, text in BANK:
        if not Question.objects.filter(establishment=establishment, text=text).exists():
            questions.add_to_bank(establishment=establishment, text=text, rubric=rubric, actor=responsible)
            created["questions"] += 1
    if commission is None or student is None or subjects.submitted_dossier(commission, student) is None:
        return created  # nothing deposited yet: the rest of the demo is the user's to do
    if not SubjectSheet.objects.filter(commission=commission, student=student).exists():
        _write_sheet(commission, student, responsible)
        created["fiches sujet"] += 1
    situation = Situation.objects.get(commission=commission, code="B")
    if not Passage.objects.filter(situation=situation, student=student).exists():
        planning.schedule_passage(
            situation=situation,
            student=student,
            starts_at=PASSAGE_AT,
            room=Room.objects.get(establishment=establishment, name="B12"),
            members=list(commission.members.filter(user__username__in=["prof", "pro"])),
            simulation_kind=SimulationKind.BOTH,
            actor=responsible,
        )
        created["passages"] += 1
    return created


def _write_sheet(commission: Commission, student: Student, actor: User) -> None:
    first = subjects.dossier_fiches(commission, student)[0]
    sheet = subjects.start_subject_sheet(commission=commission, student=student, dossier_fiche=first, actor=actor)
    candidate = dict(sheet.candidate)
    candidate.update(CHANGED)
    jury = dict(sheet.jury)
    jury["objections"] = "« C'est trop cher, votre concurrent me propose une remise de 10 %. »"
    subjects.save_subject_sheet(
        sheet=sheet,
        data={"candidate": candidate, "jury": jury, "with_jury_part": True},
        expected_version=sheet.version,
        actor=actor,
    )
