from tests.access import Row, logged_in
from tests.factories import make_fiche

# Reading a fiche: the student, the staff of the establishment, the professional who follows the student.
CAST_STUDENT_FICHE = logged_in(200, other_teacher=404, student2=404)
# Another student's fiche: the professional does not follow student2, cast.student is outside the scope.
STUDENT2_FICHE = logged_in(200, other_teacher=404, professional=404, student=404)

ROWS: dict[str, list[Row]] = {
    "passeport:fiche_pdf": [
        Row(CAST_STUDENT_FICHE, args=lambda c: [make_fiche(c.student).pk]),
        Row(STUDENT2_FICHE, args=lambda c: [make_fiche(c.student2).pk]),
    ],
    "passeport:fiche_docx": [
        Row(CAST_STUDENT_FICHE, args=lambda c: [make_fiche(c.student).pk]),
        Row(STUDENT2_FICHE, args=lambda c: [make_fiche(c.student2).pk]),
    ],
    "passeport:fiche_fit": [
        Row(CAST_STUDENT_FICHE, args=lambda c: [make_fiche(c.student).pk]),
        Row(STUDENT2_FICHE, args=lambda c: [make_fiche(c.student2).pk]),
    ],
}
