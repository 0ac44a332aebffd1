"""Planning of the passages, rooms, convocations and their proofs.

The commission's members and the establishment's administrators read the planning, the day schedule and the proofs;
its responsible member (cast.teacher) or an administrator schedules and moves passages (403 for another member,
here the professional). Rooms: the establishment's teachers and administrators. A student reaches only their own
convocations and their own passage's letter; everybody else gets a 404.
"""

from certification.models import MemberRole
from tests.access import Row, logged_in
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_planning import at, make_passage

MEMBER_READ = logged_in(404, admin=200, teacher=200)
STAFF = logged_in(404, admin=200, teacher=200)


def _commission(cast):
    return make_commission(cast)


def _with_professional(cast):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    return commission


def _passage(cast, commission=None):
    return make_passage(commission or make_commission(cast), cast.student, at(14))


ROWS: dict[str, list[Row]] = {
    "certification:rooms": [
        Row(STAFF, args=lambda c: [c.establishment.pk]),
        Row(
            logged_in(404, admin=302, teacher=302),
            args=lambda c: [c.establishment.pk],
            method="post",
            data={"name": "B12"},
        ),
    ],
    "certification:planning": [
        Row(MEMBER_READ, args=lambda c: [_commission(c).pk]),
        Row(logged_in(404, admin=200, teacher=200, professional=200), args=lambda c: [_with_professional(c).pk]),
        # An empty form is shown back with its errors to those who manage; another member gets a 403.
        Row(
            logged_in(404, admin=200, teacher=200, professional=403),
            args=lambda c: [_with_professional(c).pk],
            method="post",
        ),
    ],
    "certification:day_schedule": [
        Row(MEMBER_READ, args=lambda c: [_commission(c).pk, "2027-06-03"]),
        Row(logged_in(404), args=lambda c: [_commission(c).pk, "2027-6-3"]),
    ],
    "certification:passage_edit": [
        Row(
            logged_in(404, admin=200, teacher=200, professional=403),
            args=lambda c: [_passage(c, _with_professional(c)).pk],
        ),
        Row(
            logged_in(404, admin=200, teacher=200, professional=403),
            args=lambda c: [_passage(c, _with_professional(c)).pk],
            method="post",
        ),
    ],
    "certification:passage_letter": [
        Row(logged_in(404, admin=200, teacher=200, student=200), args=lambda c: [_passage(c).pk]),
    ],
    "certification:convocation_proofs": [
        Row(MEMBER_READ, args=lambda c: [_commission(c).pk]),
    ],
    "certification:student_convocations": [
        Row(logged_in(404, admin=200, teacher=200, student=200), args=lambda c: [c.student.pk]),
        Row(logged_in(404, admin=200, teacher=200, student2=200), args=lambda c: [c.student2.pk]),
    ],
}
