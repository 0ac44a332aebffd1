"""One flow per candidate: « candidat suivant » and « étape suivante » on the jury's pages of a candidate.

A jury member grades a class candidate after candidate: their own grid, the agreed grid, the profile and the mark,
then the evaluation sheet and its signatures. Each of those pages links to the same page of the next candidate (in
the commission page's order: last name, first name) and to the next step of the same candidate, so nobody has to
go back to the commission page between two candidates.

The candidates are those of the commission's class, the same ones ``permissions.get_commission_student`` lets in:
a professional member only ever meets the candidates of the commissions they sit on.
"""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Student
from certification.commissions.models import Commission
from lib.collation import by_name

# The steps of one candidate, in order: (url name, label). The profiles page is the commission-wide view of the
# « profil et note » step; its per-candidate page is result_edit.
STEPS: tuple[tuple[str, str], ...] = (
    ("certification:grid_member", "Ma grille"),
    ("certification:grid_agreed", "Grille commune"),
    ("certification:result_edit", "Profil et note"),
    ("certification:evaluation_sheet", "Fiche d'évaluation et signature"),
)
# The signature form is the last part of the evaluation sheet's step.
STEP_OF = {name: name for name, _label in STEPS} | {"certification:evaluation_sign": "certification:evaluation_sheet"}

# Where a « save and go on » button leads, by the value of its ``suite`` field.
NEXT_CANDIDATE = "candidat"
NEXT_STEP = "etape"
TO_SHEET = "fiche"  # from the agreed grid straight to the evaluation sheet (the mark set on the profiles page)
MESSAGES_FRAGMENT = "#messages"


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool = False


@dataclass(frozen=True)
class CandidateFlow:
    """What the include ``certification/evaluation/includes/candidate_flow.html`` shows on a candidate's page."""

    student: Student
    position: int  # 1-based, in the commission page's order
    count: int
    previous: Student | None
    next: Student | None
    previous_url: str
    next_url: str
    steps: tuple[Link, ...]
    next_step: Link | None

    @property
    def is_last(self) -> bool:
        return self.next is None


def ordered_candidates(commission: Commission) -> list[Student]:
    """The class's candidates in the order of the commission page (French order of last name, first name)."""
    return list(Student.objects.filter(cohort_id=commission.cohort_id).select_related("user").order_by(*by_name()))


def _steps(commission: Commission, student: Student, current: str, *, member: bool) -> list[Link]:
    step = STEP_OF.get(current, current)
    return [
        Link(reverse(name, args=[commission.pk, student.pk]), label, current=name == step)
        for name, label in STEPS
        if member or name != "certification:grid_member"  # « Ma grille » only for a member
    ]


def candidate_flow(commission: Commission, student: Student, current: str, *, member: bool) -> CandidateFlow:
    """``current``: the url name of the page shown; the neighbours' links open the same page for them."""
    candidates = ordered_candidates(commission)
    ids = [candidate.pk for candidate in candidates]
    index = ids.index(student.pk)
    previous = candidates[index - 1] if index > 0 else None
    following = candidates[index + 1] if index + 1 < len(candidates) else None
    steps = _steps(commission, student, current, member=member)
    positions = [link.current for link in steps]
    at = positions.index(True) if True in positions else -1
    return CandidateFlow(
        student=student,
        position=index + 1,
        count=len(candidates),
        previous=previous,
        next=following,
        previous_url=reverse(current, args=[commission.pk, previous.pk]) if previous else "",
        next_url=reverse(current, args=[commission.pk, following.pk]) if following else "",
        steps=tuple(steps),
        next_step=steps[at + 1] if 0 <= at < len(steps) - 1 else None,
    )


def next_candidate(commission: Commission, student: Student) -> Student | None:
    candidates = ordered_candidates(commission)
    ids = [candidate.pk for candidate in candidates]
    index = ids.index(student.pk)
    return candidates[index + 1] if index + 1 < len(candidates) else None


def onward_url(commission: Commission, student: Student, current: str, choice: str) -> str | None:
    """After a save: the page the « save and go on » button asked for, or None to stay (the last candidate)."""
    if choice == NEXT_CANDIDATE:
        following = next_candidate(commission, student)
        if following is None:
            return None
        return reverse(current, args=[commission.pk, following.pk]) + MESSAGES_FRAGMENT
    if choice == TO_SHEET:
        return reverse("certification:evaluation_sheet", args=[commission.pk, student.pk]) + MESSAGES_FRAGMENT
    if choice == NEXT_STEP:
        names = [name for name, _label in STEPS]
        step = STEP_OF.get(current, current)
        if step in names and names.index(step) + 1 < len(names):
            return reverse(names[names.index(step) + 1], args=[commission.pk, student.pk]) + MESSAGES_FRAGMENT
    return None
