"""The preview of a student import (accounts.import_rows, accounts.import_plan): line checks, then what would happen."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import imports
from accounts.imports import CREATE, UNCHANGED, UPDATE
from accounts.models import Cohort, Route
from accounts.tests.student_lists import reasons, row
from tests.personas import make_student

# --- Validation, line by line -------------------------------------------------------------------


def test_it_lists_missing_names_but_accepts_a_student_without_email(cast):
    """Was: a missing address blocked the line; many students have none at import time (issue 14)."""
    preview = imports.preview_student_import(
        actor=cast.teacher,
        cohort=cast.cohort,
        rows=[row(2, "", "Léa", "lea@example.org"), row(3, "Petit", "", ""), row(4, "Sans", "Adresse", "")],
    )
    assert reasons(preview) == {2: "nom manquant", 3: "prénom manquant"}
    assert [(p.row.line, p.action) for p in preview.rows] == [(4, CREATE)]


def test_it_rejects_an_invalid_email(cast):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Durand", "Léa", "lea@")]
    )
    assert reasons(preview) == {2: "adresse électronique « lea@ » invalide"}


def test_it_rejects_an_email_repeated_in_the_file_whatever_its_case(cast):
    rows = [row(2, "Durand", "Léa", "lea@example.org"), row(3, "Petit", "Noé", "LEA@example.org")]
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows)
    assert reasons(preview) == {3: "adresse électronique « LEA@example.org » déjà présente ligne 2"}
    assert [p.row.line for p in preview.rows] == [2]


def test_it_rejects_a_candidate_number_repeated_in_the_file(cast):
    rows = [row(2, "Durand", "Léa", "lea@example.org", "123"), row(3, "Petit", "Noé", "noe@example.org", "123")]
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows)
    assert reasons(preview) == {3: "n° candidat « 123 » déjà présent ligne 2"}


def test_it_rejects_an_unknown_route(cast):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Durand", "Léa", "l@example.org", "", "x")]
    )
    assert reasons(preview) == {
        2: "voie « x » inconnue (attendu : scolaire, apprenti ou formation continue ; si cette colonne dit autre "
        "chose, choisissez « Ignorée » pour elle)"
    }


@pytest.mark.parametrize(
    ("label", "route"),
    [
        ("Scolaire", Route.SCOLAIRE),
        ("apprenti", Route.APPRENTI),
        ("Apprentissage", Route.APPRENTI),
        ("Formation continue", Route.CONTINUE),
        ("FORMATION CONTINUE", Route.CONTINUE),
        ("", Route.SCOLAIRE),  # the cohort's route
    ],
)
def test_it_understands_the_usual_route_labels(cast, label, route):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Durand", "Léa", "l@example.org", "", label)]
    )
    assert preview.rows[0].route == route


def test_a_missing_route_defaults_to_the_cohort_route(cast):
    cast.cohort.route = Route.APPRENTI
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Durand", "Léa", "l@example.org")]
    )
    assert preview.rows[0].route == Route.APPRENTI


def test_it_rejects_a_malformed_candidate_number(cast):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Durand", "Léa", "l@example.org", "02/41#2")]
    )
    assert "n° candidat « 02/41#2 » invalide" in reasons(preview)[2]


def test_it_rejects_a_candidate_number_of_a_student_of_another_establishment(cast):
    cast.other_student.candidate_number = "999"
    cast.other_student.save()
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Durand", "Léa", "l@example.org", "999")]
    )
    assert reasons(preview) == {2: "n° candidat « 999 » déjà utilisé par un autre étudiant"}
    assert "Zoé" not in reasons(preview)[2]


def test_it_rejects_the_email_of_a_student_of_another_establishment_without_naming_them(cast):
    email = cast.other_student.user.email.upper()
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Ailleurs", "Zoé", email)]
    )
    assert reasons(preview) == {2: f"adresse « {email} » déjà utilisée par un autre compte"}


def test_it_rejects_the_email_of_a_staff_member_of_the_establishment(cast):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Prof", "Bob", cast.teacher.email)]
    )
    assert reasons(preview) == {2: f"adresse « {cast.teacher.email} » déjà utilisée par un autre compte"}


def test_it_rejects_a_line_whose_email_and_number_designate_two_different_students(cast):
    line = row(2, "Étudiant", "Lucas", cast.student2.user.email, cast.student.candidate_number)
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=[line])
    assert reasons(preview) == {
        2: "ligne ambiguë : l'adresse électronique désigne Lucas ÉTUDIANT mais le n° candidat désigne Emma ÉTUDIANTE"
    }


def test_it_rejects_two_lines_designating_the_same_student(cast):
    rows = [
        row(2, "Étudiante", "Emma", cast.student.user.email),
        row(3, "Étudiante", "Emma", "emma.nouvelle@example.org", cast.student.candidate_number),
    ]
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows)
    assert reasons(preview) == {3: "désigne le même étudiant (Emma ÉTUDIANTE) que la ligne 2"}


def test_it_lists_every_bad_line_in_line_order(cast):
    rows = [
        row(2, "Durand", "Léa", "lea@example.org"),
        row(3, "", "Noé", "noe@example.org"),
        row(4, "Petit", "Jade", "jade@"),
        row(5, "Roux", "Maël", "lea@example.org"),
    ]
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows)
    assert [e.line for e in preview.errors] == [3, 4, 5]
    assert str(preview.errors[0]) == "Ligne 3 : nom manquant."


# --- Preview: what would happen -----------------------------------------------------------------


def test_it_plans_to_create_new_students(cast):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Durand", "Léa", "lea@example.org")]
    )
    assert (preview.to_create, preview.to_update, preview.unchanged, preview.is_valid) == (1, 0, 0, True)
    assert preview.rows[0].action == CREATE


def test_an_identical_existing_student_is_unchanged_whatever_the_email_case(cast):
    email = cast.student.user.email.upper()
    line = row(2, "Étudiante", "Emma", email, cast.student.candidate_number, "scolaire")
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=[line])
    assert preview.rows[0].action == UNCHANGED
    assert preview.rows[0].student == cast.student


def test_an_empty_candidate_number_keeps_the_known_one(cast):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Étudiante", "Emma", "emma@example.org")]
    )
    assert preview.rows[0].action == UNCHANGED


def test_a_changed_name_is_an_update_listing_the_change(cast):
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Martin", "Emma", "emma@example.org")]
    )
    assert preview.rows[0].action == UPDATE
    assert preview.rows[0].changes == ["nom : Étudiante → Martin"]


def test_an_admin_import_gives_a_student_matched_by_candidate_number_the_new_email(cast):
    line = row(2, "Étudiante", "Emma", "emma.new@example.org", cast.student.candidate_number)
    preview = imports.preview_student_import(actor=cast.admin, cohort=cast.cohort, rows=[line])
    assert preview.rows[0].student == cast.student
    assert preview.rows[0].changes == ["adresse : emma@example.org → emma.new@example.org"]
    assert preview.rows[0].kept == []


def test_a_teacher_import_never_changes_an_existing_address_and_says_so(cast):
    """Was: any import gave the new address (issue 13, finding 2: the address is where a password reset goes)."""
    line = row(2, "Étudiante", "Emma", "emma.new@example.org", cast.student.candidate_number)
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=[line])
    assert preview.is_valid
    assert (preview.rows[0].student, preview.rows[0].action, preview.rows[0].changes) == (cast.student, UNCHANGED, [])
    assert preview.rows[0].kept == [
        "adresse non modifiée (emma@example.org reste, emma.new@example.org ignorée) : seule l'administration "
        "de l'établissement peut changer l'adresse d'un compte existant"
    ]


def test_an_admin_import_may_move_a_student_from_another_cohort_of_the_establishment(cast):
    first_year = Cohort.objects.create(
        establishment=cast.establishment, name="NDRC 1", year=1, exam_session=cast.session
    )
    student = make_student("nina", "Nina", "Simon", first_year)
    preview = imports.preview_student_import(
        actor=cast.admin, cohort=cast.cohort, rows=[row(2, "Simon", "Nina", student.user.email)]
    )
    assert preview.rows[0].action == UPDATE
    assert preview.rows[0].changes == ["classe : NDRC 1 → NDRC 2"]


def test_a_teacher_of_both_cohorts_may_move_a_student_between_them(cast):
    student = make_student("nina", "Nina", "Simon", cast.first_year)
    cast.first_year.teachers.add(cast.teacher)
    preview = imports.preview_student_import(
        actor=cast.teacher, cohort=cast.cohort, rows=[row(2, "Simon", "Nina", student.user.email)]
    )
    assert preview.rows[0].changes == ["classe : NDRC 1 → NDRC 2"]


def test_a_teacher_import_ignores_a_student_of_a_cohort_they_do_not_teach(cast):
    """Was an update moving the student (issue 13, finding 2); now the line is ignored, named and explained."""
    student = make_student("nina", "Nina", "Simon", cast.first_year, "0249")
    rows = [row(2, "Durand", "Léa", "lea@example.org"), row(3, "Simon", "Nina", "pirate@example.org", "0249")]
    preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows)
    assert preview.is_valid
    assert [p.row.line for p in preview.rows] == [2]
    assert [str(e) for e in preview.refused] == [
        "Ligne 3 : Nina SIMON est inscrit·e dans la classe « NDRC 1 », que vous n'enseignez pas : ligne ignorée, "
        "cet étudiant ne sera pas modifié (seule l'administration de l'établissement peut le modifier ou le changer "
        "de classe)."
    ]
    assert student.cohort == cast.first_year


def test_only_an_admin_or_a_teacher_of_the_cohort_may_preview_an_import(cast):
    cast.cohort.teachers.remove(cast.teacher2)
    for actor in (cast.teacher2, cast.other_teacher, cast.professional, None):
        with pytest.raises(PermissionDenied):
            imports.preview_student_import(actor=actor, cohort=cast.cohort, rows=[row(2, "A", "B", "a@example.org")])


def test_preview_queries_do_not_grow_with_the_number_of_lines(cast, django_assert_max_num_queries):
    rows = [row(i, f"Nom{i}", f"Prénom{i}", f"p{i}@example.org", f"N{i}") for i in range(2, 62)]
    rows.append(row(62, "Étudiante", "Emma", "emma@example.org"))
    # was 2: + the importer's roles and the cohorts they teach, + the class's students (recognised by name)
    with django_assert_max_num_queries(5):
        preview = imports.preview_student_import(actor=cast.teacher, cohort=cast.cohort, rows=rows)
    assert (preview.to_create, preview.unchanged) == (60, 1)
