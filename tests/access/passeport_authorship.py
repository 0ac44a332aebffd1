from tests.access import Row, logged_in
from tests.factories import make_fiche

STAFF_OF_THE_COHORT = logged_in(200, other_teacher=404, professional=404, student=404, student2=404)

ROWS: dict[str, list[Row]] = {
    "passeport:cohort_authorship": [Row(STAFF_OF_THE_COHORT, args=lambda c: [c.cohort.pk])],
    "passeport:fiche_compare": [
        # The professional may read the first fiche (they follow its student) but following is the team's job;
        # a student gets 403 for their own fiche and 404 for another's.
        Row(
            logged_in(200, other_teacher=404, professional=403, student=403, student2=404),
            args=lambda c: [make_fiche(c.student).pk, make_fiche(c.student2).pk],
        ),
        Row(
            logged_in(200, other_teacher=404, professional=404, student=404, student2=403),
            args=lambda c: [make_fiche(c.student2).pk, make_fiche(c.student2).pk],
        ),
        # The second fiche is checked too: one from another establishment is a 404 even for the team.
        Row(
            logged_in(404, professional=403, student=403),
            args=lambda c: [make_fiche(c.student).pk, make_fiche(c.other_student).pk],
        ),
    ],
}
