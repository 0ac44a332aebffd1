"""Read models of the passeport (one student) and of the cohort overview (one class).

Both run a fixed number of queries whatever the number of activities or students: rows are fetched in a few flat
queries and assembled in Python, never loaded one object at a time.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from accounts.models import Cohort, Student, User
from lib.collation import name_key
from passeport.models import Activity, Fiche, FormativeAssessment, FormativePosition
from passeport.selectors_internships import SHORT, internship_summary
from referentiel.models import (
    Competency,
    Criterion,
    Exam,
    ExamRule,
    ExamSession,
    Level,
    ReferentielVersion,
)

# --- Référentiel -------------------------------------------------------------------------------------------------


def ccf_criteria(version: ReferentielVersion, *, with_indicators: bool = False) -> list[Criterion]:
    """The critères of the exams taken in CCF (E4 and E6) in the order of the official grids."""
    qs = (
        Criterion.objects.filter(competency__block__version=version, competency__block__exam__ccf=True)
        .select_related("competency__block__exam")
        .order_by("competency__block__exam__code", "competency__order", "number")
    )
    if with_indicators:
        qs = qs.prefetch_related("indicators")
    return list(qs)


def levels_of(version: ReferentielVersion) -> list[Level]:
    return list(Level.objects.filter(version=version).order_by("rank"))


def _group(criteria: list[Criterion]) -> list[tuple[Exam, list[tuple[Competency, list[Criterion]]]]]:
    """``[(exam, [(compétence, [critères])])]`` keeping the order of ``criteria``."""
    out: list[tuple[Exam, list[tuple[Competency, list[Criterion]]]]] = []
    for criterion in criteria:
        competency = criterion.competency
        exam = competency.block.exam
        if not out or out[-1][0].pk != exam.pk:
            out.append((exam, []))
        if not out[-1][1] or out[-1][1][-1][0].pk != competency.pk:
            out[-1][1].append((competency, []))
        out[-1][1][-1][1].append(criterion)
    return out


# --- Formative assessment form ------------------------------------------------------------------------------------


@dataclass
class FormativeChoices:
    activities: list[Activity]
    fiches: list[Fiche]
    criteria: list[Criterion]
    levels: list[Level]

    def groups(self, form) -> list[dict]:
        """The critères of the form grouped by exam and compétence, each with its bound field and indicators."""
        return [
            {
                "exam": exam,
                "competencies": [
                    {
                        "competency": competency,
                        "criteria": [
                            {
                                "criterion": c,
                                "field": form[form.criterion_field_name(c)],
                                "indicators": list(c.indicators.all()),
                            }
                            for c in criteria
                        ],
                    }
                    for competency, criteria in competencies
                ],
            }
            for exam, competencies in _group(self.criteria)
        ]


def formative_choices(student: Student) -> FormativeChoices:
    version = student.cohort.exam_session.version
    return FormativeChoices(
        activities=list(student.activities.order_by("-start_date", "-pk")),
        fiches=list(Fiche.objects.filter(student=student).select_related("exam").order_by("exam__code", "number")),
        criteria=ccf_criteria(version, with_indicators=True),
        levels=levels_of(version),
    )


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
    assessments, latest = _formative(qs["formative"].filter(student=student), {lv.pk: lv for lv in levels})
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
_FORMATIVE_FIELDS = (
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
        "formative": FormativeAssessment.objects.order_by().values_list(*_FORMATIVE_FIELDS),
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


def _formative(rows, levels: dict[int, Level]) -> tuple[list[PasseportAssessment], dict[int, Latest]]:
    """The assessments (latest first) with their positions in the order of the grids, and per critère the latest
    level (by date, then by entry)."""
    names: dict[int, str] = {}  # User.display_name, computed once per assessor
    by_pk: dict[int, PasseportAssessment] = {}
    positions: list[tuple[tuple, PasseportAssessment, tuple[str, str, Level]]] = []  # (grid order, of, position)
    latest: dict[int, Latest] = {}
    for row in rows:
        pk, on, comment, assessor_id, first, last, username, *about = row[:13]
        label = row[13]
        criterion_id, exam_code, title, level_id, competency_order, number = row[14:]
        assessment = by_pk.get(pk)
        if assessment is None:
            if assessor_id not in names:
                names[assessor_id] = User(first_name=first, last_name=last, username=username).display_name
            assessment = by_pk[pk] = PasseportAssessment(pk, on, names[assessor_id], comment, *about, label=label)
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


# --- Cohort overview --------------------------------------------------------------------------------------------------


@dataclass
class CompetencyCell:
    covered: int
    total: int
    latest: Latest | None

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.latest.level.rank if self.latest else 0, self.covered)


@dataclass
class CohortStudent:
    """What the overview shows of a student: loading a Student and its User per row cost more than the rest."""

    pk: int
    last_name: str
    first_name: str


@dataclass
class StudentRow:
    student: CohortStudent
    cells: list[CompetencyCell]


@dataclass
class CohortOverview:
    cohort: Cohort
    columns: list[tuple[Exam, Competency, int]]  # (exam, compétence, number of critères)
    rows: list[StudentRow]
    levels: list[Level]
    sort: str
    order: str


def _name_key(student: CohortStudent) -> tuple:
    return (name_key(student.last_name), name_key(student.first_name))


def cohort_overview(cohort: Cohort, *, sort: str = "nom", order: str = "asc") -> CohortOverview:
    """Flat tuples rather than model instances: a class is ~30 students, ~2,000 (activity, critère) links and ~700
    formative positions, and the compétence of each critère comes with them from the database."""
    version_id = cohort.exam_session.version_id
    students = [
        CohortStudent(pk, last_name, first_name)
        for pk, last_name, first_name in Student.objects.filter(cohort=cohort).values_list(
            "pk", "user__last_name", "user__first_name"
        )
    ]
    competencies = (
        Competency.objects.filter(block__version_id=version_id, block__exam__ccf=True)
        .select_related("block__exam")
        .annotate(total=Count("criteria"))
        .filter(total__gt=0)
        .order_by("block__exam__code", "order")
    )
    columns = [(comp.block.exam, comp, comp.total) for comp in competencies]
    levels = list(Level.objects.filter(version_id=version_id).order_by("rank"))
    # Critères mobilised by the student's activities, each counted once per compétence (counted by the database:
    # a row per student and compétence rather than one per activity and critère).
    covered: dict[tuple[int, int], int] = {
        (student_id, competency_id): n
        for student_id, competency_id, n in (
            Activity.criteria.through.objects.filter(activity__student__cohort=cohort)
            .values("activity__student_id", "criterion__competency_id")
            .annotate(n=Count("criterion_id", distinct=True))
            .order_by()
            .values_list("activity__student_id", "criterion__competency_id", "n")
        )
    }
    latest = _latest_by_competency(cohort, {comp.pk for _, comp, _ in columns}, levels)
    rows = []
    for student in students:
        pk = student.pk
        cells = [
            CompetencyCell(covered=covered.get((pk, comp.pk), 0), total=total, latest=latest.get((pk, comp.pk)))
            for _, comp, total in columns
        ]
        rows.append(StudentRow(student, cells))
    sort, order = _sort(rows, columns, sort, order)
    return CohortOverview(cohort, columns, rows, levels, sort, order)


def _latest_by_competency(
    cohort: Cohort, competency_ids: set[int], levels: list[Level]
) -> dict[tuple[int, int], Latest]:
    """Per (student, compétence): the most recent level positioned on any of its critères, and how many positions.

    Two critères of one compétence positioned in the same assessment: the lower level is shown (the cautious one).
    """
    by_level = {level.pk: level for level in levels}
    latest: dict[tuple[int, int], Latest] = {}
    rows = FormativePosition.objects.filter(assessment__student__cohort=cohort).values_list(
        "assessment__student_id", "criterion__competency_id", "level_id", "assessment__assessed_on", "assessment_id"
    )
    for student_id, competency_id, level_id, assessed_on, assessment_id in rows:
        if competency_id not in competency_ids:
            continue
        level = by_level[level_id]
        key = (student_id, competency_id)
        current = latest.get(key)
        count = (current.count if current else 0) + 1
        recency = (assessed_on, assessment_id, -level.rank)
        if current is None or recency > current.key:
            latest[key] = Latest(level, assessed_on, count, recency)
        else:
            current.count = count
    return latest


def _sort(rows: list[StudentRow], columns: list, sort: str, order: str) -> tuple[str, str]:
    """``sort`` is « nom » or « c<pk of a compétence> »; anything unknown falls back to the name, ascending."""
    order = order if order in ("asc", "desc") else "asc"
    index = next((i for i, (_, comp, _) in enumerate(columns) if sort == f"c{comp.pk}"), None)
    if index is None:
        sort = "nom"
        rows.sort(key=lambda r: _name_key(r.student), reverse=order == "desc")
    else:
        # Python's sort is stable: sorting by name first keeps names in order among equal cells.
        rows.sort(key=lambda r: _name_key(r.student))
        rows.sort(key=lambda r: r.cells[index].sort_key, reverse=order == "desc")
    return sort, order


# --- Formative assessments of several students (spreadsheet export) -----------------------------------------------


def formative_by_student(
    *, cohort: Cohort | None = None, student: Student | None = None
) -> list[tuple[CohortStudent, list[PasseportAssessment]]]:
    """The formative assessments of a class (or of one student), student by student in name order, each student's
    read exactly as the passeport reads them (``_formative``): two queries whatever the number of students."""
    target = cohort if cohort is not None else student.cohort
    levels = {lv.pk: lv for lv in Level.objects.filter(version_id=target.exam_session.version_id)}
    qs = FormativeAssessment.objects.order_by()
    qs = qs.filter(student__cohort=cohort) if cohort is not None else qs.filter(student=student)
    rows_by_student: dict[int, list[tuple]] = defaultdict(list)
    names: dict[int, CohortStudent] = {}
    for pk, last_name, first_name, *row in qs.values_list(
        "student_id", "student__user__last_name", "student__user__first_name", *_FORMATIVE_FIELDS
    ):
        names.setdefault(pk, CohortStudent(pk, last_name, first_name))
        rows_by_student[pk].append(row)
    out = []
    for pk in sorted(names, key=lambda pk: (_name_key(names[pk]), pk)):
        assessments, _ = _formative(rows_by_student[pk], levels)
        out.append((names[pk], assessments[::-1]))  # oldest first: a spreadsheet reads down in time
    return out
