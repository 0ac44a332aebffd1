"""The fiche sujet of E4 situation B, its PDFs, the « et si… » questions, the bank, and the candidate's side.

Members write (an administrator who does not sit on the commission reads: 403 on writing); the bank belongs to the
establishment's teachers and administrators. A student gets 404 everywhere except their own passage's candidate part
(its PDF only from the release time). cast.teacher is the commission's responsible member; cast.admin does not sit.
"""

import datetime

from django.utils import timezone

from certification.models import MemberRole
from tests.access import Row, logged_in
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_subjects import bank_question, change, make_passage, make_sheet, passage_with_sheet

MEMBER_READ = logged_in(404, admin=200, teacher=200)
MEMBER_WRITE = logged_in(404, admin=403, teacher=200)
BANK_STAFF = logged_in(404, admin=200, teacher=200)
OWN_PASSAGE = logged_in(404, student=200)


def _sheet(cast):
    return make_sheet(cast)


def _with_jury_part(cast):
    return change(make_sheet(cast), contraintes="Budget réduit.", jury__objections="C'est trop cher.")


def _with_professional(cast):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    return commission


def _later_passage(cast):
    return passage_with_sheet(cast, starts_at=timezone.now() + datetime.timedelta(days=2))


def _passage_without_sheet(cast):
    return make_passage(make_commission(cast), cast.student)


ROWS: dict[str, list[Row]] = {
    "certification:subject_list": [
        Row(MEMBER_READ, args=lambda c: [make_commission(c).pk]),
        Row(logged_in(404, admin=200, teacher=200, professional=200), args=lambda c: [_with_professional(c).pk]),
        # No fiche sujet outside E4.
        Row(logged_in(404), args=lambda c: [make_commission(c, "E6").pk]),
    ],
    "certification:subject_edit": [
        Row(MEMBER_READ, args=lambda c: [make_commission(c).pk, c.student.pk]),
        Row(MEMBER_READ, args=lambda c: [_sheet(c).commission_id, c.student.pk]),
        # No sheet yet: the member is sent back to choose a fiche; an administrator who does not sit: 403.
        Row(MEMBER_WRITE | {"teacher": 302}, args=lambda c: [make_commission(c).pk, c.student.pk], method="post"),
        # An empty form is shown back with its errors to a member.
        Row(MEMBER_WRITE, args=lambda c: [_sheet(c).commission_id, c.student.pk], method="post"),
    ],
    "certification:subject_pdf": [
        Row(MEMBER_READ, args=lambda c: [_sheet(c).pk, "candidat"]),
        Row(MEMBER_READ, args=lambda c: [_with_jury_part(c).pk, "jury"]),
        Row(logged_in(404), args=lambda c: [_sheet(c).pk, "jury"]),  # the jury part was not written
        Row(logged_in(404), args=lambda c: [_with_jury_part(c).pk, "autre"]),
    ],
    "certification:subject_questions": [
        Row(MEMBER_READ, args=lambda c: [_with_jury_part(c).pk]),
        Row(MEMBER_WRITE, args=lambda c: [_sheet(c).pk], method="post"),
    ],
    "certification:question_bank": [
        Row(BANK_STAFF, args=lambda c: [c.establishment.pk]),
        Row(BANK_STAFF, args=lambda c: [c.establishment.pk], method="post"),
        Row(logged_in(404, other_teacher=200), args=lambda c: [c.other_establishment.pk]),
    ],
    "certification:question_archive": [
        Row(logged_in(404, admin=302, teacher=302), args=lambda c: [bank_question(c).pk], method="post"),
    ],
    "certification:candidate_subject": [
        Row(OWN_PASSAGE, args=lambda c: [passage_with_sheet(c).pk]),
        Row(OWN_PASSAGE, args=lambda c: [_later_passage(c).pk]),  # « disponible à partir du … »
        Row(OWN_PASSAGE, args=lambda c: [_passage_without_sheet(c).pk]),
    ],
    "certification:candidate_subject_pdf": [
        Row(OWN_PASSAGE, args=lambda c: [passage_with_sheet(c).pk]),
        Row(logged_in(404), args=lambda c: [_later_passage(c).pk]),
        Row(logged_in(404), args=lambda c: [_passage_without_sheet(c).pk]),
    ],
}
