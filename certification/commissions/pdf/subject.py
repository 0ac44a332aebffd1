"""The « fiche sujet » as a PDF in the official layouts: ANNEXE V–2 (candidate part) and V–3 (jury part).

A4 portrait; the header block of the Word model (programme, session, exam, title, candidate, fiche number and title,
candidate and commission numbers, date, the two activity kinds with the chosen one ticked), then the two-column
table « label | text » under the « paramètres à prendre en compte… » line. The candidate PDF holds the candidate part
only: it is the one document of situation B that reaches the candidate, from its release time.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from certification.commissions.services.subjects import form_of, part_rows, passage_of
from certification.models import SubjectPart, SubjectSheet
from lib import pdf

STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "subjects.css"


def header_context(sheet: SubjectSheet) -> dict[str, Any]:
    """What the header of both parts shows: official wording (session year filled in), identity, kinds."""
    form = form_of(sheet.commission)
    header = dict(form.header)
    header["session"] = header["session"].replace("{year}", str(sheet.commission.session.year))
    passage = passage_of(sheet)
    return {
        "wording": header,
        "kinds": [(kind["label"], kind["code"] == sheet.activity_kind) for kind in form.kinds],
        "candidate": sheet.student.user,
        "student": sheet.student,
        "passage_date": timezone.localtime(passage.starts_at).date() if passage else None,
    }


def pdf_context(sheet: SubjectSheet, part: str) -> dict[str, Any]:
    part_form = form_of(sheet.commission).part(part)
    rows = part_rows(sheet, part)
    return {
        **header_context(sheet),
        "sheet": sheet,
        "part": part_form,
        "rows": [row for row in rows if row["sublabel"] == ""],
        "actors": [row for row in rows if row["sublabel"]],
    }


def render_subject_pdf(sheet: SubjectSheet, part: str) -> bytes:
    html = render_to_string("certification/commissions/subjects/pdf_subject.html", pdf_context(sheet, part))
    return pdf.render_pdf(html, stylesheets=[STYLESHEET], base_url=STATIC_DIR)


def subject_filename(sheet: SubjectSheet, part: str) -> str:
    """``fiche-sujet-candidat-nom-prenom.pdf`` / ``fiche-sujet-jury-…``, ASCII only."""
    user = sheet.student.user
    who = "candidat" if part == SubjectPart.CANDIDATE else "jury"
    parts = ["fiche-sujet", who, slugify(user.last_name), slugify(user.first_name)]
    return "-".join(p for p in parts if p) + ".pdf"
