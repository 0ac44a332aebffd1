"""The final jury's PV (procès-verbal) for one académie, exam and session, as a PDF (issue 16).

One line per candidate from the marks the establishments SENT (``exports.rows``): candidate number, establishment
UAI, status code, mark — never a level, a profile or a name; the counts per status; the signatures block of the jury's
president. French, A4, printable (``lib.pdf``).
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Academie
from certification.evaluation.services.profiles import fmt
from certification.models import ResultStatus
from harmonisation.exports import STATUS_CODES, rows
from lib import pdf
from referentiel.models import Exam, ExamSession

STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "jury-pv-print.css"
CODE_LABELS = {code: ResultStatus(status).label for status, code in STATUS_CODES.items()} | {
    "NON_TRANSMIS": "Notes non transmises par l'établissement",
    "NON_DELIBERE": "Délibération de l'établissement non enregistrée",
}


@dataclass(frozen=True)
class JuryPv:
    filename: str
    content: bytes


def pv_context(academie: Academie, session: ExamSession, exam: Exam) -> dict:
    lines = [
        {"number": number or "—", "uai": uai, "status": status, "mark": fmt(mark) if mark is not None else ""}
        for number, uai, _exam, status, mark in rows(academie, session, exam)
    ]
    counts = Counter(line["status"] for line in lines)
    return {
        "academie": academie,
        "session": session,
        "exam": exam,
        "lines": lines,
        "counts": [(code, CODE_LABELS.get(code, code), n) for code, n in sorted(counts.items())],
        "establishments": len({line["uai"] for line in lines}),
        "printed_at": timezone.localtime(),
    }


def render_jury_pv(academie: Academie, session: ExamSession, exam: Exam) -> JuryPv:
    html = render_to_string("harmonisation/pdf/jury_pv.html", pv_context(academie, session, exam))
    content = pdf.render_pdf(html, stylesheets=[STYLESHEET], base_url=STATIC_DIR)
    return JuryPv(f"pv-jury-{academie.code}-{exam.code}-{session.year}.pdf", content)
