"""Read models of a class: the follow-up table (students × compétences) and the formative assessments of several
students (spreadsheet export). A fixed number of queries whatever the number of students: the database counts and
groups, Python only assembles the rows.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from accounts.models import Cohort, Student
from lib.collation import name_key
from passeport.models import Activity, FormativeAssessment, FormativePosition
from passeport.selectors import FORMATIVE_FIELDS, Latest, PasseportAssessment, formative_rows
from referentiel.models import Competency, Exam, Level

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
    columns: list[tuple[Exam, Competency, int]] = [(comp.block.exam, comp, comp.total) for comp in competencies]
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
            .values_list("activity__student_id", "criterion__competency_id", "n")  # type: ignore[misc]  # plugin misses annotate after values
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
    # Grouped by the database (one row per student and compétence, not one per position): the positions are counted
    # over the partition and only the most recent one is kept (a window filter, QUALIFY-like, on SQLite and PostgreSQL).
    partition = [F("assessment__student_id"), F("criterion__competency_id")]
    recency = [F("assessment__assessed_on").desc(), F("assessment_id").desc(), F("level__rank").asc()]
    # The compétences are kept in Python, not filtered in SQL: with ``criterion__competency_id__in`` SQLite starts
    # from the critères and reads every position of the académie on them (40 ms on 57,000 positions, against 4 ms
    # from the class's students; measured with bench/load/cpu_pages.py).
    rows = (
        FormativePosition.objects.filter(assessment__student__cohort=cohort)
        .annotate(
            positions=Window(Count("pk"), partition_by=partition),
            place=Window(RowNumber(), partition_by=partition, order_by=recency),
        )
        .filter(place=1)
        .values_list(
            "assessment__student_id", "criterion__competency_id", "level_id", "assessment__assessed_on", "positions"
        )
    )
    return {
        (student_id, competency_id): Latest(by_level[level_id], assessed_on, positions)
        for student_id, competency_id, level_id, assessed_on, positions in rows
        if competency_id in competency_ids
    }


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
    read exactly as the passeport reads them (``selectors.formative_rows``): two queries whatever the class size."""
    if cohort is not None:
        target = cohort
    elif student is not None:
        target = student.cohort
    else:
        raise ValueError("formative_by_student needs a class or a student")
    levels = {lv.pk: lv for lv in Level.objects.filter(version_id=target.exam_session.version_id)}
    qs = FormativeAssessment.objects.order_by()
    qs = qs.filter(student__cohort=cohort) if cohort is not None else qs.filter(student=student)
    rows_by_student: dict[int, list[tuple]] = defaultdict(list)
    names: dict[int, CohortStudent] = {}
    for pk, last_name, first_name, *row in qs.values_list(
        "student_id", "student__user__last_name", "student__user__first_name", *FORMATIVE_FIELDS
    ):
        names.setdefault(pk, CohortStudent(pk, last_name, first_name))
        rows_by_student[pk].append(row)
    out = []
    for pk in sorted(names, key=lambda pk: (_name_key(names[pk]), pk)):
        assessments, _ = formative_rows(rows_by_student[pk], levels)
        out.append((names[pk], assessments[::-1]))  # oldest first: a spreadsheet reads down in time
    return out
