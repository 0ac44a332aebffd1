"""CCF blanc: the establishment's teaching team reads, the class's teachers run it, a student sees only their own
published blanc.

cast.teacher teaches cast.cohort; cast.admin administers the establishment without teaching the class (reads, 403
on any change); cast.other_teacher works in another establishment (404). Professionals and students get 404 on the
team's pages; on the student pages, only the student whose blanc it is gets 200 — the classmate gets 404.
"""

from mock_exams.situations import assessed_orders, grid_competencies, levels_of
from tests.access import Row, logged_in
from tests.factories_mock_exams import candidate_of, fiche_for, make_mock_exam, published, subject_situation

TEAM = logged_in(404, admin=200, teacher=200, other_teacher=200)
READ = logged_in(404, admin=200, teacher=200)
MANAGE = logged_in(404, admin=403, teacher=302)
# An invalid create (a class the person does not teach) is a 400 with the form; the class's teacher is redirected.
CREATE = logged_in(404, admin=400, teacher=302, other_teacher=400)


def _exam(cast) -> list:
    return [make_mock_exam(cast).pk]


def _candidate(cast) -> list:
    mock_exam = make_mock_exam(cast)
    return [mock_exam.pk, candidate_of(mock_exam, cast.student).pk]


def _create_data(cast) -> dict:
    return {"cohort": cast.cohort.pk, "situation": subject_situation(cast).key, "held_on": "2027-03-15"}


def _subject_data(cast) -> dict:
    return {"version": "0", "fiche": fiche_for(cast).pk}


def _grid_data(cast) -> dict:
    situation = subject_situation(cast)
    orders = assessed_orders(situation.exam, situation.code, None)
    criterion = grid_competencies(situation.exam, orders)[0].criteria.first()
    return {"version": "0", f"critere_{criterion.pk}": levels_of(situation.exam)[0].pk}


ROWS: dict[str, list[Row]] = {
    "mock_exams:list": [Row(TEAM)],
    "mock_exams:create": [
        Row(TEAM),
        Row(CREATE, method="post", data=_create_data),
    ],
    "mock_exams:detail": [Row(READ, args=_exam)],
    "mock_exams:planning": [Row(MANAGE, args=_exam, method="post")],
    "mock_exams:publish": [Row(MANAGE, args=_exam, method="post")],
    "mock_exams:subject": [
        Row(READ, args=_candidate),
        Row(MANAGE, args=_candidate, method="post", data=_subject_data),
        # A classmate's fiche sujet: the same for staff, still 404 for the students.
        Row(READ, args=lambda c: [(m := make_mock_exam(c)).pk, candidate_of(m, c.student2).pk]),
    ],
    "mock_exams:grid": [
        Row(READ, args=_candidate),
        Row(MANAGE, args=_candidate, method="post", data=_grid_data),
    ],
    "mock_exams:my_list": [Row(logged_in(404, student=200, student2=200))],
    "mock_exams:my_result": [
        Row(logged_in(404, student=200), args=lambda c: [published(c).pk]),
        # Not yet published: nobody sees it, not even its student.
        Row(logged_in(404), args=lambda c: [candidate_of(make_mock_exam(c), c.student).pk]),
    ],
}
