"""The official « Notification de non-conformité du dossier » (ANNEXE V–8 for E4, VII–6 for E6) as a PDF.

The wording is data (data/forms/conformity-<forms_session>.yaml); the layout follows the circulaire's Word model:
centred header, « Contrôle de conformité », the candidate's identity, the legal paragraph, the five reasons each
with its box (☒ chosen, ☐ not), the closing paragraph in bold, then « Date du contrôle » and « Visa ».
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from certification.dossiers.models import ConformityCheck
from certification.dossiers.services.conformity import dossier_nv_definition
from lib import pdf

STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "nv-print.css"


def load_check(pk: int) -> ConformityCheck:
    return ConformityCheck.objects.select_related(
        "dossier__student__user", "dossier__student__cohort", "dossier__exam", "dossier__session", "decided_by"
    ).get(pk=pk)


def notification_context(check: ConformityCheck) -> dict[str, Any]:
    dossier = check.dossier
    form = dossier_nv_definition(dossier)
    year = dossier.session.year
    return {
        "check": check,
        "form": form,
        "header": [line.replace("{year}", str(year)) for line in form.header],
        "candidate": dossier.student.user,
        "student": dossier.student,
        "reasons": [{"code": code, "label": label, "ticked": code in check.nv_reasons} for code, label in form.reasons],
        "visa": check.decided_by.display_name,
    }


def render_nv_pdf(check: ConformityCheck) -> bytes:
    html = render_to_string("certification/dossiers/pdf/nv_notification.html", notification_context(check))
    return pdf.render_pdf(html, stylesheets=[STYLESHEET], base_url=STATIC_DIR)


def nv_filename(check: ConformityCheck) -> str:
    """``notification-nv-E4-nom-prenom.pdf``, ASCII only."""
    dossier = check.dossier
    user = dossier.student.user
    parts = ["notification-nv", slugify(dossier.exam.code).upper(), slugify(user.last_name), slugify(user.first_name)]
    return "-".join(part for part in parts if part) + ".pdf"
