"""Exports of a commission: summary spreadsheet and evaluation packs.

Members of the commission (cast.teacher, responsible) and the establishment's administrators; everyone else gets a
404 (a student above all: the packs hold the jury's grid), anonymous visitors the login page.
"""

from certification.evaluation.services import packs
from tests.access import Row, logged_in
from tests.factories_certification_commissions import make_commission

JURY_GET = logged_in(404, admin=200, teacher=200)
JURY_POST = logged_in(404, admin=302, teacher=302)


def _commission(cast):
    return make_commission(cast)


def _built(cast):
    commission = make_commission(cast)
    packs.store_pack(commission, cast.student)
    return [commission.pk, cast.student.pk]


ROWS = {
    "certification:commission_export": [
        Row(JURY_GET, args=lambda c: [_commission(c).pk, "csv"]),
        Row(JURY_GET, args=lambda c: [_commission(c).pk, "xlsx"]),
    ],
    "certification:evaluation_packs": [
        Row(JURY_GET, args=lambda c: [_commission(c).pk]),
        Row(JURY_POST, args=lambda c: [_commission(c).pk], method="post"),
    ],
    "certification:evaluation_pack_download": [
        Row(JURY_GET, args=_built),
    ],
}
