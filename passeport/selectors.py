"""Read models of the passeport (one student) and of the cohort overview (one class).

Both run a fixed number of queries whatever the number of activities or students: rows are fetched in a few flat
queries and assembled in Python, never loaded one object at a time.
"""

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from accounts.models import Cohort, Student
from passeport.models import Activity, Fiche, FormativeAssessment, FormativePosition
from passeport.selectors_internships import SHORT, internship_summary
from referentiel.models import Competency, Criterion, Exam, ExamRule, ExamSession, Level, ReferentielVersion

CCF_EXAMS = ("E4", "E6")


# --- Référentiel -------------------------------------------------------------------------------------------------


def ccf_criteria(version: ReferentielVersion, *, with_indicators: bool = False) -> list[Criterion]:
    """The critères of E4 and E6 in the order of the official grids."""
    qs = (
        Criterion.objects.filter(competency__block__version=version, competency__block__exam__code__in=CCF_EXAMS)
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


@dataclass
class CriterionRow:
    criterion: Criterion
    cells: list[bool]
    activity_count: int
    evidence_count: int
    latest: Latest | None


@dataclass
class ExamMatrix:
    exam: Exam
    competencies: list[tuple[Competency, list[CriterionRow]]]

    @property
    def rows(self) -> list[CriterionRow]:
        return [row for _, rows in self.competencies for row in rows]

    @property
    def never_mobilised(self) -> list[Criterion]:
        return [row.criterion for row in self.rows if not row.activity_count]


@dataclass
class TimelineEntry:
    date: datetime.date
    activity: Activity | None  # None for a fiche written about someone else's (collective) activity
    fiches: list[Fiche]
    number: int | None = None


@dataclass
class Passeport:
    student: Student
    activities: list[Activity]
    timeline: list[TimelineEntry]
    matrices: list[ExamMatrix]
    fiche_gaps: list[str]
    internship: dict
    assessments: list[FormativeAssessment]
    levels: list[Level]

    @property
    def has_gaps(self) -> bool:
        internship = self.internship["status"] == SHORT or bool(self.internship["missing_attestations"])
        return bool(self.fiche_gaps) or internship or any(m.never_mobilised for m in self.matrices)


def passeport_for(student: Student) -> Passeport:
    # One query for the session and its référentiel version, kept on the cohort for internship_summary().
    session = ExamSession.objects.select_related("version").get(pk=student.cohort.exam_session_id)
    student.cohort.exam_session = session
    version = session.version
    activities = list(
        Activity.objects.filter(student=student).annotate(evidence_count=Count("evidence")).order_by("start_date", "pk")
    )
    fiches = list(
        Fiche.objects.filter(student=student)
        .select_related("exam", "kind", "activity")
        .order_by("exam__code", "number")
    )
    links = set(
        Activity.criteria.through.objects.filter(activity__student=student).values_list("activity_id", "criterion_id")
    )
    levels = levels_of(version)
    assessments, latest = _formative(student, {lv.pk: lv for lv in levels})
    criteria = ccf_criteria(version)
    return Passeport(
        student=student,
        activities=activities,
        timeline=_timeline(activities, fiches),
        matrices=_matrices(criteria, activities, links, latest),
        fiche_gaps=fiche_gaps(session, fiches),
        internship=internship_summary(student),
        assessments=assessments,
        levels=levels,
    )


def _timeline(activities: list[Activity], fiches: list[Fiche]) -> list[TimelineEntry]:
    by_activity: dict[int, list[Fiche]] = defaultdict(list)
    for fiche in fiches:
        by_activity[fiche.activity_id].append(fiche)
    entries = [TimelineEntry(a.start_date, a, by_activity.pop(a.pk, []), number=n) for n, a in enumerate(activities, 1)]
    # A fiche may describe a collective activity recorded by another student: it still belongs on this timeline.
    entries += [TimelineEntry(fs[0].activity.start_date, None, fs) for fs in by_activity.values()]
    entries.sort(key=lambda e: (e.date, e.activity is None, e.number or 0))
    return entries


def _formative(student: Student, levels: dict[int, Level]) -> tuple[list[FormativeAssessment], dict[int, Latest]]:
    assessments = list(
        FormativeAssessment.objects.filter(student=student)
        .select_related("assessor", "activity", "fiche__exam")
        .order_by("-assessed_on", "-pk")
    )
    by_pk = {a.pk: a for a in assessments}
    for a in assessments:
        a.position_list = []
    latest: dict[int, Latest] = {}
    rows = (
        FormativePosition.objects.filter(assessment__student=student)
        .order_by("criterion__competency__block__exam__code", "criterion__competency__order", "criterion__number")
        .values_list(
            "assessment_id", "criterion_id", "criterion__competency__block__exam__code", "criterion__title", "level_id"
        )
    )
    for assessment_id, criterion_id, exam_code, title, level_id in rows:
        assessment = by_pk[assessment_id]
        level = levels[level_id]
        assessment.position_list.append((exam_code, title, level))
        current = latest.get(criterion_id)
        count = (current.count if current else 0) + 1
        key = (assessment.assessed_on, assessment_id)
        if current is None or key > current.key:
            latest[criterion_id] = Latest(level, assessment.assessed_on, count, key)
        else:
            current.count = count
    return assessments, latest


def _matrices(
    criteria: list[Criterion], activities: list[Activity], links: set[tuple[int, int]], latest: dict[int, Latest]
) -> list[ExamMatrix]:
    matrices = []
    for exam, competencies in _group(criteria):
        groups = []
        for competency, crits in competencies:
            rows = []
            for c in crits:
                cells = [(a.pk, c.pk) in links for a in activities]
                evidence = sum(a.evidence_count for a, hit in zip(activities, cells, strict=True) if hit)
                rows.append(CriterionRow(c, cells, sum(cells), evidence, latest.get(c.pk)))
            groups.append((competency, rows))
        matrices.append(ExamMatrix(exam, groups))
    return matrices


def fiche_gaps(session, fiches: list[Fiche]) -> list[str]:
    """What the dossier still lacks according to the session's rules (composition defects: flagged, never blocking)."""
    gaps = []
    rules = ExamRule.objects.filter(session=session, exam__code__in=CCF_EXAMS).select_related("exam")
    for rule in rules.prefetch_related("exam__fiche_kinds").order_by("exam__code"):
        mine = [f for f in fiches if f.exam_id == rule.exam_id]
        code = rule.exam.code
        if len(mine) < rule.fiches_required:
            gaps.append(f"{code} : {len(mine)} fiche(s) sur les {rule.fiches_required} attendues dans le dossier.")
        if rule.one_fiche_per_kind:
            present = {f.kind_id for f in mine}
            for kind in rule.exam.fiche_kinds.all():
                if kind.pk not in present:
                    gaps.append(f"{code} : aucune fiche « {kind.label} ».")
        real_lived = sum(1 for f in mine if f.real_lived)
        if real_lived < rule.real_lived_minimum:
            gaps.append(
                f"{code} : {real_lived} fiche(s) « activité réelle vécue » sur les {rule.real_lived_minimum} "
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
class StudentRow:
    student: Student
    cells: list[CompetencyCell]


@dataclass
class CohortOverview:
    cohort: Cohort
    columns: list[tuple[Exam, Competency, int]]  # (exam, compétence, number of critères)
    rows: list[StudentRow]
    levels: list[Level]
    sort: str
    order: str


def _name_key(student: Student) -> tuple[str, str]:
    def fold(text: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(ch))

    return (fold(student.user.last_name), fold(student.user.first_name))


def cohort_overview(cohort: Cohort, *, sort: str = "nom", order: str = "asc") -> CohortOverview:
    version = cohort.exam_session.version
    students = list(Student.objects.filter(cohort=cohort).select_related("user"))
    criteria = ccf_criteria(version)
    levels = levels_of(version)
    by_level = {lv.pk: lv for lv in levels}
    competency_of = {c.pk: c.competency_id for c in criteria}
    mobilised: dict[int, set[int]] = defaultdict(set)
    for student_id, criterion_id in Activity.criteria.through.objects.filter(
        activity__student__cohort=cohort
    ).values_list("activity__student_id", "criterion_id"):
        mobilised[student_id].add(criterion_id)
    latest = _latest_by_competency(cohort, competency_of, by_level)
    columns = [(exam, comp, len(crits)) for exam, comps in _group(criteria) for comp, crits in comps]
    rows = []
    for student in students:
        mine = mobilised.get(student.pk, set())
        cells = [
            CompetencyCell(
                covered=sum(1 for c in mine if competency_of.get(c) == comp.pk),
                total=total,
                latest=latest.get((student.pk, comp.pk)),
            )
            for _, comp, total in columns
        ]
        rows.append(StudentRow(student, cells))
    sort, order = _sort(rows, columns, sort, order)
    return CohortOverview(cohort, columns, rows, levels, sort, order)


def _latest_by_competency(
    cohort: Cohort, competency_of: dict[int, int], levels: dict[int, Level]
) -> dict[tuple[int, int], Latest]:
    """Per (student, compétence): the most recent level positioned on any of its critères, and how many positions.

    Two critères of one compétence positioned in the same assessment: the lower level is shown (the cautious one).
    """
    latest: dict[tuple[int, int], Latest] = {}
    rows = FormativePosition.objects.filter(assessment__student__cohort=cohort).values_list(
        "assessment__student_id", "criterion_id", "level_id", "assessment__assessed_on", "assessment_id"
    )
    for student_id, criterion_id, level_id, assessed_on, assessment_id in rows:
        competency_id = competency_of.get(criterion_id)
        if competency_id is None:
            continue
        level = levels[level_id]
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
