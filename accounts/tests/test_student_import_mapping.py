"""The mapping step of a CSV or XLSX import: detected columns, the guess, the importer's corrections, remembered
per establishment; only mapped columns are checked (issue 14)."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import ImportMapping, StagedImport, Student, User
from accounts.tests.import_helpers import confirm_form, preview_url, upload
from accounts.tests.siecle_files import first_file, siecle_xml
from audit.models import AuditEntry

# An ordinary school-software export: « Régime » is the canteen status, not the route.
SCHOOL_EXPORT = (
    "Nom;Prénom;Né(e) le;Division;Régime;Options;Mél\r\n"
    "LEFÈVRE;Éloïse;12/03/2006;BTS2NDRC;Demi-pensionnaire;ANGLAIS LV1;eloise@example.org\r\n"
    "CŒUR;Maëlys;01/07/2006;BTS2NDRC;Externe;ESPAGNOL LV2;\r\n"
    "N'DIAYE;Noé;30/11/2005;BTS2NDRC;Interne;;noe@example.org\r\n"
    "PETIT;Hugo;05/05/2007;BTS1NDRC;Externe;;hugo@example.org\r\n"
)


def csv_upload(text: str, encoding: str, name: str = "export.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def selects(html: str) -> dict[str, str]:
    """Each column select box of the page → the option selected in it."""
    found = {}
    for name, body in re.findall(r'<select name="(col_\d+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        found[name] = chosen.group(1) if chosen else ""
    return found


def test_a_windows_1252_export_with_extra_columns_is_mapped_and_regime_is_ignored(cast, login):
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload(SCHOOL_EXPORT, "cp1252"))
    html = response.content.decode()
    assert selects(html) == {
        "col_0": "last_name",
        "col_1": "first_name",
        "col_2": "",
        "col_3": "division",
        "col_4": "",
        "col_5": "",
        "col_6": "email",
    }
    assert "Colonnes ignorées : « Né(e) le », « Régime », « Options »." in html
    assert "<td>Demi-pensionnaire, Externe, Interne</td>" in html
    assert "BTS2NDRC (3 élèves)" in html and "BTS1NDRC (1 élève)" in html
    assert "<dt>Lignes en erreur</dt><dd>0</dd>" in html
    assert "<dt>À créer</dt><dd>4</dd>" in html

    response = client.post(*confirm_form(response), follow=True)
    assert "4 étudiants créés" in response.content.decode()
    maelys = Student.objects.get(user__last_name="CŒUR")
    assert (maelys.user.first_name, maelys.user.email, maelys.route) == ("Maëlys", "", cast.cohort.route)


def test_only_the_ticked_divisions_are_imported(cast, login):
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload(SCHOOL_EXPORT, "cp1252"))
    data = {**selects(response.content.decode()), "divisions": ["BTS2NDRC"]}
    response = client.post(preview_url(response), data, follow=True)
    html = response.content.decode()
    assert "<dt>À créer</dt><dd>3</dd>" in html
    assert "<dt>Élèves d'autres divisions</dt><dd>1</dd>" in html
    client.post(*confirm_form(response))
    assert not User.objects.filter(last_name="PETIT").exists()
    assert User.objects.filter(last_name="N'DIAYE").exists()


def test_mapping_regime_as_the_route_shows_errors_naming_the_column(cast, login):
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload(SCHOOL_EXPORT, "cp1252"))
    data = {**selects(response.content.decode()), "col_4": "route"}
    response = client.post(preview_url(response), data, follow=True)
    html = response.content.decode()
    assert "4 lignes en erreur" in html
    assert "voie « Demi-pensionnaire » inconnue (colonne « Régime »)" in html
    assert "choisissez « Ignorée » pour elle" in html
    assert "/confirmer/" not in html


def test_a_required_field_left_unmapped_or_a_field_used_twice_is_explained(cast, login):
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload(SCHOOL_EXPORT, "cp1252"))
    data = {**selects(response.content.decode()), "col_1": "", "col_2": "last_name"}
    html = client.post(preview_url(response), data, follow=True).content.decode()
    assert "Aucune colonne n&#x27;est associée à « Prénom »" in html
    assert "« Nom » est associé à deux colonnes, « Nom » et « Né(e) le » : n&#x27;en gardez qu&#x27;une." in html
    assert "/confirmer/" not in html


def test_a_confirmation_of_an_older_mapping_applies_nothing(cast, login):
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload(SCHOOL_EXPORT, "cp1252"))
    old = confirm_form(response)
    client.post(preview_url(response), {**selects(response.content.decode()), "col_6": ""})  # in another tab
    response = client.post(*old, follow=True)
    assert "Les choix de l&#x27;import ont changé depuis l&#x27;aperçu" in response.content.decode()
    assert not Student.objects.filter(user__last_name="CŒUR").exists()
    response = client.post(*confirm_form(response), follow=True)  # the new preview can be confirmed
    assert "4 étudiants créés" in response.content.decode()


def test_a_tab_separated_utf8_file_with_a_bom_is_read(cast, login):
    text = (
        "\ufeffNom de famille\tPrénom\tDate de naissance\tClasse\tINE\r\nANDRÉ\tMaël\t02/02/2006\tBTS2\t070123456AB\r\n"
    )
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload(text, "utf-8", "export.txt"))
    html = response.content.decode()
    assert selects(html) == {
        "col_0": "last_name",
        "col_1": "first_name",
        "col_2": "",
        "col_3": "division",
        "col_4": "ine",
    }
    client.post(*confirm_form(response))
    assert Student.objects.get(user__last_name="ANDRÉ").record.ine == "070123456AB"


def test_an_iso_8859_15_file_keeps_its_oe(cast, login):
    text = "Nom;Prénom\nŒHLER;Inès\n"
    client = login(cast.teacher)
    client.post(*confirm_form(upload(client, cast.cohort, csv_upload(text, "iso-8859-15"))))
    assert User.objects.filter(last_name="ŒHLER", first_name="Inès").exists()


def test_an_xlsx_export_with_extra_columns_goes_through_the_mapping(cast, login):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Liste des élèves"])
    sheet.append(["Nom", "Prénom", "Date de naissance", "Régime", "Adresse électronique", "Options"])
    sheet.append(["DUBOIS", "Bérénice", "03/04/2006", "Externe", "berenice@example.org", "LV2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(cast.teacher)
    response = upload(client, cast.cohort, SimpleUploadedFile("export.xlsx", buffer.getvalue()))
    html = response.content.decode()
    assert selects(html) == {
        "col_0": "last_name",
        "col_1": "first_name",
        "col_2": "",
        "col_3": "",
        "col_4": "email",
        "col_5": "",
    }
    assert "Ligne 3" not in html  # no error line
    client.post(*confirm_form(response))
    assert User.objects.get(email="berenice@example.org").last_name == "DUBOIS"


def test_the_mapping_is_remembered_for_the_next_import_of_the_establishment(cast, login):
    export = "Nom élève;Prénom élève;Adresse de messagerie\nDURAND;Léa;lea@example.org\n"
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload(export, "utf-8"))
    assert selects(response.content.decode())["col_2"] == ""  # unknown header, not guessed
    data = {**selects(response.content.decode()), "col_2": "email"}
    response = client.post(preview_url(response), data, follow=True)
    client.post(*confirm_form(response))
    assert ImportMapping.objects.get(establishment=cast.establishment).columns["adressedemessagerie"] == "email"
    assert AuditEntry.objects.filter(action="students.import_mapping_saved").exists()

    # Another teacher of the establishment, another class, the same kind of export: the column is known.
    cast.first_year.teachers.add(cast.teacher2)
    client.logout()
    client = login(cast.teacher2)
    later = "Nom élève;Prénom élève;Adresse de messagerie\nPETIT;Noé;noe@example.org\n"
    response = upload(client, cast.first_year, csv_upload(later, "utf-8"))
    assert selects(response.content.decode())["col_2"] == "email"


def test_a_remembered_mapping_stays_within_its_establishment(cast, login):
    ImportMapping.objects.create(establishment=cast.other_establishment, columns={"nom": "first_name"})
    response = upload(login(cast.teacher), cast.cohort, csv_upload("Nom;Prénom\nA;B\n", "utf-8"))
    assert selects(response.content.decode()) == {"col_0": "last_name", "col_1": "first_name"}


def test_the_staged_table_is_what_the_confirmation_applies_not_what_the_client_sends(cast, login):
    client = login(cast.teacher)
    response = upload(client, cast.cohort, csv_upload("Nom;Prénom\nDURAND;Léa\n", "utf-8"))
    url, data = confirm_form(response)
    client.post(url, {**data, "rows": "PIRATE;Intrus", "col_0": "first_name"})
    assert User.objects.filter(last_name="DURAND", first_name="Léa").exists()
    assert not User.objects.filter(last_name="PIRATE").exists()
    assert StagedImport.objects.get().applied_at is not None


def test_a_student_of_another_establishment_named_by_email_is_refused_as_before(cast, login):
    email = cast.other_student.user.email
    response = upload(login(cast.teacher), cast.cohort, csv_upload(f"Nom;Prénom;Email\nX;Y;{email}\n", "utf-8"))
    assert f"adresse « {email} » déjà utilisée par un autre compte" in response.content.decode()


def test_a_spreadsheet_with_addresses_completes_students_imported_from_siecle_without_duplicating_them(cast, login):
    client = login(cast.admin)
    response = upload(client, cast.cohort, SimpleUploadedFile("eleves.xml", siecle_xml(first_file())))
    response = client.post(preview_url(response), {"divisions": ["BTS2NDRC"]}, follow=True)
    client.post(*confirm_form(response))
    students_before = Student.objects.count()

    export = "Nom;Prénom;Mél\nLEFÈVRE;Éloïse;eloise@example.org\nROUX;Anaïs;anais@example.org\n"
    response = upload(client, cast.cohort, csv_upload(export, "utf-8"))
    html = response.content.decode()
    assert "adresse : — → eloise@example.org" in html
    assert "<dt>À créer</dt><dd>1</dd>" in html
    client.post(*confirm_form(response))
    assert Student.objects.count() == students_before + 1
    assert User.objects.get(email="eloise@example.org").student.record.ine == "070123457AC"
