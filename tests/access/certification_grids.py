"""Grids (recto): jury only.

Members read and fill their own grid and the agreed grid; an administrator who does not sit on the commission reads
the agreed grid, the evidence and the PDF, and gets a 403 on a member's grid and on any save. Students — the
candidate first — get a 404 on every grid URL; so do teachers of other establishments and professionals who do not
sit on the commission.
"""

from certification.models import Commission, MemberRole
from tests.access import Row, logged_in
from tests.factories_certification_grids import make_grid_commission

# cast.teacher is responsible and member of the commission of cast.cohort; cast.student is informed of situation A.
READ = logged_in(404, admin=200, teacher=200)
MEMBER_READ = logged_in(404, admin=403, teacher=200)
# An empty grid saved on version 0 changes nothing: the member is sent back to the grid (302).
MEMBER_WRITE = logged_in(404, admin=403, teacher=302)


def EMPTY_GRID(cast) -> dict:  # noqa: N802 - a row's data, named as the constant it replaced
    """A first save leaving every line « non positionné »: one line sent, as a page always sends them all."""
    from referentiel.models import Criterion

    criterion = Criterion.objects.filter(competency__block__exam__code="E4").order_by("pk").first()
    return {"base_version": "0", f"critere_{criterion.pk}": ""}


def _args(cast) -> list:
    return [make_grid_commission(cast).pk, cast.student.pk]


def _with_professional(cast) -> list:
    commission = make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),))
    return [commission.pk, cast.student.pk]


def _evidence(builder):
    def args(cast) -> list:
        pk, student_pk = builder(cast)
        competency = Commission.objects.get(pk=pk).exam.block.competencies.order_by("order").first()
        return [pk, student_pk, competency.pk]

    return args


def _with_professional_and(status_by_persona: dict[str, int], professional: int) -> dict[str, int]:
    return {**status_by_persona, "professional": professional}


ROWS: dict[str, list[Row]] = {
    "certification:grid_member": [
        Row(MEMBER_READ, args=_args),
        Row(MEMBER_WRITE, args=_args, method="post", data=EMPTY_GRID),
        Row(_with_professional_and(MEMBER_READ, 200), args=_with_professional),
        # The candidate's classmate's grid: students still 404.
        Row(MEMBER_READ, args=lambda c: [make_grid_commission(c).pk, c.student2.pk]),
    ],
    "certification:grid_agreed": [
        Row(READ, args=_args),
        Row(MEMBER_WRITE, args=_args, method="post", data=EMPTY_GRID),
        Row(_with_professional_and(READ, 200), args=_with_professional),
        Row(_with_professional_and(MEMBER_WRITE, 302), args=_with_professional, method="post", data=EMPTY_GRID),
    ],
    "certification:grid_evidence": [
        Row(READ, args=_evidence(_args)),
        Row(_with_professional_and(READ, 200), args=_evidence(_with_professional)),
    ],
    "certification:grid_pdf": [
        Row(READ, args=_args),
        Row(_with_professional_and(READ, 200), args=_with_professional),
    ],
    "certification:grid_docx": [
        Row(READ, args=_args),
        Row(_with_professional_and(READ, 200), args=_with_professional),
    ],
}
