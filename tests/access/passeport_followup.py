"""Passeport, cohort overview and the teaching team's follow-up (comments, validation, formative assessment)."""

from tests.access import Row, logged_in
from tests.factories import make_activity, make_fiche

# Staff of the student's establishment follow; the professional who follows the student reads but may not act;
# the student may read their own passeport but not assess, comment or validate it.
FOLLOW_POST = logged_in(302, professional=403, student=403, student2=404, other_teacher=404)

ROWS: dict[str, list[Row]] = {
    "passeport:my_passeport": [
        Row(logged_in(404, student=302, student2=302)),
    ],
    "passeport:passeport": [
        Row(logged_in(200, student2=404, other_teacher=404), args=lambda c: [c.student.pk]),
        # Nobody but the establishment's staff and the student themself sees student2's (no professional follows).
        Row(logged_in(200, student=404, professional=404, other_teacher=404), args=lambda c: [c.student2.pk]),
    ],
    "passeport:cohort_overview": [
        Row(
            logged_in(200, other_teacher=404, professional=404, student=404, student2=404),
            args=lambda c: [c.cohort.pk],
        ),
    ],
    "passeport:formative_create": [
        Row(
            logged_in(200, professional=403, student=403, student2=404, other_teacher=404),
            args=lambda c: [c.student.pk],
        ),
    ],
    "passeport:fiche_comment": [
        Row(
            FOLLOW_POST,
            args=lambda c: [make_fiche(c.student).pk],
            method="post",
            data={"rubric": "historique", "text": "Précisez le contexte."},
        ),
    ],
    "passeport:activity_validate": [
        Row(FOLLOW_POST, args=lambda c: [make_activity(c.student).pk], method="post"),
    ],
}
