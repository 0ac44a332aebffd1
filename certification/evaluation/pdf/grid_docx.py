"""The « Grille d'aide à l'évaluation » (ANNEXE V–4, VII–2) on the national Word model, filled — jury only.

The same content as the official PDF (``certification.evaluation.pdf.grid.grid_context``: the agreed grid, or one
member's own,
the compétences the candidate is not assessed on, the situations' dates, the mark on the agreed grid), written into
the circulaire's own Word form (``referentiel.word_forms``). Like the PDF it keeps the confidentiality sentence and is
never served to a student (the view 404s); the file name tells no level and no mark.
"""

from collections import defaultdict
from typing import Any

from accounts.models import Student
from certification.commissions.models import Commission, CommissionMember
from certification.evaluation.pdf.grid import grid_context, grid_filename
from referentiel import word_forms

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _blocks(tables: list[dict[str, Any]]):
    for table in tables:
        yield from table["columns"] if table["kind"] == "columns" else table["blocks"]


def grid_docx_context(context: dict[str, Any]) -> dict[str, Any]:
    """The Word template's values from the PDF's context: a tick per (compétence, critère, level) cell."""
    ticks: defaultdict[str, str] = defaultdict(str)
    not_assessed: defaultdict[str, str] = defaultdict(str)
    for block in _blocks(context["tables"]):
        title = block.competency.title
        if block.not_assessed:
            not_assessed[word_forms.tick_key(title, 0, "na")] = f" — {context['not_assessed_label']}"
        for line in block.lines:
            for code, ticked in line.cells:
                if ticked:
                    ticks[word_forms.tick_key(title, line.criterion.number, code)] = context["tick"]
    candidate = context["candidate"]
    dates = {f"date_{code.lower()}": value for code, value in (context["dates"] or {}).items()}
    return {
        "tick": ticks,
        "na": not_assessed,
        "last_name": candidate.last_name,
        "first_name": candidate.first_name,
        "year": context["commission"].session.year,
        "mark": context["mark"],
        **dates,
    }


def render_grid_docx(commission: Commission, student: Student, member: CommissionMember | None = None) -> bytes:
    context = grid_context(commission, student, member)
    values = grid_docx_context(context)
    return word_forms.render("grid", commission.exam.code, commission.session.forms_session, values)


def grid_docx_filename(commission: Commission, student: Student, member: CommissionMember | None = None) -> str:
    return grid_filename(commission, student, member).removesuffix(".pdf") + ".docx"
