"""The certifying side of one cohort, through the services the app uses: E4 dossiers deposited (fiches frozen),
checked conformes, the E4 commission with its members and dated steps, each candidate's fiche sujet (from their
négo-vente fiche for some, their événement fiche for the others: situation B assesses the compétence of that kind),
each member's grid and the agreed grid with every line of the compétences assessed positioned — none on the
compétence of the fiche not chosen —, then profiles, mark ranges and marks on the profiles page's service.

The exam is found by its data (``referentiel.exams``: the one with a fiche sujet), never by its code.

One shortcut: the official information of the situations' dates is written as ``Convocation`` rows (« courrier remis »)
without going through ``convocations.inform_students``, which renders a PDF letter per student (WeasyPrint: far too
slow for 2,400 candidates, and a generator renders no PDF). The grid service requires that information.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_FLOOR, Decimal

from audit.services import log_action
from certification.commissions.services import commissions as commission_services
from certification.commissions.services.subjects import dossier_fiches, start_subject_sheet
from certification.dossiers.selectors import PARIS, deadline_passed, deposit_deadline, paris_today
from certification.dossiers.services.conformity import record_conformity
from certification.dossiers.services.dossiers import freeze_dossier_fiches, save_dossier_selection, submit_dossier
from certification.evaluation.selectors.assessed import assessed_competencies
from certification.evaluation.selectors.marks import load_group
from certification.evaluation.services.grids import save_agreed_grid, save_member_grid
from certification.evaluation.services.marks import RangeInput, ResultInput, save_group
from certification.evaluation.services.profiles import NOT_ASSESSED
from certification.models import (
    Commission,
    ConformityDecision,
    Convocation,
    Dossier,
    DossierState,
    InformationMethod,
    MemberRole,
    SituationStep,
)
from dataset import texts
from dataset.academie import shifted
from dataset.passeports import StudentTraces
from dataset.people import CohortPeople
from dataset.spec import E4_KINDS, Reference, rng_for
from passeport.models import FicheVerso
from referentiel.models import Exam, Level

STEPS = (
    ("A", datetime.date(2027, 3, 25), "Point d'étape : ciblage et prospection"),
    ("A", datetime.date(2027, 5, 20), "Bilan de fin de formation"),
    ("B", datetime.date(2027, 6, 3), "Simulation"),
)
INFORMED_DAYS_BEFORE = 21
CHECKED_ON = datetime.date(2027, 4, 20)
# How often a candidate's overall level is drawn TI, I, S, TS: most candidates are « satisfaisant ».
PROFILE_WEIGHTS = (1, 4, 10, 5)
COMPETENCY_SPREAD = 0.15  # chance that a compétence sits one level off the candidate's overall level
MEMBER_NOISE = 0.2  # chance that a member positions a line one level off the candidate's level
EVENT_SHARE = 0.4  # share of candidates whose fiche sujet is written from their événement fiche (the others: négo)


def subject_exam(ref: Reference) -> Exam:
    """The exam whose situation B is a simulation on a fiche sujet (E4), found by its data."""
    return next(exam for exam in ref.exams.values() if exam.definition and exam.definition.has_subject_sheet)


def deposit_dossiers(ref: Reference, people: CohortPeople, traces: dict[int, StudentTraces]) -> int:
    """Each student selects their two E4 fiches (first verso) and their internship periods, then deposits."""
    count = 0
    first_versos = {}
    fiche_ids = [f.pk for s in people.students for f in traces[s.pk].fiches]
    for verso in FicheVerso.objects.filter(fiche_id__in=fiche_ids).order_by("-order"):
        first_versos[verso.fiche_id] = verso
    for student in people.students:
        mine = traces[student.pk]
        chosen = [f for f in mine.fiches if f.kind.code in E4_KINDS][:2]
        dossier = save_dossier_selection(
            student=student,
            exam=subject_exam(ref),
            author=student.user,
            fiches=[(fiche, first_versos.get(fiche.pk)) for fiche in chosen],
            internships=mine.internships,
        )
        _deposit(dossier, student.user)
        count += 1
    return count


def _deposit(dossier, user) -> None:
    """The student's own deposit (``submit_dossier``) while the deadline is ahead; once it has passed (the machine's
    clock is after April 2027), the same freezing, dated the evening before the deadline so nobody is late."""
    deadline = deposit_deadline(dossier)
    if deadline is None or not deadline_passed(deadline, paris_today()):
        submit_dossier(dossier=dossier, actor=user)
        return
    versions = freeze_dossier_fiches(dossier)
    dossier.state = DossierState.SUBMITTED
    dossier.submitted_at = datetime.datetime.combine(
        deadline - datetime.timedelta(days=1), datetime.time(18, 0), tzinfo=PARIS
    )
    dossier.submitted_by = user
    dossier.save(update_fields=["state", "submitted_at", "submitted_by"])
    log_action(
        "dossier.submitted",
        actor=user,
        obj=dossier,
        changes={"fiches": dossier.items.count(), "versions": [v.pk for v in versions]},
    )


def create_commission(ref: Reference, people: CohortPeople) -> Commission:
    """The cohort's E4 commission: responsible teacher, a second teacher, the professional, three dated steps."""
    exam = subject_exam(ref)
    commission = commission_services.create_commission(
        session=ref.session,
        exam_code=exam.code,
        cohort=people.cohort,
        number=f"{exam.code}-{people.establishment.uai}-{people.number}",
        responsible=people.responsible,
        actor=people.admin,
    )
    commission_services.add_member(
        commission=commission, user=people.second_teacher, role=MemberRole.TEACHER, actor=people.admin
    )
    commission_services.add_member(
        commission=commission, user=people.professional, role=MemberRole.PROFESSIONAL, actor=people.admin
    )
    for code, date, label in STEPS:
        commission_services.create_step(
            commission=commission, situation_code=code, date=date, label=label, actor=people.responsible
        )
    return commission


def inform_and_check(commission: Commission, people: CohortPeople) -> None:
    """Every student informed (by letter) of every situation's dated steps, every dossier checked « conforme »."""
    steps = SituationStep.objects.filter(situation__commission=commission)
    Convocation.objects.bulk_create(
        Convocation(
            step=step,
            student=student,
            method=InformationMethod.LETTER,
            informed_at=datetime.datetime.combine(
                step.date - datetime.timedelta(days=INFORMED_DAYS_BEFORE), datetime.time(9, 0), tzinfo=PARIS
            ),
            informed_by=people.responsible,
        )
        for step in steps
        for student in people.students
    )
    log_action(
        "dataset.students_informed",
        actor=people.responsible,
        obj=commission,
        establishment_id=people.establishment.pk,
        changes={"steps": [step.date.isoformat() for step in steps], "students": len(people.students)},
    )
    dossiers = Dossier.objects.filter(
        student__in=people.students, exam=commission.exam, session=commission.session
    ).select_related("student__cohort")
    for dossier in dossiers.order_by("student__user__username"):
        record_conformity(
            dossier=dossier,
            decision=ConformityDecision.CONFORME,
            nv_reasons=[],
            comment="",
            checked_on=CHECKED_ON,
            actor=people.responsible,
        )


def write_subject_sheets(seed: int, commission: Commission, people: CohortPeople) -> int:
    """Each candidate's fiche sujet, from the fiche of the kind the commission takes for situation B: the événement
    fiche for about ``EVENT_SHARE`` of the class, the négo-vente fiche for the others (domain §9)."""
    choice = commission.exam.definition.choice_situation
    kinds = list(choice.assesses_one_of) if choice is not None else []
    if not kinds:
        return 0
    written = 0
    for student in people.students:
        rng = rng_for(seed, "subjects", student.user.username)
        wanted = kinds[-1] if rng.random() < EVENT_SHARE else kinds[0]
        items = dossier_fiches(commission, student)
        item = next((i for i in items if i.fiche.kind.code == wanted), items[0] if items else None)
        if item is None:
            continue
        start_subject_sheet(commission=commission, student=student, dossier_fiche=item, actor=people.responsible)
        written += 1
    return written


def _base_profile(rng: random.Random, criteria) -> dict[int, int]:
    """The candidate's level (rank 1–4) on each compétence assessed: an overall level, one off on some
    compétences, so that a class of 30 shows fifteen profiles or so, most shared by several candidates."""
    competencies = sorted({c.competency_id for c in criteria})
    overall = rng.choices((1, 2, 3, 4), PROFILE_WEIGHTS)[0]
    return {pk: _noisy(rng, overall, COMPETENCY_SPREAD) for pk in competencies}


def fill_grids(ref: Reference, seed: int, commission: Commission, people: CohortPeople) -> int:
    """Each member's grid, then the agreed grid (the median of the members' levels), every line of the compétences
    the candidate is assessed on positioned (none on the compétence of the fiche not chosen for situation B)."""
    members = list(commission.members.select_related("user").order_by("-carries_responsibility", "pk"))
    by_rank: dict[int, Level] = {level.rank: level for level in ref.levels.values()}
    every = ref.criteria[commission.exam.code]
    assessed = assessed_competencies(commission, [student.pk for student in people.students])
    saved = 0
    for student in people.students:
        rng = rng_for(seed, "grids", student.user.username)
        kept = assessed[student.pk]
        criteria = [c for c in every if kept is None or c.competency_id in kept]
        base = _base_profile(rng, criteria)
        member_ranks = []
        for member in members:
            ranks = {c.pk: _noisy(rng, base[c.competency_id]) for c in criteria}
            member_ranks.append(ranks)
            save_member_grid(
                commission=commission,
                student=student,
                member=member,
                levels={pk: by_rank[rank] for pk, rank in ranks.items()},
                comments=_comments(rng, criteria, 1),
                base_version=0,
                actor=member.user,
            )
        agreed = {c.pk: sorted(ranks[c.pk] for ranks in member_ranks)[(len(members) - 1) // 2] for c in criteria}
        save_agreed_grid(
            commission=commission,
            student=student,
            levels={pk: by_rank[rank] for pk, rank in agreed.items()},
            comments=_comments(rng, criteria, 4),
            base_version=0,
            actor=commission.responsible,
        )
        saved += len(members) + 1
    return saved


def _noisy(rng: random.Random, rank: int, chance: float = MEMBER_NOISE) -> int:
    if rng.random() < chance:
        rank += rng.choice((-1, 1))
    return min(4, max(1, rank))


def _comments(rng: random.Random, criteria, how_many: int) -> dict[int, str]:
    competencies = sorted({c.competency_id for c in criteria})
    chosen = rng.sample(competencies, k=min(how_many, len(competencies)))
    return {pk: rng.choice(texts.GRID_COMMENTS) for pk in chosen}


def _half(value: Decimal) -> Decimal:
    return (value * 2).to_integral_value(rounding=ROUND_FLOOR) / 2


def _range_for(key: str, ranks: dict[str, int]) -> tuple[Decimal, Decimal]:
    """The commission's range for a profile: around 4 (all TI) to 17.5 (all TS), two points wide (on the compétences
    assessed: « NE » is not a level)."""
    codes = [code for code in key.split("-") if code != NOT_ASSESSED]
    mean = Decimal(sum(ranks[code] for code in codes)) / len(codes)
    low = _half(Decimal(4) + (mean - 1) * Decimal("4.5") - 1)
    return max(Decimal(0), low), min(Decimal(20), low + 2)


def set_marks(seed: int, commission: Commission, people: CohortPeople) -> int:
    """The profiles page: each candidate keeps the proposed profile; one range per profile (shifted for the
    establishments marking higher or lower, ``dataset.academie``); a mark inside it."""
    page = load_group(commission)
    ranks = page.scale.ranks
    rng = rng_for(seed, "marks", people.establishment.uai, people.number)
    number = people.establishment_number
    ranges = {group.key: shifted(_range_for(group.key, ranks), number) for group in page.groups if group.complete}
    results = []
    # The page orders candidates by name, and namesakes in whatever order the database returns them: draw the
    # marks in username order so that SQLite and PostgreSQL give the same marks.
    for row in sorted(page.rows, key=lambda row: row.student.user.username):
        low, high = ranges[row.key]
        mark = low + Decimal("0.5") * rng.randint(0, int((high - low) * 2))
        results.append(
            ResultInput(
                student_id=row.student.pk,
                status="mark",
                mark=mark,
                absent_reason="",
                version=row.version,
                profile=row.proposal,
            )
        )
    save_group(
        commission,
        actor=commission.responsible,
        results=results,
        ranges=[RangeInput(key, low, high) for key, (low, high) in ranges.items()],
    )
    return len(results)
