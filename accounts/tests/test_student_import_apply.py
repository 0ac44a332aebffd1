"""Applying a student import (accounts.import_apply): creations, updates, moves, the audit entry, all or nothing."""

import pytest
from django.contrib.auth.hashers import is_password_usable

from accounts import imports
from accounts.imports import ImportStale
from accounts.models import Cohort, Membership, Role, Route, Student, User
from accounts.tests.student_lists import row
from audit.models import AuditEntry
from tests.personas import make_student, make_user

# --- Applying ----------------------------------------------------------------------------------


def test_it_creates_students_with_a_readable_username_and_no_usable_password(cast):
    rows = [row(2, "Lefèvre", "Éloïse", "Eloise@Example.org", "0241", "apprentissage")]
    result = imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher, file_name="liste.csv")
    assert result == imports.ImportResult(created=1, updated=0, unchanged=0)
    student = Student.objects.get(candidate_number="0241")
    assert (student.user.username, student.user.email) == ("eloise.lefevre", "eloise@example.org")
    assert (student.user.first_name, student.user.last_name) == ("Éloïse", "Lefèvre")
    assert (student.cohort, student.route) == (cast.cohort, Route.APPRENTI)
    assert not is_password_usable(student.user.password)


def test_it_suffixes_a_username_already_taken(cast):
    make_user("lea.durand", "Léa", "Durand", email="autre@example.org")
    rows = [row(2, "Durand", "Léa", "lea1@example.org"), row(3, "Durand", "Léa", "lea2@example.org")]
    imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher)
    usernames = set(User.objects.filter(email__startswith="lea").values_list("username", flat=True))
    assert usernames == {"lea.durand2", "lea.durand3"}


def test_it_updates_existing_students_without_duplicating_them(cast):
    rows = [
        row(2, "Martin", "Emma", "EMMA@example.org", "", "apprenti"),
        row(3, "Étudiant", "Lucas", "lucas@example.org", "0777"),
    ]
    users_before = User.objects.count()
    result = imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher)
    assert result == imports.ImportResult(created=0, updated=2, unchanged=0)
    assert User.objects.count() == users_before
    cast.student.refresh_from_db()
    cast.student.user.refresh_from_db()
    assert (cast.student.user.last_name, cast.student.route) == ("Martin", Route.APPRENTI)
    assert cast.student.candidate_number == "02412345678"
    assert Student.objects.get(pk=cast.student2.pk).candidate_number == "0777"


def test_it_moves_a_student_of_the_establishment_into_the_cohort(cast):
    first_year = Cohort.objects.create(
        establishment=cast.establishment, name="NDRC 1", year=1, exam_session=cast.session
    )
    student = make_student("nina", "Nina", "Simon", first_year)
    imports.apply_student_import(
        cohort=cast.cohort, rows=[row(2, "Simon", "Nina", "nina@example.org")], actor=cast.admin
    )
    student.refresh_from_db()
    assert student.cohort == cast.cohort


def test_importing_the_same_rows_twice_changes_nothing_the_second_time(cast):
    rows = [row(2, "Durand", "Léa", "lea@example.org", "0241"), row(3, "Petit", "Noé", "noe@example.org")]
    imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher)
    counts = (User.objects.count(), Student.objects.count())
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows)
    assert (preview.to_create, preview.to_update, preview.unchanged) == (0, 0, 2)
    result = imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher)
    assert result == imports.ImportResult(created=0, updated=0, unchanged=2)
    assert (User.objects.count(), Student.objects.count()) == counts


def test_it_writes_one_audit_entry_with_the_counts_and_file_name(cast):
    rows = [row(2, "Durand", "Léa", "lea@example.org"), row(3, "Martin", "Emma", "emma@example.org")]
    imports.apply_student_import(
        cohort=cast.cohort, rows=rows, actor=cast.teacher, file_name="ndrc2.csv", import_id="abc"
    )
    entry = AuditEntry.objects.get(action="students.imported")
    assert entry.establishment_id == cast.establishment.pk
    assert entry.actor == cast.teacher
    assert entry.object_id == str(cast.cohort.pk)
    lea = Student.objects.get(user__email="lea@example.org")
    assert entry.changes == {
        "file": "ndrc2.csv",
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "refused": 0,
        "import_id": "abc",
        "students": [
            {
                "student_id": lea.pk,
                "student": "Léa DURAND",
                "action": "created",
                "fields": {
                    "last_name": ["", "Durand"],
                    "first_name": ["", "Léa"],
                    "email": ["", "lea@example.org"],
                    "route": ["", "scolaire"],
                    "cohort": ["", "NDRC 2"],
                },
            },
            {
                "student_id": cast.student.pk,
                "student": "Emma MARTIN",
                "action": "updated",
                "fields": {"last_name": ["Étudiante", "Martin"]},
            },
        ],
        "refused_lines": [],
        "not_applied": [],
    }


def test_the_same_preview_is_never_applied_twice(cast):
    rows = [row(2, "Durand", "Léa", "lea@example.org")]
    imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher, import_id="abc")
    User.objects.filter(email="lea@example.org").update(last_name="Modifié")
    with pytest.raises(imports.ImportAlreadyApplied, match="Cet import a déjà été effectué ou a expiré"):
        imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher, import_id="abc")
    assert User.objects.get(email="lea@example.org").last_name == "Modifié"
    assert AuditEntry.objects.filter(action="students.imported").count() == 1


def test_it_applies_nothing_when_a_line_no_longer_validates(cast):
    rows = [row(2, "Durand", "Léa", "lea@example.org"), row(3, "Petit", "Noé", "noe@example.org")]
    assert imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows).is_valid
    pro = make_user("noe.pro", "Noé", "Pro", email="noe@example.org")  # took the address since the preview
    Membership.objects.create(user=pro, establishment=cast.establishment, role=Role.PROFESSIONAL)
    users_before = User.objects.count()
    with pytest.raises(ImportStale) as exc:
        imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher)
    assert "Ligne 3 : adresse « noe@example.org » déjà utilisée par un autre compte." in str(exc.value)
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="lea@example.org").exists()
    assert not AuditEntry.objects.filter(action="students.imported").exists()


def test_ligatures_are_transliterated_in_usernames_never_dropped(cast):
    rows = [
        row(2, "CŒUR", "Maëlys", "maelys@example.org", "0242"),
        row(3, "Lætitia", "Æsa", "aesa@example.org", "0243"),
    ]
    imports.apply_student_import(cohort=cast.cohort, rows=rows, actor=cast.teacher, file_name="liste.csv")
    assert Student.objects.get(candidate_number="0242").user.username == "maelys.coeur"
    assert Student.objects.get(candidate_number="0243").user.username == "aesa.laetitia"
