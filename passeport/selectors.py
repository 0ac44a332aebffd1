"""Read model of one student's passeport: activities, fiches, critères × activities, formative profile, gaps.

It runs a fixed number of queries whatever the number of activities: rows are fetched in a few flat queries and
assembled in Python, never loaded one object at a time. The class page reads through ``selectors_cohort``, the
formative assessment form through ``selectors_formative``.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from accounts.models import Cohort, Student, User
from passeport.models import Activity, Fiche, FormativeAssessment
from passeport.selectors_internships import SHORT, internship_summary
from referentiel.models import Criterion, ExamRule, ExamSession, Level

# --- Passeport ------------------------------------------------------------------------------------------------------


@dataclass
class Latest:
    """The most recent formative level on a critère (or a compétence)."""

    level: Level
    assessed_on: datetime.date
    count: int = 0
    key: tuple = field(default=(), repr=False, compare=False)  # what "most recent" compares


@dataclass(slots=True)
class PasseportExam:
    pk: int
    code: str
    title: str


@dataclass(slots=True)
class PasseportCompetency:
    pk: int
    title: str


@dataclass(slots=True)
class PasseportCriterion:
    pk: int
    number: int
    title: str
    competency: PasseportCompetency


@dataclass(slots=True)
class PasseportActivity:
    """What the passeport shows of an activity: flat rows rather than model instances (a page holds dozens)."""

    pk: int
    title: str
    setting_label: str
    nature_label: str
    organisation: str
    start_date: datetime.date
    end_date: datetime.date | None
    validated: bool
    evidence_count: int


@dataclass(slots=True)
class PasseportFiche:
    pk: int
    activity_id: int
    activity_title: str
    activity_start_date: datetime.date
    exam_id: int
    exam_code: str
    kind_id: int
    kind_label: str
    number: int
    title: str
    real_lived: bool | None


@dataclass(slots=True)
class PasseportAssessment:
    pk: int
    assessed_on: datetime.date
    assessor_name: str
    comment: str
    activity_id: int | None
    activity_title: str | None
    fiche_id: int | None  # about a fiche when set, else about the activity
    fiche_exam_code: str | None
    fiche_number: int | None
    fiche_title: str | None
    position_list: list[tuple[str, str, Level]] = field(default_factory=list)  # (exam code, critère title, level)
    label: str = ""  # the origin when not a teacher's follow-up (« CCF blanc »)


@dataclass
class CriterionRow:
    criterion: PasseportCriterion
    cells: list[bool]
    activity_count: int
    evidence_count: int
    latest: Latest | None


@dataclass
class ExamMatrix:
    exam: PasseportExam
    competencies: list[tuple[PasseportCompetency, list[CriterionRow]]]

    @property
    def rows(self) -> list[CriterionRow]:
        return [row for _, rows in self.competencies for row in rows]

    @property
    def never_mobilised(self) -> list[PasseportCriterion]:
        return [row.criterion for row in self.rows if not row.activity_count]


@dataclass
class TimelineEntry:
    date: datetime.date
    activity: PasseportActivity | None  # None for a fiche written about someone else's (collective) activity
    fiches: list[PasseportFiche]
    number: int | None = None


@dataclass
class Passeport:
    student: Student
    activities: list[PasseportActivity]
    timeline: list[TimelineEntry]
    matrices: list[ExamMatrix]
    fiche_gaps: list[str]
    internship: dict
    assessments: list[PasseportAssessment]
    levels: list[Level]

    @property
    def has_gaps(self) -> bool:
        internship = self.internship["status"] == SHORT or bool(self.internship["missing_attestations"])
        return bool(self.fiche_gaps) or internship or any(m.never_mobilised for m in self.matrices)


def passeport_for(student: Student) -> Passeport:
    """Everything the passeport page shows, as flat rows: no model instance per activity, fiche, assessment or
    critère, no large column (descriptions, fiche texts) read for nothing, and querysets built once (see
    ``_passeport_querysets``)."""
    if Student.cohort.is_cached(student):
        session = ExamSession.objects.get(pk=student.cohort.exam_session_id)
        student.cohort.exam_session = session  # kept for internship_summary() and the page's heading
    else:  # the student viewing their own passeport: the cohort comes with the session in one query
        student.cohort = Cohort.objects.select_related("exam_session").get(pk=student.cohort_id)
        session = student.cohort.exam_session
    qs = _passeport_querysets()
    activities = _passeport_activities(qs["activities"].filter(student=student))
    fiches = sorted(
        (PasseportFiche(*row) for row in qs["fiches"].filter(student=student)), key=lambda f: (f.exam_code, f.number)
    )
    levels = sorted(qs["levels"].filter(version_id=session.version_id), key=lambda lv: lv.rank)
    assessments, latest = formative_rows(qs["formative"].filter(student=student), {lv.pk: lv for lv in levels})
    return Passeport(
        student=student,
        activities=activities,
        timeline=_timeline(activities, fiches),
        matrices=_matrices(
            _passeport_criteria(qs["criteria"].filter(competency__block__version_id=session.version_id)),
            activities,
            qs["links"].filter(activity__student=student),
            latest,
        ),
        fiche_gaps=_passeport_fiche_gaps(qs["rules"].filter(session=session), fiches),
        internship=internship_summary(student),
        assessments=assessments,
        levels=levels,
    )


# One row per position (or one for an assessment without any), in the order ``_formative`` unpacks.
FORMATIVE_FIELDS = (
    "pk",
    "assessed_on",
    "comment",
    "assessor_id",
    "assessor__first_name",
    "assessor__last_name",
    "assessor__username",
    "activity_id",
    "activity__title",
    "fiche_id",
    "fiche__exam__code",
    "fiche__number",
    "fiche__title",
    "label",
    "positions__criterion_id",
    "positions__criterion__competency__block__exam__code",
    "positions__criterion__title",
    "positions__level_id",
    "positions__criterion__competency__order",
    "positions__criterion__number",
)


@functools.cache
def _passeport_querysets() -> dict[str, QuerySet]:
    """The passeport's querysets without their student (or version, or session) filter, built once per process.

    Setting up a ``values_list`` with a dozen joined lookups costs about as much as running the query: each request
    clones these (``.filter()`` never changes them, and they are never evaluated themselves) and adds one filter.
    None is ordered (``order_by()`` also drops the models' default ordering): resolving an ORDER BY on joined fields
    costs more than sorting a few dozen rows in Python, which the callers do.
    """
    return {
        "activities": Activity.objects.order_by()
        .values_list("pk", "title", "setting", "nature", "organisation", "start_date", "end_date", "validated_at")
        .annotate(evidence_count=Count("evidence")),
        "fiches": Fiche.objects.order_by().values_list(
            "pk",
            "activity_id",
            "activity__title",
            "activity__start_date",
            "exam_id",
            "exam__code",
            "kind_id",
            "kind__label",
            "number",
            "title",
            "real_lived",
        ),
        "links": Activity.criteria.through.objects.order_by().values_list("activity_id", "criterion_id"),
        "levels": Level.objects.order_by(),
        "formative": FormativeAssessment.objects.order_by().values_list(*FORMATIVE_FIELDS),
        "criteria": Criterion.objects.filter(competency__block__exam__ccf=True)
        .order_by()
        .values_list(
            "pk",
            "number",
            "title",
            "competency_id",
            "competency__title",
            "competency__block__exam__id",
            "competency__block__exam__code",
            "competency__block__exam__title",
            "competency__order",
        ),
        # One row per fiche kind of the exam (or one for an exam without any).
        "rules": ExamRule.objects.filter(exam__ccf=True)
        .order_by()
        .values_list(
            "exam_id",
            "exam__code",
            "fiches_required",
            "one_fiche_per_kind",
            "real_lived_minimum",
            "exam__fiche_kinds__id",
            "exam__fiche_kinds__label",
            "exam__fiche_kinds__order",
        ),
    }


def _passeport_activities(rows) -> list[PasseportActivity]:
    settings = dict(Activity._meta.get_field("setting").flatchoices)
    natures = dict(Activity._meta.get_field("nature").flatchoices)
    activities = [
        PasseportActivity(
            pk,
            title,
            str(settings.get(setting, setting)),
            str(natures.get(nature, nature)),
            organisation,
            start,
            end,
            validated_at is not None,
            evidence_count,
        )
        for pk, title, setting, nature, organisation, start, end, validated_at, evidence_count in rows
    ]
    activities.sort(key=lambda a: (a.start_date, a.pk))
    return activities


def _passeport_criteria(rows) -> list[tuple[PasseportExam, list[tuple[PasseportCompetency, list]]]]:
    """The critères of E4 and E6 grouped like ``_group(ccf_criteria(version))``, from flat rows."""
    out: list[tuple[PasseportExam, list[tuple[PasseportCompetency, list[PasseportCriterion]]]]] = []
    ordered = sorted(  # by exam code, compétence order, critère number: unique within a version
        (exam_code, competency_order, number, pk, title, competency_id, competency_title, exam_id, exam_title)
        for pk, number, title, competency_id, competency_title, exam_id, exam_code, exam_title, competency_order in rows
    )
    for exam_code, _, number, pk, title, competency_id, competency_title, exam_id, exam_title in ordered:
        if not out or out[-1][0].pk != exam_id:
            out.append((PasseportExam(exam_id, exam_code, exam_title), []))
        competencies = out[-1][1]
        if not competencies or competencies[-1][0].pk != competency_id:
            competencies.append((PasseportCompetency(competency_id, competency_title), []))
        competency, criteria = competencies[-1]
        criteria.append(PasseportCriterion(pk, number, title, competency))
    return out


def _timeline(activities: list[PasseportActivity], fiches: list[PasseportFiche]) -> list[TimelineEntry]:
    by_activity: dict[int, list[PasseportFiche]] = defaultdict(list)
    for fiche in fiches:
        by_activity[fiche.activity_id].append(fiche)
    entries = [TimelineEntry(a.start_date, a, by_activity.pop(a.pk, []), number=n) for n, a in enumerate(activities, 1)]
    # A fiche may describe a collective activity recorded by another student: it still belongs on this timeline.
    entries += [TimelineEntry(fs[0].activity_start_date, None, fs) for fs in by_activity.values()]
    entries.sort(key=lambda e: (e.date, e.activity is None, e.number or 0))
    return entries


def formative_rows(rows, levels: dict[int, Level]) -> tuple[list[PasseportAssessment], dict[int, Latest]]:
    """The assessments (latest first) with their positions in the order of the grids, and per critère the latest
    level (by date, then by entry)."""
    names: dict[int, str] = {}  # User.display_name, computed once per assessor
    by_pk: dict[int, PasseportAssessment] = {}
    positions: list[tuple[tuple, PasseportAssessment, tuple[str, str, Level]]] = []  # (grid order, of, position)
    latest: dict[int, Latest] = {}
    for row in rows:
        pk, on, comment, assessor_id, first, last, username = row[:7]
        activity_id, activity_title, fiche_id, fiche_exam_code, fiche_number, fiche_title, label = row[7:14]
        criterion_id, exam_code, title, level_id, competency_order, number = row[14:]
        assessment = by_pk.get(pk)
        if assessment is None:
            if assessor_id not in names:
                names[assessor_id] = User(first_name=first, last_name=last, username=username).display_name
            assessment = by_pk[pk] = PasseportAssessment(
                pk,
                on,
                names[assessor_id],
                comment,
                activity_id=activity_id,
                activity_title=activity_title,
                fiche_id=fiche_id,
                fiche_exam_code=fiche_exam_code,
                fiche_number=fiche_number,
                fiche_title=fiche_title,
                label=label,
            )
        if criterion_id is None:  # an assessment without any position
            continue
        level = levels[level_id]
        positions.append(((exam_code, competency_order, number), assessment, (exam_code, title, level)))
        current = latest.get(criterion_id)
        count = (current.count if current else 0) + 1
        key = (on, pk)
        if current is None or key > current.key:
            latest[criterion_id] = Latest(level, on, count, key)
        else:
            current.count = count
    positions.sort(key=lambda p: p[0])
    for _, assessment, position in positions:
        assessment.position_list.append(position)
    return sorted(by_pk.values(), key=lambda a: (a.assessed_on, a.pk), reverse=True), latest


def _matrices(
    exams: list[tuple[PasseportExam, list[tuple[PasseportCompetency, list[PasseportCriterion]]]]],
    activities: list[PasseportActivity],
    links,
    latest: dict[int, Latest],
) -> list[ExamMatrix]:
    mobilising: dict[int, set[int]] = defaultdict(set)  # critère → the activities that mobilise it
    for activity_id, criterion_id in links:
        mobilising[criterion_id].add(activity_id)
    matrices = []
    for exam, competencies in exams:
        groups = []
        for competency, crits in competencies:
            rows = []
            for c in crits:
                mine = mobilising.get(c.pk, ())
                cells = [a.pk in mine for a in activities]
                evidence = sum(a.evidence_count for a, hit in zip(activities, cells, strict=True) if hit)
                rows.append(CriterionRow(c, cells, sum(cells), evidence, latest.get(c.pk)))
            groups.append((competency, rows))
        matrices.append(ExamMatrix(exam, groups))
    return matrices


def _passeport_fiche_gaps(rules, fiches: list[PasseportFiche]) -> list[str]:
    """What the dossier still lacks according to the session's rules (composition defects: flagged, never blocking).

    ``rules``: the rows of ``_passeport_querysets()["rules"]``, one per fiche kind of each exam.
    """
    kinds: dict[int, list[tuple[int, str]]] = {}
    by_exam: dict[int, tuple] = {}
    ordered = sorted(  # by exam code, then fiche kind order
        (code, kind_order or 0, exam_id, fiches_required, one_fiche_per_kind, real_lived_minimum, kind_id, kind_label)
        for exam_id, code, fiches_required, one_fiche_per_kind, real_lived_minimum, kind_id, kind_label, kind_order in (
            rules
        )
    )
    for code, _, exam_id, fiches_required, one_fiche_per_kind, real_lived_minimum, kind_id, kind_label in ordered:
        by_exam.setdefault(exam_id, (code, fiches_required, one_fiche_per_kind, real_lived_minimum))
        kinds.setdefault(exam_id, [])
        if kind_id is not None:
            kinds[exam_id].append((kind_id, kind_label))
    gaps = []
    for exam_id, (code, fiches_required, one_fiche_per_kind, real_lived_minimum) in by_exam.items():
        mine = [f for f in fiches if f.exam_id == exam_id]
        if len(mine) < fiches_required:
            gaps.append(f"{code} : {len(mine)} fiche(s) sur les {fiches_required} attendues dans le dossier.")
        if one_fiche_per_kind:
            present = {f.kind_id for f in mine}
            for kind_id, label in kinds[exam_id]:
                if kind_id not in present:
                    gaps.append(f"{code} : aucune fiche « {label} ».")
        real_lived = sum(1 for f in mine if f.real_lived)
        if real_lived < real_lived_minimum:
            gaps.append(
                f"{code} : {real_lived} fiche(s) « activité réelle vécue » sur les {real_lived_minimum} "
                "exigée(s) au minimum."
            )
    return gaps
