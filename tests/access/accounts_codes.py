from tests.access import ADMIN_ONLY, Row, everyone, logged_in

ROWS: dict[str, list[Row]] = {
    "accounts:cohort_codes": [
        Row(
            logged_in(200, other_teacher=404, professional=404, student=404, student2=404), args=lambda c: [c.cohort.pk]
        ),
        # A teacher of the establishment who does not teach that class does not print its codes.
        Row(
            logged_in(200, teacher=403, other_teacher=404, professional=404, student=404, student2=404),
            args=lambda c: [c.first_year.pk],
        ),
        # Another class's student among the checked ones: nothing printed, nothing learnt.
        Row(
            logged_in(404),
            args=lambda c: [c.cohort.pk],
            method="post",
            data=lambda c: {"students": [c.student.pk, c.other_student.pk]},
        ),
    ],
    "accounts:first_access": [Row(everyone(200))],
    "accounts:professional_code": [Row(ADMIN_ONLY, args=lambda c: [c.professional.pk])],
}
