"""Demo of E4 situation B for `make run`: rooms, etudiant's fiche sujet with three changed parameters, its passage;
then the rest of the class assessed as a real commission would (domain §9).

Every other candidate with a deposited E4 dossier gets a fiche sujet written from one of their fiches — the
négo-vente one for some, the événement one for the others —, is informed (« courrier remis ») of the first date of
situation A, and has an agreed grid positioned on the compétences they are assessed on only: no line on the
compétence of the fiche not chosen. The profiles page then shows the class in two shapes. Emma (``etudiant``) keeps
her fiche sujet only: informing her and filling her grid is left to the demo's user.

Runs after certification.commissions.demo (settings.DEMO_LOADERS): it needs the E4 commission and the submitted E4
dossiers. The exam is found by its data (the one with a fiche sujet), not by its code. Everything goes through the
services the app uses (the passage's convocation is filed in the outbox like any other), except the information
letters, written as ``Convocation`` rows as the dataset generator does (no PDF is rendered). Idempotent: rooms by
name, a sheet by (commission, student), the passage by (situation, student), an information by (step, student), an
agreed grid by (commission, student).
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from accounts.demo import DEMO_SESSION_YEAR, DEMO_UAI
from accounts.models import Establishment, Student, User
from certification.commissions.models import (
    Commission,
    Convocation,
    InformationMethod,
    Passage,
    PassageJuror,
    Question,
    Readiness,
    Room,
    SimulationKind,
    Situation,
    SubjectSheet,
)
from certification.commissions.services import planning, questions, subjects
from certification.dossiers.demo import subject_exam
from certification.evaluation.models import CandidateResult, Grid, ResultStatus
from certification.evaluation.selectors import marks as marks_selectors
from certification.evaluation.selectors.assessed import assessed_competencies
from certification.evaluation.services import grids, lifecycle, marks
from referentiel.models import Level

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
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PASSAGE_AT = datetime.datetime(2027, 6, 3, 9, 0, tzinfo=PARIS)
STUDENT = "etudiant"
INFORMED_DAYS_BEFORE = 21
NOT_YET_READY = 2  # the last two candidates: the commission has not judged them ready for situation B yet
READINESS_GROUNDS = "Passeport suivi toute l'année, deux fiches de nature différente, stage complet."
# The agreed levels of the class, one per assessed compétence in order (A: cibler/prospecter; B: the compétence of
# the fiche chosen; A: exploiter/mutualiser), a candidate after the other: most « S », a few stronger or weaker.
CLASS_LEVELS = (
    ("S", "S", "S"),
    ("S", "TS", "S"),
    ("I", "S", "I"),
    ("TS", "TS", "S"),
    ("S", "I", "S"),
    ("S", "S", "TS"),
    ("I", "I", "TI"),
    ("TS", "S", "TS"),
)


def load_demo() -> dict[str, int]:
    establishment = Establishment.objects.get(uai=DEMO_UAI)
    commissions = Commission.objects.filter(
        cohort__establishment=establishment, session__year=DEMO_SESSION_YEAR
    ).select_related("exam", "session", "cohort")
    commission = next(
        (c for c in commissions if subject_exam(c.session.version_id) == c.exam),
        None,
    )
    student = Student.objects.filter(user__username=STUDENT).first()
    responsible = User.objects.get(username="prof")
    created = {
        "salles": 0,
        "questions": 0,
        "fiches sujet": 0,
        "passages": 0,
        "informations": 0,
        "grilles communes": 0,
        "aptitudes": 0,
        "notes": 0,
    }
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
    situation = Situation.objects.get(commission=commission, code=commission.exam.definition.subject_situation.code)
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
    _assess_the_class(commission, responsible, created)
    return created


def _assess_the_class(commission: Commission, responsible: User, created: dict[str, int]) -> None:
    """The other candidates: fiche sujet of either kind, information of situation A's first date, agreed grid."""
    candidates = [
        candidate
        for candidate in commission.cohort.students.select_related("user").order_by("user__username")
        if candidate.user.username != STUDENT and subjects.submitted_dossier(commission, candidate) is not None
    ]
    choice = commission.exam.definition.choice_situation
    kinds = list(choice.assesses_one_of) if choice is not None else []
    for index, candidate in enumerate(candidates):
        if kinds and not SubjectSheet.objects.filter(commission=commission, student=candidate).exists():
            wanted = kinds[index % len(kinds)]  # some on one kind, the others on the other
            items = subjects.dossier_fiches(commission, candidate)
            item = next((i for i in items if i.fiche.kind.code == wanted), items[0] if items else None)
            if item is not None:
                subjects.start_subject_sheet(
                    commission=commission, student=candidate, dossier_fiche=item, actor=responsible
                )
                created["fiches sujet"] += 1
    if grids.first_step_a(commission) is None:
        return
    # Informed of the first date of every situation: what the grids, then the marks, need first.
    for situation in commission.situations.order_by("code"):
        step = situation.steps.order_by("date", "pk").first()
        if step is None:
            continue
        informed_at = min(
            timezone.now(),
            datetime.datetime.combine(
                step.date - datetime.timedelta(days=INFORMED_DAYS_BEFORE), datetime.time(9, 0), tzinfo=PARIS
            ),
        )
        for candidate in candidates:
            if not Convocation.objects.filter(step=step, student=candidate).exists():
                Convocation.objects.create(
                    step=step,
                    student=candidate,
                    method=InformationMethod.LETTER,
                    informed_at=informed_at,
                    informed_by=responsible,
                )
                created["informations"] += 1
    _record_readiness(commission, candidates, responsible, created)
    layout = grids.grid_layout(commission)
    levels = {level.code: level for level in grids.grid_levels(commission)}
    assessed = assessed_competencies(commission, [candidate.pk for candidate in candidates], layout)
    for index, candidate in enumerate(candidates):
        ids = assessed.get(candidate.pk)
        if ids is None or Grid.objects.filter(commission=commission, student=candidate, member__isnull=True).exists():
            continue
        codes = dict(zip(ids, CLASS_LEVELS[index % len(CLASS_LEVELS)], strict=False))
        chosen: dict[int, Level | None] = {
            criterion.pk: levels[codes[competency.pk]]
            for competency in layout
            if competency.pk in codes
            for criterion in competency.criteria
        }
        grids.save_agreed_grid(
            commission=commission,
            student=candidate,
            levels=chosen,
            comments={},
            base_version=0,
            actor=responsible,
            layout=layout,
        )
        created["grilles communes"] += 1
    _plan_the_class(commission, candidates, responsible, created)
    _mark_the_class(commission, candidates, responsible, created)


def _plan_the_class(commission: Commission, candidates: list[Student], actor: User, created: dict) -> None:
    """Every other candidate's situation B passage on the same day, two rooms side by side (B12: Paul Durand and
    the professional, as Emma's; B14: Claire Lefèvre), convoked by a letter handed over (« courrier remis »).

    Written as rows, like the informations above: ``planning.schedule_passage`` would render 22 PDF letters. The
    slots never overlap in a room nor for a person (Emma's passage opens the day in B12).
    """
    situation = Situation.objects.get(commission=commission, code=commission.exam.definition.subject_situation.code)
    minutes = situation.duration_minutes or 15
    seats = {member.user.username: member for member in commission.members.select_related("user")}
    rooms = {room.name: room for room in Room.objects.filter(establishment=commission.cohort.establishment)}
    juries = [("B12", ["prof", "pro"]), ("B14", ["prof2"])]
    for index, candidate in enumerate(candidates):
        if Passage.objects.filter(situation=situation, student=candidate).exists():
            continue
        room_name, jurors = juries[index % len(juries)]
        starts_at = PASSAGE_AT + datetime.timedelta(minutes=(minutes + 5) * (index // len(juries) + 1))
        passage = Passage.objects.create(
            situation=situation,
            student=candidate,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=minutes),
            room=rooms[room_name],
            simulation_kind=SimulationKind.BOTH,
            created_by=actor,
        )
        for username in jurors:
            PassageJuror.objects.create(passage=passage, member=seats[username])
        Convocation.objects.create(
            passage=passage,
            student=candidate,
            method=InformationMethod.LETTER,
            informed_at=min(timezone.now(), starts_at - datetime.timedelta(days=INFORMED_DAYS_BEFORE)),
            informed_by=actor,
            scheduled_for=starts_at,
            room_name=room_name,
        )
        created["passages"] += 1


def _record_readiness(commission: Commission, candidates: list[Student], actor: User, created: dict) -> None:
    """The commission judged every candidate ready, except the last two for situation B (still to decide)."""
    for situation in commission.situations.order_by("code"):
        undecided = candidates[-NOT_YET_READY:] if situation.definition.simulation_kind else []
        for candidate in candidates:
            if candidate in undecided or Readiness.objects.filter(situation=situation, student=candidate).exists():
                continue
            lifecycle.record_readiness(
                situation=situation,
                student=candidate,
                decided_on=timezone.localdate(),
                grounds=READINESS_GROUNDS,
                actor=actor,
            )
            created["aptitudes"] += 1


def _mark_the_class(commission: Commission, candidates: list[Student], actor: User, created: dict) -> None:
    """Ranges per profile (each shape apart) and marks on the profiles page's service; one mark contradicts the
    dominance of its profile, as a tired commission would type it, so that the page shows its warning."""
    if CandidateResult.objects.filter(commission=commission).exists():
        return
    page = marks_selectors.load_group(commission)
    by_student = {row.student.pk: row for row in page.rows}
    ranks = page.scale.ranks
    results, ranges = [], []
    for group in page.groups:
        if not group.complete:
            continue
        low, high = _range_for(group.key, ranks)
        ranges.append(marks.RangeInput(group.key, low, high))
        for row in group.rows:
            mark = (low + high) / 2
            results.append((row, mark))
    if not results:
        return
    # The contradiction: the strongest candidate gets the lowest mark of the class minus one point.
    strongest = max(results, key=lambda item: item[1])
    weakest_mark = min(mark for _, mark in results)
    inputs = []
    for row, mark in results:
        if row is strongest[0]:
            mark = max(Decimal("0"), weakest_mark - 1)
        inputs.append(
            marks.ResultInput(
                student_id=row.student.pk,
                status=ResultStatus.MARK,
                mark=mark,
                absent_reason="",
                version=by_student[row.student.pk].version,
                profile=row.profile,
            )
        )
    marks.save_group(commission, actor=actor, results=inputs, ranges=ranges)
    created["notes"] += len(inputs)


def _range_for(key: str, ranks: dict[str, int]) -> tuple[Decimal, Decimal]:
    """A range from the mean rank of the profile's assessed levels: TI≈4, I≈8, S≈12, TS≈16 (±1)."""
    levels = [ranks[code] for code in key.split("-") if code in ranks]
    mean = Decimal(sum(levels)) / Decimal(len(levels))
    centre = (mean * 4).quantize(Decimal("1"))
    return max(Decimal("0"), centre - 1), min(Decimal("20"), centre + 1)


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
