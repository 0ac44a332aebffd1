"""The official « Fiche d'évaluation » (verso) as a PDF: ANNEXE V–5 for E4, ANNEXE VII–3 for E6.

The wording is data (data/forms/evaluation-sheet-<forms_session>.yaml). The layout follows the circulaire's Word
model: a framed header, the candidate's identity, one framed block per situation (date, fiche and kind boxes where
the form has them, the appraisal, the members' names with their electronic signatures), then « NOTE sur 20 » and the
sentence that the document may be communicated after the jury's deliberation.

The verso is communicable: it never carries a grid level nor the grid's confidentiality sentence. The only grid that
leaves the jury is the one ``grid_disclosure_pdf`` returns on a formal request (see services.sheets.disclose_grid).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from accounts.models import Student
from certification.commissions.models import Commission
from certification.evaluation.pdf import grid as grid_pdf
from certification.evaluation.presenters.sheets import SheetView, sheet_view
from lib import pdf

STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "sheet.css"


def sheet_context(view: SheetView) -> dict[str, Any]:
    return {"view": view, "wording": view.wording, "candidate": view.student.user, "student": view.student}


def render_sheet_pdf(commission: Commission, student: Student) -> bytes:
    html = render_to_string(
        "certification/evaluation/pdf/evaluation_sheet.html", sheet_context(sheet_view(commission, student))
    )
    return pdf.render_pdf(html, stylesheets=[STYLESHEET], base_url=STATIC_DIR, cached=True)


def _filename(prefix: str, commission: Commission, student: Student) -> str:
    user = student.user
    parts = [prefix, slugify(commission.exam.code).upper(), slugify(user.last_name), slugify(user.first_name)]
    return "-".join(part for part in parts if part) + ".pdf"


def sheet_filename(commission: Commission, student: Student) -> str:
    """``fiche-evaluation-E4-nom-prenom.pdf``, ASCII only."""
    return _filename("fiche-evaluation", commission, student)


def grid_disclosure_pdf(commission: Commission, student: Student) -> tuple[bytes, str]:
    """The agreed grid in the official layout (certification.evaluation.pdf.grid), for a formal request only.

    Called by services.sheets.disclose_grid, which checks the deliberation and logs the disclosure.
    """
    return grid_pdf.render_grid_pdf(commission, student), grid_pdf.grid_filename(commission, student)
