from tests.access import Row, logged_in
from tests.factories_certification_conformity import (
    CHECKED_ON,
    checked_dossier,
    good_dossier,
    make_check,
    make_conformity_commission,
)


def _check_by_another_commission(cast):
    """An NV decided by a commission where cast.teacher does not sit (cast.teacher2 is responsible)."""
    commission = make_conformity_commission(cast)
    commission.responsible = cast.teacher2
    commission.save(update_fields=["responsible"])
    commission.members.update(user=cast.teacher2)
    return make_check(good_dossier(cast.student), cast.teacher2, "nv")


def _commission_dossier(cast):
    make_conformity_commission(cast)
    return good_dossier(cast.student)


# The commission (its members, the establishment's administrators) records the check; the student sees their own
# dossier elsewhere but gets 403 here; people outside the dossier's scope get 404.
COMMISSION = logged_in(200, other_teacher=404, professional=404, student=403, student2=404)
# Without a commission for the cohort and exam, nobody records a check yet, administrators included.
NO_COMMISSION = logged_in(403, other_teacher=404, professional=404, student2=404)
# The notification is addressed to the candidate, and read by the commission that decided it.
NOTIFICATION = logged_in(200, other_teacher=404, professional=404, student2=404)

ROWS: dict[str, list[Row]] = {
    "certification:conformity_check": [
        Row(COMMISSION, args=lambda c: [_commission_dossier(c).pk]),
        Row(NO_COMMISSION, args=lambda c: [good_dossier(c.student).pk]),
        Row(
            logged_in(302, other_teacher=404, professional=404, student=403, student2=404),
            args=lambda c: [_commission_dossier(c).pk],
            method="post",
            data={"decision": "conforme", "checked_on": CHECKED_ON.isoformat()},
        ),
    ],
    "certification:nv_notification": [
        Row(NOTIFICATION, args=lambda c: [checked_dossier(c, "nv").pk]),
        # A teacher of the establishment who does not sit on the commission reads the dossier, not its decision.
        Row(
            logged_in(200, teacher=403, other_teacher=404, professional=404, student2=404),
            args=lambda c: [_check_by_another_commission(c).pk],
        ),
        # Only an NV decision has a notification.
        Row(logged_in(404), args=lambda c: [checked_dossier(c, "conforme").pk]),
    ],
}
