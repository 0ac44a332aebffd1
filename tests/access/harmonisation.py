"""The académie's harmonisation (issue 16).

The inspection's pages (index, exam, candidate file, requests): no establishment persona reaches them (404), the
inspection role is not in the cast's personas: ``harmonisation/tests/test_access_inspector.py`` checks the inspector
on these rows and on every other row of the matrix. The answer to a request: the commission's responsible teacher
(cast.teacher) only; the establishment's administrator, who is not the responsible, gets a 403; others a 404.
Sending the establishment's marks to the académie: its administrator and the commission's responsible.
"""

from tests.access import Row, logged_in
from tests.factories_harmonisation import make_request, make_world

NOBODY = logged_in(404)
RESPONSIBLE = logged_in(404, admin=403, teacher=200)
RESPONSIBLE_POST = logged_in(404, admin=403, teacher=302)
# Sending the marks: the establishment's administrator and the commission's responsible (cast.teacher); the other
# establishment's teacher (another académie), the professional, the students: 404. teacher2 (403) and the
# inspector (404) are in harmonisation/tests/test_send_marks.py and test_access_inspector.py.
SENDERS = logged_in(404, admin=200, teacher=200)
SENDERS_POST = logged_in(404, admin=302, teacher=302)
STAFF = logged_in(200, professional=404, student=404, student2=404)


def _world(cast):
    return make_world(cast, size=1)


def _ids(cast):
    world = _world(cast)
    return [world.academie.pk, cast.session.pk, world.commission.exam_id]


def _send_args(cast):
    world = _world(cast)
    return [cast.establishment.pk, cast.session.pk, world.commission.exam_id]


def _result(cast):
    return [_world(cast).commission.results.first().pk]


ROWS: dict[str, list[Row]] = {
    "harmonisation:index": [Row(NOBODY)],
    "harmonisation:exam": [Row(NOBODY, args=_ids)],
    "harmonisation:export": [Row(NOBODY, args=lambda c: [_world(c).academie.pk, c.session.pk, "csv"])],
    "harmonisation:candidate": [Row(NOBODY, args=_result)],
    "harmonisation:ask_candidate": [Row(NOBODY, args=_result, method="post", data={"reason": "À revoir."})],
    "harmonisation:ask_profile": [
        Row(NOBODY, args=lambda c: [_world(c).commission.pk], data={"profil": "S-S-S"}),
    ],
    "harmonisation:jury_pv": [Row(NOBODY, args=_ids)],
    "harmonisation:sends": [Row(STAFF)],
    "harmonisation:send": [Row(SENDERS, args=_send_args), Row(SENDERS_POST, args=_send_args, method="post")],
    "harmonisation:answer": [
        Row(RESPONSIBLE, args=lambda c: [make_request(c).pk]),
        Row(
            RESPONSIBLE_POST,
            args=lambda c: [make_request(c).pk],
            method="post",
            data={"kind": "justified", "text": "Les deux situations justifient la note."},
        ),
    ],
}
