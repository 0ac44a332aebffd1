"""Fiche editor: creation, editing, autosave, versos, versions. Reading: the student, the establishment's staff and
the professionals who follow the student; writing: the student only."""

from passeport.models import FicheVersion
from tests.access import Row, logged_in
from tests.factories import make_activity, make_fiche

# In scope but not the author: 403; outside the scope (another establishment, another student): 404.
STUDENT_WRITES = {"admin": 403, "teacher": 403, "professional": 403, "other_teacher": 404, "student2": 404}
READERS = {"other_teacher": 404, "student2": 404}


def _fiche(cast, **fields) -> list:
    return [make_fiche(cast.student, **fields).pk]


def _fiche_and_version(cast) -> list:
    fiche = make_fiche(cast.student)
    version = FicheVersion.objects.create(
        fiche=fiche, number=1, title=fiche.title, recto=fiche.recto, versos=[], author=cast.student.user
    )
    return [fiche.pk, version.pk]


ROWS: dict[str, list[Row]] = {
    "passeport:fiche_create": [
        Row(logged_in(200, **STUDENT_WRITES), args=lambda c: [make_activity(c.student).pk]),
        # An empty form comes back with its errors.
        Row(logged_in(200, **STUDENT_WRITES), args=lambda c: [make_activity(c.student).pk], method="post"),
    ],
    "passeport:fiche_edit": [
        Row(logged_in(200, **READERS), args=_fiche),
        # Without base_version the form comes back with its error; nothing is written.
        Row(logged_in(200, **STUDENT_WRITES), args=_fiche, method="post", data={"title": "x"}),
    ],
    "passeport:fiche_autosave": [
        # Anonymous: a 401 the editor's script reads (« session expirée »), not the login page.
        Row({**logged_in(400, **STUDENT_WRITES), "anonymous": 401}, args=_fiche, method="post", data={"title": "x"}),
    ],
    "passeport:fiche_add_verso": [
        Row(logged_in(302, **STUDENT_WRITES), args=_fiche, method="post"),
        Row(
            logged_in(400, **STUDENT_WRITES),
            args=lambda c: _fiche(c, exam_code="E6", kind_code="partenaires", real_lived=True),
            method="post",
        ),
    ],
    "passeport:fiche_versions": [Row(logged_in(200, **READERS), args=_fiche)],
    "passeport:fiche_version_diff": [
        Row(logged_in(200, **READERS), args=_fiche_and_version),
        Row(logged_in(302, **STUDENT_WRITES), args=_fiche_and_version, method="post", data={"base_version": 1}),
    ],
}
