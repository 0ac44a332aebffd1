"""The jury's view of a passage on the day, its notes, and the to-do list.

Day view and notes: members of the passage's commission only (cast.teacher is the responsible member; a seated
professional too); an administrator of the establishment who does not sit on it gets a 403; everybody else,
students included (even for their own passage), a 404.
To-do list: teachers and administrators of any establishment; professionals only when they sit on a commission
(404 otherwise, as for students and outsiders).
"""

from certification.models import MemberRole
from tests.access import Row, logged_in
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_jury import make_passage

MEMBERS = logged_in(404, admin=403, teacher=200)
MEMBERS_WITH_PROFESSIONAL = logged_in(404, admin=403, teacher=200, professional=200)
# A saved note sends the member back to the day view.
MEMBERS_POST = logged_in(404, admin=403, teacher=302)


def _passage(cast):
    return make_passage(make_commission(cast), cast.student)


def _passage_with_professional(cast):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    return make_passage(commission, cast.student)


def _seat_professional(cast):
    add_member(make_commission(cast), cast.professional, MemberRole.PROFESSIONAL)
    return []


ROWS: dict[str, list[Row]] = {
    "certification:jury_view": [
        Row(MEMBERS, args=lambda c: [_passage(c).pk]),
        Row(MEMBERS_WITH_PROFESSIONAL, args=lambda c: [_passage_with_professional(c).pk]),
    ],
    "certification:jury_notes": [
        Row(MEMBERS_POST, args=lambda c: [_passage(c).pk], method="post", data={"text": "Notes", "version": "0"}),
    ],
    "certification:todo": [
        Row(logged_in(200, professional=404, student=404, student2=404)),
        Row(logged_in(200, student=404, student2=404), args=_seat_professional),
    ],
}
