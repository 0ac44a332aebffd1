"""The training traces of one cohort: internship periods (with attestation files), activities, fiches and their
version history (``dataset.fiches``), formative assessments, teachers' comments.

Activities, internship periods, formative assessments and
comments are plain training rows written with ``bulk_create``: through ``create_activity`` and
``create_formative_assessment`` they would cost about ten queries (and an audit entry) each — 48,000 activities and
19,000 assessments for the académie preset, several minutes on their own — and those services hold no workflow rule
that a generated row could break (their only checks, critères of the session and participants of the same cohort,
hold by construction here).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dataset import texts
from dataset.fiches import plan_fiches, write_in_bulk, write_through_services
from dataset.pdf import tiny_pdf
from dataset.people import CohortPeople
from dataset.spec import FICHE_KINDS, Reference, Spec, rng_for
from passeport.models import (
    Activity,
    ActivityNature,
    ActivitySetting,
    Fiche,
    FicheComment,
    FormativeAssessment,
    FormativePosition,
    InternshipKind,
    InternshipPeriod,
    attestation_path,
)
from passeport.rubrics import fiche_definition

TRAINING_START = datetime.date(2025, 9, 8)
TRAINING_DAYS = 540  # up to early March 2027
# Two 8-week internships: 16 weeks, what the référentiel expects of a « scolaire » student.
INTERNSHIPS = (
    (datetime.date(2026, 1, 5), datetime.date(2026, 2, 27)),
    (datetime.date(2026, 5, 11), datetime.date(2026, 7, 3)),
)
PARIS = ZoneInfo("Europe/Paris")
VALIDATED_SHARE = 0.6
COLLECTIVE_SHARE = 0.1


@dataclass
class StudentTraces:
    fiches: list[Fiche] = field(default_factory=list)
    internships: list[InternshipPeriod] = field(default_factory=list)


def create_traces(ref: Reference, spec: Spec, seed: int, people: CohortPeople, timer) -> dict[int, StudentTraces]:
    """Everything of the cohort's passeports; returns, per student id, the fiches and internship periods."""
    traces = {student.pk: StudentTraces() for student in people.students}
    with timer("passeports"):
        _internships(seed, people, traces, ref)
        activities = _activities(ref, spec, seed, people)
    with timer("fiches"):
        plans = [plan for s in people.students for plan in plan_fiches(ref, spec, seed, s, activities[s.pk])]
        if spec.fiches_via_services:
            written = write_through_services(plans)
        else:
            written = write_in_bulk(ref, plans, people.establishment.pk)
        for student in people.students:
            traces[student.pk].fiches = written.get(student.pk, [])
    with timer("passeports"):
        _formative(ref, seed, people, activities, traces)
    return traces


def _day(rng: random.Random) -> datetime.date:
    return TRAINING_START + datetime.timedelta(days=rng.randrange(TRAINING_DAYS))


def _internships(seed: int, people: CohortPeople, traces: dict[int, StudentTraces], ref: Reference) -> None:
    periods = []
    for student in people.students:
        rng = rng_for(seed, "internships", student.user.username)
        for start, end in INTERNSHIPS:
            period = InternshipPeriod(
                student=student,
                kind=InternshipKind.STAGE,
                organisation=texts.organisation(rng),
                start_date=start,
                end_date=end,
                weeks=Decimal("8.0"),
                tutor_name=" ".join(texts.person(rng)),
                attestation_name="attestation-de-stage.pdf",
                attestation_content_type="application/pdf",
            )
            pdf = tiny_pdf(
                [
                    "Attestation de stage (annexe III-2)",
                    f"Organisme d'accueil : {period.organisation}",
                    f"Stagiaire : {student.user.display_name}, BTS NDRC",
                    f"Du {start:%d/%m/%Y} au {end:%d/%m/%Y}, soit 8 semaines",
                    f"Tuteur : {period.tutor_name}",
                ]
            )
            period.attestation.name = default_storage.save(
                attestation_path(period, "attestation.pdf"), ContentFile(pdf)
            )
            ref.written_files.append(period.attestation.name)
            periods.append(period)
    for period in InternshipPeriod.objects.bulk_create(periods):
        traces[period.student_id].internships.append(period)


def _activity_criteria(ref: Reference, rng: random.Random, kind_code: str | None) -> list[int]:
    exam = ref.kinds[kind_code].exam.code if kind_code else rng.choice(tuple(ref.exams))
    pool = ref.criteria[exam]
    return [c.pk for c in rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))]


def _activities(ref: Reference, spec: Spec, seed: int, people: CohortPeople) -> dict[int, list[Activity]]:
    rows, criteria, collective = [], [], []
    teachers = (people.responsible, people.second_teacher)
    validated_at = datetime.datetime(2027, 3, 12, 17, 0, tzinfo=PARIS)
    for student in people.students:
        rng = rng_for(seed, "activities", student.user.username)
        for index in range(spec.activities):
            kind = FICHE_KINDS[index % len(FICHE_KINDS)] if index < spec.fiches else None
            start = _day(rng)
            validated = rng.random() < VALIDATED_SHARE
            rows.append(
                Activity(
                    student=student,
                    title=texts.activity_title(rng),
                    setting=rng.choice(
                        (ActivitySetting.STAGE,) * 3 + (ActivitySetting.ATELIER, ActivitySetting.PROJET)
                    ),
                    organisation=texts.organisation(rng),
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randint(0, 12)),
                    nature=rng.choice((ActivityNature.REELLE, ActivityNature.REELLE, ActivityNature.VECUE)),
                    description=texts.paragraph(rng, 2, 4),
                    validated_at=validated_at if validated else None,
                    validated_by=rng.choice(teachers) if validated else None,
                )
            )
            criteria.append(_activity_criteria(ref, rng, kind))
            collective.append(rng.random() < COLLECTIVE_SHARE and len(people.students) > 1)
    created = Activity.objects.bulk_create(rows)
    _links(people, created, criteria, collective, seed)
    by_student: dict[int, list[Activity]] = {s.pk: [] for s in people.students}
    for activity in created:
        by_student[activity.student_id].append(activity)
    return by_student


def _links(people: CohortPeople, activities: list[Activity], criteria: list[list[int]], collective, seed) -> None:
    through = Activity.criteria.through
    through.objects.bulk_create(
        through(activity_id=a.pk, criterion_id=pk) for a, pks in zip(activities, criteria, strict=True) for pk in pks
    )
    rng = rng_for(seed, "collective", people.cohort.name, people.establishment.uai)
    students = people.students
    participants = Activity.participants.through
    rows = []
    for activity, shared in zip(activities, collective, strict=True):
        if shared:
            other = rng.choice([s for s in students if s.pk != activity.student_id])
            rows.append(participants(activity_id=activity.pk, student_id=other.pk))
    participants.objects.bulk_create(rows)


def _has_rubric(fiche: Fiche, code: str) -> bool:
    return any(rubric.code == code for rubric in fiche_definition(fiche.forms_session, fiche.exam.code).rubrics)


def _formative(ref: Reference, seed: int, people: CohortPeople, activities, traces) -> None:
    """One assessment per fiche and one per five other activities, with a comment on each fiche whose form has a
    « Historique » rubric (E4)."""
    teachers = (people.responsible, people.second_teacher)
    levels = [ref.levels[code] for code in ("TI", "I", "S", "TS")]
    assessments, positions, comments = [], [], []
    for student in people.students:
        rng = rng_for(seed, "formative", student.user.username)
        subjects = [(None, fiche) for fiche in traces[student.pk].fiches]
        subjects += [(a, None) for a in activities[student.pk][len(subjects) :: 5]]
        for activity, fiche in subjects:
            exam = fiche.exam.code if fiche else rng.choice(tuple(ref.exams))
            assessment = FormativeAssessment(
                student=student,
                assessor=rng.choice(teachers),
                activity=activity,
                fiche=fiche,
                assessed_on=_day(rng),
                comment=rng.choice(texts.FORMATIVE_COMMENTS),
            )
            chosen = rng.sample(ref.criteria[exam], k=min(len(ref.criteria[exam]), rng.randint(2, 4)))
            weights = (1, 3, 5, 3)
            assessments.append(assessment)
            positions.append([(c, rng.choices(levels, weights)[0]) for c in chosen])
            if fiche is not None and _has_rubric(fiche, "historique"):
                comments.append(
                    FicheComment(
                        fiche=fiche,
                        rubric="historique",
                        author=assessment.assessor,
                        text=rng.choice(texts.FORMATIVE_COMMENTS),
                    )
                )
    created = FormativeAssessment.objects.bulk_create(assessments)
    FormativePosition.objects.bulk_create(
        FormativePosition(assessment=a, criterion=c, level=level)
        for a, pairs in zip(created, positions, strict=True)
        for c, level in pairs
    )
    FicheComment.objects.bulk_create(comments)
