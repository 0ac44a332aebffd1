"""Issue 14: a teacher imports a class from a SIECLE export by choosing its division, then a school-software CSV
export with extra columns (régime, date de naissance, division, options) through the mapping step; then prints the
code sheet and a student imported from SIECLE (no email) gets in with a code."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Student
from accounts.tests.siecle_files import first_file, siecle_xml
from tests.browser.helpers import assert_accessible, log_in
from tests.personas import build_cast

pytestmark = pytest.mark.browser

SCHOOL_EXPORT = (
    "Nom;Prénom;Né(e) le;Division;Régime;Options;Mél\r\n"
    "ROUX;Anaïs;12/03/2006;BTS2NDRC;Demi-pensionnaire;ANGLAIS LV1;anais.roux@example.org\r\n"
    "GAUTHIER;Théo;01/07/2006;BTS2NDRC;Externe;ESPAGNOL LV2;\r\n"
    "FAURE;Inès;05/05/2007;BTS1NDRC;Externe;;ines.faure@example.org\r\n"
)


def _open_import_page(page, cohort_name: str) -> None:
    page.get_by_role("link", name="Accueil").first.click()
    page.get_by_role("link", name=cohort_name, exact=True).first.click()
    page.get_by_role("link", name="Importer des étudiants (CSV, XLSX ou SIECLE)").click()


def test_a_teacher_imports_a_siecle_division_then_a_csv_export_through_the_mapping_step(live_server, page, tmp_path):
    cast = build_cast()
    siecle_path = tmp_path / "ElevesSansAdresses.xml"
    siecle_path.write_bytes(siecle_xml(first_file()))
    csv_path = tmp_path / "export-pronote.csv"
    csv_path.write_bytes(SCHOOL_EXPORT.encode("cp1252"))

    log_in(page, live_server.url, cast.teacher.username)
    _open_import_page(page, cast.cohort.name)
    page.get_by_label("Fichier des étudiants (CSV, XLSX ou SIECLE)").set_input_files(siecle_path)
    page.get_by_role("button", name="Prévisualiser").click()

    # SIECLE: the divisions of the lycée, none ticked yet; the class is BTS2NDRC.
    expect(page.get_by_role("heading", name="Divisions SIECLE")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"BTS2NDRC \(4 élèves\)")).check()
    page.get_by_role("button", name="Afficher l'aperçu").click()
    lines = page.locator("#lignes")
    expect(lines.get_by_role("row").filter(has_text="CŒUR")).to_contain_text("Création")
    expect(lines.get_by_role("row").filter(has_text="LEFÈVRE")).to_contain_text("Éloïse")
    expect(page.locator("#sortis")).to_contain_text("Jérôme DURAND : sorti·e le 15/09/2025")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Importer 3 étudiants")).click()
    expect(page.get_by_text("3 étudiants créés")).to_be_visible()
    students = page.get_by_role("table")
    expect(students.get_by_role("row").filter(has_text="CŒUR")).to_contain_text("Maëlys")

    # A CSV export: « Régime » stays ignored, the division column picks the class.
    _open_import_page(page, cast.cohort.name)
    page.get_by_label("Fichier des étudiants (CSV, XLSX ou SIECLE)").set_input_files(csv_path)
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_role("heading", name="Colonnes du fichier")).to_be_visible()
    expect(page.get_by_label("Colonne « Régime »")).to_have_value("")
    expect(page.get_by_label("Colonne « Mél »")).to_have_value("email")
    expect(page.get_by_label("Colonne « Division »")).to_have_value("division")
    expect(page.locator("#colonnes-ignorees")).to_contain_text("« Régime »")
    assert_accessible(page)

    # A wrong choice shows errors naming the column; undoing it clears them.
    page.get_by_label("Colonne « Régime »").select_option("route")
    page.get_by_role("button", name="Mettre à jour l'aperçu").click()
    expect(page.locator("#erreurs")).to_contain_text("(colonne « Régime »)")
    page.get_by_label("Colonne « Régime »").select_option("")
    page.get_by_label(re.compile(r"BTS1NDRC \(")).uncheck()
    page.get_by_role("button", name="Mettre à jour l'aperçu").click()
    expect(page.locator("#erreurs")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Importer 2 étudiants")).click()

    expect(page.get_by_text("2 étudiants créés")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="GAUTHIER")).to_contain_text("Théo")
    assert_accessible(page)
    assert Student.objects.filter(cohort=cast.cohort).count() == 2 + 3 + 2
    assert not Student.objects.filter(user__last_name="FAURE").exists()

    # Maëlys came from SIECLE without an address: the code sheet lets her in.
    page.get_by_role("link", name="Codes de première connexion").click()
    expect(page.get_by_label("CŒUR Maëlys")).to_be_checked()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Imprimer les codes des étudiants cochés (PDF)").click()
    pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    code = re.search(r"Code\s*([A-Z2-9]{5}-[A-Z2-9]{5})", text[text.index("maelys.coeur") :]).group(1)
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name=re.compile("Première connexion")).click()
    page.get_by_label("Identifiant").fill("maelys.coeur")
    page.get_by_label("Code de première connexion").fill(code)
    page.get_by_label("Nouveau mot de passe").fill("Premiere-connexion-2027!")
    page.get_by_label("Confirmation du mot de passe").fill("Premiere-connexion-2027!")
    page.get_by_role("button", name="Choisir mon mot de passe et me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour Maëlys"))
