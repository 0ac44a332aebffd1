"""What the formative assessment form offers: the student's activities and fiches, the CCF critères, the levels."""

from dataclasses import dataclass

from accounts.models import Student
from passeport.models import Activity, Fiche
from referentiel.models import Competency, Criterion, Exam, Level, ReferentielVersion

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
