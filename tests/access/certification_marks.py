"""Profiles and marks: jury only. A student gets a 404 everywhere; members write; an administrator who does not sit
on the commission reads (403 on writes); only the responsible member reopens a signed result.
"""

from certification.models import MemberRole
from tests.access import Row, logged_in
from tests.factories_certification_commissions import add_member
from tests.factories_certification_marks import make_marks_commission, make_result

# cast.teacher is responsible and seated, cast.teacher2 seated (make_marks_commission).
READ = logged_in(404, admin=200, teacher=200)
WRITE = logged_in(404, admin=403, teacher=302)
REOPEN_GET = logged_in(404, admin=403, teacher=200)


def _commission(cast):
    return make_marks_commission(cast)


def _with_professional(cast):
    commission = make_marks_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    return commission


def _teacher_seated_only(cast):
    """cast.teacher2 responsible, cast.teacher only a member."""
    from tests.factories_certification_commissions import make_commission

    commission = make_commission(cast, responsible=cast.teacher2, with_steps=False)
    add_member(commission, cast.teacher)
    return commission


def _locked(commission, cast) -> list:
    make_result(commission, cast.student, mark="12", locked=True)
    return [commission.pk, cast.student.pk]


ROWS: dict[str, list[Row]] = {
    "certification:profiles": [
        Row(READ, args=lambda c: [_commission(c).pk]),
        Row(logged_in(404, admin=200, teacher=200, professional=200), args=lambda c: [_with_professional(c).pk]),
        Row(WRITE, args=lambda c: [_commission(c).pk], method="post"),
        Row(WRITE, args=lambda c: [_teacher_seated_only(c).pk], method="post"),
        Row(
            logged_in(404, admin=403, teacher=302, professional=302),
            args=lambda c: [_with_professional(c).pk],
            method="post",
        ),
    ],
    "certification:result_edit": [
        Row(READ, args=lambda c: [_commission(c).pk, c.student.pk]),
        Row(
            WRITE,
            args=lambda c: [_commission(c).pk, c.student.pk],
            method="post",
            data={"status": "pending", "mark": "", "absent_reason": "", "version": "0"},
        ),
        # A student of another cohort is never a candidate of this commission.
        Row(logged_in(404), args=lambda c: [_commission(c).pk, c.other_student.pk]),
    ],
    "certification:result_reopen": [
        Row(REOPEN_GET, args=lambda c: _locked(_commission(c), c)),
        Row(WRITE, args=lambda c: _locked(_commission(c), c), method="post", data={"reason": "Erreur de saisie"}),
        Row(
            logged_in(404, admin=403, teacher=403),
            args=lambda c: _locked(_teacher_seated_only(c), c),
            method="post",
            data={"reason": "Erreur de saisie"},
        ),
    ],
}
