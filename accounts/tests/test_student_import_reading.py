"""Reading a student list (accounts.import_reading): formats, encodings, files refused as a whole."""

import pytest

from accounts import import_reading, imports
from accounts.imports import ImportFileError, RawRow
from accounts.tests.student_lists import DATA, upload, xlsx

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
    monkeypatch.setattr(import_reading, "MAX_ROWS", 3)
    content = "Nom;Prénom;Email\n" + "".join(f"N{i};P{i};p{i}@example.org\n" for i in range(4))
    with pytest.raises(ImportFileError, match="plus de 3 étudiants"):
        imports.parse_student_file(upload(content))
