"""Commissions and the official information of the students.

A commission is seen by its members and the establishment's administrators, managed by its responsible member or
an administrator; a student gets a 404 on every commission page and only reaches their own letter and information.
"""

from certification.models import MemberRole
from tests.access import Row, logged_in
from tests.factories_certification_commissions import add_member, make_commission, make_convocation, step_of

# cast.teacher is responsible of the commission of cast.cohort.
MANAGE_POST = logged_in(404, admin=302, teacher=302)
MANAGE_GET = logged_in(404, admin=200, teacher=200)
# cast.teacher2 is responsible; cast.teacher only sits on it: in scope, not allowed.
MEMBER_POST = logged_in(404, admin=302, teacher=403)
MEMBER_GET = logged_in(404, admin=200, teacher=403)


def _commission(cast):
    return make_commission(cast)


def _member_commission(cast):
    commission = make_commission(cast, responsible=cast.teacher2)
    add_member(commission, cast.teacher)
    return commission


def _with_professional(cast):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    return commission


def _seat_professional(cast) -> list:
    _with_professional(cast)
    return []


def _informed_step(cast, student):
    step = step_of(make_commission(cast))
    make_convocation(step, student)
    return step


def _convocation(cast, student):
    return make_convocation(step_of(make_commission(cast)), student)


ROWS: dict[str, list[Row]] = {
    "certification:commission_list": [
        Row(logged_in(200, professional=404, student=404, student2=404)),
        # A professional who sits on a commission reaches the list of their commissions.
        Row(logged_in(200, student=404, student2=404), args=_seat_professional),
    ],
    "certification:commission_create": [
        Row(logged_in(200, professional=404, student=404, student2=404)),
    ],
    "certification:commission_detail": [
        Row(MANAGE_GET, args=lambda c: [_commission(c).pk]),
        Row(logged_in(404, admin=200, teacher=200, professional=200), args=lambda c: [_with_professional(c).pk]),
    ],
    "certification:commission_members": [
        Row(MANAGE_POST, args=lambda c: [_commission(c).pk], method="post"),
        Row(MEMBER_POST, args=lambda c: [_member_commission(c).pk], method="post"),
    ],
    "certification:step_create": [
        Row(MANAGE_POST, args=lambda c: [_commission(c).pk], method="post"),
        Row(MEMBER_POST, args=lambda c: [_member_commission(c).pk], method="post"),
    ],
    "certification:inform_students": [
        Row(MANAGE_POST, args=lambda c: [step_of(_commission(c)).pk], method="post"),
        Row(MEMBER_POST, args=lambda c: [step_of(_member_commission(c)).pk], method="post"),
    ],
    "certification:commission_progress": [
        # Every member reads it (a professional, the rows of their passage jury); the administration too.
        Row(MANAGE_GET, args=lambda c: [_commission(c).pk]),
        Row(logged_in(404, admin=200, teacher=200), args=lambda c: [_member_commission(c).pk]),
        Row(logged_in(404, admin=200, teacher=200, professional=200), args=lambda c: [_with_professional(c).pk]),
    ],
    "certification:inform_confirm": [
        Row(MANAGE_GET, args=lambda c: [step_of(_commission(c)).pk]),
        Row(MEMBER_GET, args=lambda c: [step_of(_member_commission(c)).pk]),
    ],
    "certification:uninformed_reason": [
        Row(MANAGE_GET, args=lambda c: [step_of(_commission(c)).pk, c.student.pk]),
        Row(MEMBER_GET, args=lambda c: [step_of(_member_commission(c)).pk, c.student.pk]),
    ],
    "certification:convocation_letter": [
        # The student reads their own letter once informed; the commission reads any of its cohort's.
        Row(
            logged_in(404, admin=200, teacher=200, student=200),
            args=lambda c: [_informed_step(c, c.student).pk, c.student.pk],
        ),
        Row(
            logged_in(404, admin=200, teacher=200, student2=200),
            args=lambda c: [_informed_step(c, c.student2).pk, c.student2.pk],
        ),
    ],
    # Resending a convocation or recording the letter handed over: who manages the commission only.
    "certification:convocation_resend": [
        Row(MANAGE_POST, args=lambda c: [make_convocation(step_of(_commission(c)), c.student).pk], method="post"),
        Row(
            MEMBER_POST, args=lambda c: [make_convocation(step_of(_member_commission(c)), c.student).pk], method="post"
        ),
    ],
    "certification:convocation_letter_handed": [
        Row(MANAGE_POST, args=lambda c: [make_convocation(step_of(_commission(c)), c.student).pk], method="post"),
        Row(
            MEMBER_POST, args=lambda c: [make_convocation(step_of(_member_commission(c)), c.student).pk], method="post"
        ),
    ],
    "certification:convocation_ack": [
        Row(logged_in(404, student=302), args=lambda c: [_convocation(c, c.student).pk], method="post"),
    ],
}
