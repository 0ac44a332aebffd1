"""accounts.imports: parsing CSV/XLSX files, validating lines, previewing and applying an import."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts import imports
from accounts.imports import CREATE, UNCHANGED, UPDATE, ImportFileError, ImportStale, RawRow
from accounts.models import Cohort, Membership, Role, Route, Student, User
from audit.models import AuditEntry
from tests.personas import make_student, make_user

DATA = Path(__file__).parent / "data"


def upload(content: bytes | str, name: str = "eleves.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode(encoding)
    return SimpleUploadedFile(name, content)


def xlsx(rows: list[list], name: str = "eleves.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row(line: int, last: str, first: str, email: str, number: str = "", route: str = "") -> RawRow:
    return RawRow(line, last, first, email, number, route)


def reasons(preview: imports.ImportPreview) -> dict[int, str]:
    return {e.line: e.message for e in preview.errors}


# --- Parsing: formats and encodings -------------------------------------------------------------


def test_it_reads_a_comma_separated_utf8_file():
    rows = imports.parse_student_file(upload("Nom,Prénom,Email\nDurand,Éloïse,eloise@example.org\n"))
    assert rows == [RawRow(2, "Durand", "Éloïse", "eloise@example.org")]


def test_it_reads_a_semicolon_separated_windows_1252_file_with_accents():
    content = "Nom;Prénom;Courriel\r\nLefèvre;Éloïse;eloise@example.org\r\nPetit;Bérénice;berenice@example.org\r\n"
    rows = imports.parse_student_file(upload(content, encoding="cp1252"))
    assert [(r.last_name, r.first_name) for r in rows] == [("Lefèvre", "Éloïse"), ("Petit", "Bérénice")]


def test_it_reads_utf8_with_a_byte_order_mark():
    content = "\ufeffNom;Prénom;Email\nAndré;Maël;mael@example.org\n"
    rows = imports.parse_student_file(upload(content))
    assert rows == [RawRow(2, "André", "Maël", "mael@example.org")]


def test_it_reads_utf16_text_exported_by_excel():
    content = "Nom\tPrénom\tEmail\r\nAndré\tMaël\tmael@example.org\r\n"
    rows = imports.parse_student_file(upload(content.encode("utf-16"), name="eleves.txt"))
    assert rows == [RawRow(2, "André", "Maël", "mael@example.org")]


def test_it_reads_the_sample_windows_1252_file():
    with open(DATA / "ndrc2_30_etudiants.csv", "rb") as fh:
        rows = imports.parse_student_file(upload(fh.read()))
    assert len(rows) == 30
    assert rows[2] == RawRow(4, "DUBOIS", "Éloïse", "eloise.dubois@lycee-exemple.fr", "02490000003", "Scolaire")


def test_it_reads_the_first_sheet_of_an_xlsx_workbook():
    upload_file = xlsx(
        [
            ["Nom", "Prénom", "Adresse électronique", "N° candidat", "Voie"],
            ["Petit", "Bérénice", "berenice@example.org", 2412345678, "Apprentissage"],
            [None, None, None, None, None],
            ["Lefèvre", "Éloïse", "eloise@example.org", None, None],
        ]
    )
    rows = imports.parse_student_file(upload_file)
    assert rows == [
        RawRow(2, "Petit", "Bérénice", "berenice@example.org", "2412345678", "Apprentissage"),
        RawRow(4, "Lefèvre", "Éloïse", "eloise@example.org", "", ""),
    ]


def test_it_finds_the_header_below_a_title_line_and_keeps_spreadsheet_line_numbers():
    content = (
        "Liste des étudiants NDRC 2;;\n\nNom;Prénom;Email\nDurand;Léa;lea@example.org\n\nPetit;Noé;noe@example.org\n"
    )
    rows = imports.parse_student_file(upload(content))
    assert [r.line for r in rows] == [4, 6]


@pytest.mark.parametrize(
    "header",
    [
        "NOM;PRÉNOM;EMAIL;N° CANDIDAT;VOIE",
        " nom ; prenom ; courriel ; Numéro candidat ; Régime ",
        "Nom de famille;Prénom usuel;Adresse électronique;Numéro de candidat;Statut",
        "Nom;Prénom;E-mail;No candidat;Voie de formation",
        "Nom;Prenom;Mail;N°candidat;Regime",
    ],
)
def test_it_accepts_common_variants_of_column_names(header):
    rows = imports.parse_student_file(upload(f"{header}\nDurand;Léa;lea@example.org;123;scolaire\n"))
    assert rows == [RawRow(2, "Durand", "Léa", "lea@example.org", "123", "scolaire")]


def test_it_ignores_unknown_columns_and_column_order():
    content = "Classe;Email;Date de naissance;Prénom;Nom\nNDRC2;lea@example.org;01/02/2006;Léa;Durand\n"
    assert imports.parse_student_file(upload(content)) == [RawRow(2, "Durand", "Léa", "lea@example.org")]


def test_it_cleans_stray_and_non_breaking_spaces():
    content = "Nom;Prénom;Email\n  Du\xa0Pont ; Léa ;  lea@example.org \n"
    assert imports.parse_student_file(upload(content)) == [RawRow(2, "Du Pont", "Léa", "lea@example.org")]


# --- Parsing: files refused as a whole ----------------------------------------------------------


def test_it_names_the_missing_required_column():
    with pytest.raises(ImportFileError) as exc:
        imports.parse_student_file(upload("Nom;Classe\nDurand;NDRC2\n"))
    assert "Aucune colonne n'est associée à « Prénom »" in str(exc.value)


def test_it_refuses_an_empty_file():
    with pytest.raises(ImportFileError, match="est vide"):
        imports.parse_student_file(upload(b""))


def test_it_refuses_a_file_of_blank_lines():
    with pytest.raises(ImportFileError, match="est vide"):
        imports.parse_student_file(upload("\n ;; \n\n"))


def test_it_refuses_a_header_without_students():
    with pytest.raises(ImportFileError, match="aucun étudiant"):
        imports.parse_student_file(upload("Nom;Prénom;Email\n"))


def test_it_refuses_a_file_larger_than_the_limit(settings):
    settings.STUDENT_IMPORT_MAX_BYTES = 100
    content = "Nom;Prénom;Email\n" + "Durand;Léa;lea@example.org\n" * 10
    with pytest.raises(ImportFileError, match="dépasse la taille maximale"):
        imports.parse_student_file(upload(content))


def test_it_refuses_a_binary_file_renamed_csv():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
    with pytest.raises(ImportFileError, match="n'est ni un CSV lisible ni un classeur XLSX"):
        imports.parse_student_file(upload(png, name="eleves.csv"))


def test_it_refuses_a_corrupt_xlsx():
    with pytest.raises(ImportFileError, match="n'est pas un classeur XLSX lisible"):
        imports.parse_student_file(upload(b"PK\x03\x04" + b"garbage" * 50, name="eleves.xlsx"))


def test_it_refuses_a_truncated_xlsx():
    whole = xlsx([["Nom", "Prénom", "Email"], ["Durand", "Léa", "lea@example.org"]]).read()
    with pytest.raises(ImportFileError, match="n'est pas un classeur XLSX lisible"):
        imports.parse_student_file(upload(whole[: len(whole) // 2], name="eleves.xlsx"))


def test_it_explains_that_old_xls_files_must_be_saved_again():
    with pytest.raises(ImportFileError, match=r"Excel ancien \(\.xls\)"):
        imports.parse_student_file(upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, name="eleves.xls"))


def test_it_refuses_more_rows_than_the_limit(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    content = "Nom;Prénom;Email\n" + "".join(f"N{i};P{i};p{i}@example.org\n" for i in range(4))
    with pytest.raises(ImportFileError, match="plus de 3 étudiants"):
        imports.parse_student_file(upload(content))


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
