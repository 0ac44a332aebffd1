"""PDFs of commissions: the convocation letter, the passage letter and the fiche sujet.

The letter that officially informs a candidate of the date of a situation d'évaluation (PDF and email text).

What is shared by every student of a step (establishment, exam, situation, dates, rules) is gathered once by
``step_letter_context``, so informing a class of 35 does not query the same rows 35 times.

The convocation of a candidate to a scheduled passage (E4 situation B, E6 situations A and B): PDF and email text.

The context is built from a passage that may not be saved yet: the planning service renders the letter (the slow part)
before it opens its transaction, so no pk appears in the letter; the email, written inside the transaction, carries the
link to the candidate part of the fiche sujet.

The « fiche sujet » as a PDF in the official layouts: ANNEXE V–2 (candidate part) and V–3 (jury part).

A4 portrait; the header block of the Word model (programme, session, exam, title, candidate, fiche number and title,
candidate and commission numbers, date, the two activity kinds with the chosen one ticked), then the two-column table «
label | text » under the « paramètres à prendre en compte… » line. The candidate PDF holds the candidate part only: it
is the one document of situation B that reaches the candidate, from its release time.
"""

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Student
from certification.commissions.models import Passage, SituationStep, SubjectPart, SubjectSheet
from certification.commissions.selectors.passages import candidate_release_at
from certification.commissions.services.subjects import form_of, part_rows, passage_of
from lib import pdf
from referentiel.models import ExamRule, SituationRule

# --- convocation -----------------------------------------------------------------------------------------------------


STEP_RELATED = (
    "situation__commission__cohort__establishment",
    "situation__commission__exam",
    "situation__commission__session",
    "situation__commission__responsible",
)


def load_step(step_pk: int) -> SituationStep:
    return SituationStep.objects.select_related(*STEP_RELATED).get(pk=step_pk)


def step_letter_context(step: SituationStep) -> dict[str, Any]:
    """Everything the letter says that does not depend on the student."""
    situation = step.situation
    commission = situation.commission
    rule = ExamRule.objects.filter(session_id=commission.session_id, exam_id=commission.exam_id).first()
    situation_rule = SituationRule.objects.filter(rule=rule, code=situation.code).first() if rule else None
    return {
        "step": step,
        "situation": situation,
        "commission": commission,
        "establishment": commission.cohort.establishment,
        "exam": commission.exam,
        "session": commission.session,
        "responsible": commission.responsible,
        # Several dated steps (E4 situation A): the letter lists them all and marks this one.
        "all_steps": list(situation.steps.order_by("date", "pk")),
        # The candidate is not present at E4 situation A: the commission assesses from the dossier.
        "candidate_present": situation_rule.candidate_present if situation_rule else True,
        "fiches_required": rule.fiches_required if rule else None,
        "deposit_deadline": rule.deposit_deadline if rule else None,
        # The dossier is due by the step's date, or by the académie's deadline when that comes first.
        "dossier_due": min(filter(None, [step.date, rule.deposit_deadline if rule else None])),
    }


def letter_context(common: dict[str, Any], student: Student) -> dict[str, Any]:
    return {**common, "student": student, "candidate": student.user}


def render_letter_pdf(context: dict[str, Any]) -> bytes:
    return pdf.render_pdf(render_to_string("certification/commissions/pdf/convocation_letter.html", context))


def letter_filename(step: SituationStep, student: Student) -> str:
    commission = step.situation.commission
    name = slugify(f"{student.user.last_name} {student.user.first_name}") or f"etudiant-{student.pk}"
    return f"convocation-{commission.exam.code}-{step.situation.code}-{step.date:%Y-%m-%d}-{name}.pdf"


def render_convocation_pdf(step: SituationStep, student: Student) -> bytes:
    """The letter of one student for one step (``step`` loaded with ``load_step``)."""
    return render_letter_pdf(letter_context(step_letter_context(step), student))


# --- passage_letter --------------------------------------------------------------------------------------------------


PASSAGE_RELATED = (*STEP_RELATED, "student__user", "room")


def load_passage(pk: int) -> Passage:
    return Passage.objects.select_related(*PASSAGE_RELATED).get(pk=pk)


def has_candidate_part(passage: Passage) -> bool:
    """A situation with a fiche sujet (E4 B): the candidate receives its candidate part before the simulation."""
    definition = passage.situation.definition
    return definition is not None and definition.subject_sheet


def passage_letter_context(passage: Passage, *, change: bool = False) -> dict[str, Any]:
    situation = passage.situation
    commission = situation.commission
    starts_at = timezone.localtime(passage.starts_at)
    ends_at = timezone.localtime(passage.ends_at)
    with_subject = has_candidate_part(passage)
    return {
        "passage": passage,
        "change": change,
        "situation": situation,
        "commission": commission,
        "establishment": commission.cohort.establishment,
        "exam": commission.exam,
        "session": commission.session,
        "responsible": commission.responsible,
        "student": passage.student,
        "candidate": passage.student.user,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "duration_minutes": int((passage.ends_at - passage.starts_at) / datetime.timedelta(minutes=1)),
        "room_name": passage.room.name,
        "with_subject": with_subject,
        "release_at": timezone.localtime(candidate_release_at(passage)) if with_subject else None,
    }


def render_passage_letter_pdf(context: dict[str, Any]) -> bytes:
    return pdf.render_pdf(render_to_string("certification/commissions/planning/passage_letter_pdf.html", context))


def passage_letter_filename(passage: Passage) -> str:
    commission = passage.situation.commission
    user = passage.student.user
    name = slugify(f"{user.last_name} {user.first_name}") or f"etudiant-{passage.student_id}"
    day = timezone.localtime(passage.starts_at)
    return f"convocation-{commission.exam.code}-{passage.situation.code}-{day:%Y-%m-%d-%Hh%M}-{name}.pdf"


# --- subject ---------------------------------------------------------------------------------------------------------


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
