"""The evaluation sheet (verso), signatures, the deliberation, the release and the formal disclosure of a grid.

Members write and sign; the establishment's administrators read, record the deliberation and disclose a grid on a
formal request (403 for a member who is not an administrator); the student reaches only their own results page and,
once the jury has deliberated, their own verso in PDF. Everybody else: 404.
"""

from certification.models import MemberRole
from tests.access import Row, logged_in
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_sheets import released_commission

# cast.teacher is the responsible member; cast.admin administers the establishment but does not sit on it.
MEMBER_READ = logged_in(404, admin=200, teacher=200)
MEMBER_WRITE = logged_in(404, admin=403, teacher=200)
ADMIN_ACT = logged_in(404, admin=200, teacher=403)


def _commission(cast):
    return make_commission(cast)


def _with_professional(cast):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    return commission


ROWS: dict[str, list[Row]] = {
    "certification:evaluation_sheet": [
        Row(MEMBER_READ, args=lambda c: [_commission(c).pk, c.student.pk]),
        Row(
            logged_in(404, admin=200, teacher=200, professional=200),
            args=lambda c: [_with_professional(c).pk, c.student.pk],
        ),
        # An empty form is shown back with its errors to a member; an administrator who does not sit on it reads only.
        Row(MEMBER_WRITE, args=lambda c: [_commission(c).pk, c.student.pk], method="post"),
    ],
    "certification:evaluation_sign": [
        Row(MEMBER_WRITE, args=lambda c: [_commission(c).pk, c.student.pk]),
        Row(MEMBER_WRITE, args=lambda c: [_commission(c).pk, c.student.pk], method="post"),
    ],
    "certification:evaluation_sheet_pdf": [
        # Before the deliberation: the jury only.
        Row(MEMBER_READ, args=lambda c: [_commission(c).pk, c.student.pk]),
        # After: the student reads their own verso; the other student of the class still gets a 404.
        Row(
            logged_in(404, admin=200, teacher=200, student=200),
            args=lambda c: [released_commission(c).pk, c.student.pk],
        ),
    ],
    "certification:deliberation": [
        Row(ADMIN_ACT, args=lambda c: [_commission(c).pk]),
        Row(ADMIN_ACT, args=lambda c: [_commission(c).pk], method="post"),
    ],
    "certification:grid_disclosure": [
        Row(ADMIN_ACT, args=lambda c: [released_commission(c).pk, c.student.pk]),
        Row(ADMIN_ACT, args=lambda c: [released_commission(c).pk, c.student.pk], method="post"),
    ],
    "certification:student_results": [
        Row(logged_in(404, student=200), args=lambda c: [c.student.pk]),
        Row(logged_in(404, student2=200), args=lambda c: [c.student2.pk]),
    ],
}
