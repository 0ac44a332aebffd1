"""Reads about passages shared by the planning, the fiche sujet and the jury views."""

import datetime

from certification.commissions.models import Passage, SubjectSheet


def candidate_release_at(passage: Passage) -> datetime.datetime:
    """From when the candidate may open the candidate part of the fiche sujet: a session setting before the start."""
    minutes = passage.situation.commission.session.subject_release_minutes
    return passage.starts_at - datetime.timedelta(minutes=minutes)


def subject_sheet_of(passage: Passage) -> SubjectSheet | None:
    """The fiche sujet of a passage of the situation that has one (E4 B): the commission's one for that student (None
    elsewhere)."""
    definition = passage.situation.definition
    if definition is None or not definition.subject_sheet:
        return None
    return SubjectSheet.objects.filter(
        commission_id=passage.situation.commission_id, student_id=passage.student_id
    ).first()
