"""The official « Grille d'aide à l'évaluation » (ANNEXE V–4 for E4, VII–2 for E6) as a PDF — jury only.

The wording is data (data/forms/grid-<forms_session>.yaml); the critère lines come from the référentiel version of
the session. The layout follows the circulaire's Word model (portrait A4): centred title lines, the candidate's
name, the compétence tables with their TI / I / S / TS columns (E4: « Négocier… » and « Organiser… » side by side),
the legend line, « NOTE sur 20 » and the confidentiality sentence. The crosses come from the agreed grid, or from
one member's own grid when asked. Never served to a student (the view 404s) and the file name tells nothing.
"""

from dataclasses import dataclass
from functools import cache
from itertools import zip_longest
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from accounts.models import Student
from certification.commissions.models import Commission, CommissionMember, SituationStep
from certification.evaluation.models import CandidateResult
from certification.evaluation.selectors import assessed as assessed_selectors
from certification.evaluation.services import grids as grid_services
from certification.evaluation.services.sheets import format_mark
from lib import pdf
from referentiel.models import Competency, Criterion, Level
from referentiel.official_forms import official_form

STATIC_DIR = Path(settings.BASE_DIR) / "static"
TICK = "X"


@cache
def grid_form(forms_session: int, exam_code: str) -> dict[str, Any]:
    return official_form("grid", forms_session)["exams"][exam_code]


@dataclass
class PdfLine:
    criterion: Criterion
    text: str
    cells: list[tuple[str, bool]]  # (level code, ticked) in the order of the columns


@dataclass
class PdfBlock:
    competency: Competency
    lines: list[PdfLine]
    not_assessed: bool = False  # the candidate is not assessed on it (E4 B: the fiche chosen is of the other kind)


NOT_ASSESSED = "non évaluée"


def criterion_text(criterion: Criterion) -> str:
    """« 1 – Analyser un portefeuille client (Pertinence …, qualification …) », as printed on the form."""
    indicators = ", ".join(indicator.wording for indicator in criterion.indicators.all())
    return f"{criterion.number} – {criterion.title}" + (f" ({indicators})" if indicators else "")


def _blocks(
    competencies: list[Competency],
    levels: list[Level],
    chosen: dict[int, Level | None],
    assessed: tuple[int, ...] | None = None,
) -> dict[int, PdfBlock]:
    """``assessed``: the compétences the candidate is assessed on (``None``: all, or not fixed yet); the others are
    marked « non évaluée » and never ticked."""
    blocks = {}
    for competency in competencies:
        not_assessed = assessed is not None and competency.pk not in assessed
        lines = []
        for criterion in competency.criteria.all():
            level = None if not_assessed else chosen.get(criterion.pk)
            cells = [(lv.code, level is not None and level.pk == lv.pk) for lv in levels]
            lines.append(PdfLine(criterion, criterion_text(criterion), cells))
        blocks[competency.order] = PdfBlock(competency, lines, not_assessed)
    return blocks


def _tables(form: dict[str, Any], blocks: dict[int, PdfBlock]) -> list[dict[str, Any]]:
    tables = []
    for spec in form["tables"]:
        if "columns" in spec:
            columns = [blocks[order] for order in spec["columns"] if order in blocks]
            rows = list(zip_longest(*[column.lines for column in columns]))
            tables.append({"kind": "columns", "label": spec["criteria_label"], "columns": columns, "rows": rows})
        else:
            stacked = [blocks[order] for order in spec["stacked"] if order in blocks]
            tables.append({"kind": "stacked", "label": spec["criteria_label"], "blocks": stacked})
    return tables


def mark_text(commission: Commission, student: Student) -> str:
    """The commission's mark, or the status (« Réservée », « NV », « Absent »); blank while not decided."""
    return format_mark(CandidateResult.objects.filter(commission=commission, student=student).first())


def _situation_dates(commission: Commission) -> dict[str, str]:
    dates: dict[str, list[str]] = {"A": [], "B": []}
    steps = SituationStep.objects.filter(situation__commission=commission).select_related("situation")
    for step in steps.order_by("date", "pk"):
        dates.setdefault(step.situation.code, []).append(f"{step.date:%d/%m/%Y}")
    return {code: ", ".join(values) for code, values in dates.items()}


def grid_context(commission: Commission, student: Student, member: CommissionMember | None) -> dict[str, Any]:
    form = grid_form(commission.session.forms_session, commission.exam.code)
    year = str(commission.session.year)
    competencies = grid_services.grid_competencies(commission)
    levels = grid_services.grid_levels(commission)
    grid = grid_services.find_grid(commission, student, member)
    chosen = grid_services.grid_levels_by_criterion(grid)
    choices = assessed_selectors.fiche_choices(commission, [student.pk])
    assessed = assessed_selectors.assessed_competencies(commission, [student.pk], competencies, choices=choices)
    pending = assessed_selectors.pending_situations(commission, choices.get(student.pk))
    return {
        "form": form,
        "title": form["title"].replace("{year}", year),
        "commission": commission,
        "candidate": student.user,
        "member": member,
        "levels": levels,
        "tables": _tables(form, _blocks(competencies, levels, chosen, assessed[student.pk])),
        "not_assessed_label": NOT_ASSESSED,
        "pending": assessed_selectors.pending_message(pending) if assessed[student.pk] is None and pending else "",
        "dates": _situation_dates(commission) if form.get("dates") else None,
        # A member's own grid is a working paper: the mark is the commission's, printed on the agreed grid only.
        "mark": mark_text(commission, student) if member is None else "",
        "tick": TICK,
    }


def render_grid_pdf(commission: Commission, student: Student, member: CommissionMember | None = None) -> bytes:
    html = render_to_string("certification/evaluation/pdf/grid.html", grid_context(commission, student, member))
    return pdf.render_pdf(html, base_url=STATIC_DIR, cached=True)


def grid_filename(commission: Commission, student: Student, member: CommissionMember | None = None) -> str:
    """``grille-E4-nom-prenom.pdf`` (``-membre-nom`` for a member's own), ASCII; never a level nor a mark."""
    user = student.user
    parts = ["grille", slugify(commission.exam.code).upper(), slugify(user.last_name), slugify(user.first_name)]
    if member is not None:
        parts += ["membre", slugify(member.user.last_name) or str(member.pk)]
    return "-".join(part for part in parts if part) + ".pdf"
