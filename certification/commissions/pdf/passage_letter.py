"""The convocation of a candidate to a scheduled passage (E4 situation B, E6 situations A and B): PDF and email text.

The context is built from a passage that may not be saved yet: the planning service renders the letter (the slow
part) before it opens its transaction, so no pk appears in the letter; the email, written inside the transaction,
carries the link to the candidate part of the fiche sujet.
"""

import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from certification.commissions.selectors.passages import candidate_release_at
from certification.models import Passage
from lib import pdf

PASSAGE_RELATED = (
    "situation__commission__cohort__establishment",
    "situation__commission__exam",
    "situation__commission__session",
    "situation__commission__responsible",
    "student__user",
    "room",
)


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
