"""First access without email: a teacher prints the code sheet of a class, a student logs in with their code."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import assert_accessible, log_in
from tests.personas import build_cast

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Premiere-connexion-2027!"


def test_a_teacher_prints_the_code_sheet_and_a_student_logs_in_with_a_code(live_server, page):
    cast = build_cast()
    student = cast.student.user
    student.email = ""
    student.set_unusable_password()
    student.save(update_fields=["email", "password"])

    log_in(page, live_server.url, cast.teacher.username)
    page.get_by_role("link", name=cast.cohort.name, exact=True).click()
    page.get_by_role("link", name="Codes de première connexion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Codes de première connexion")
    expect(page.get_by_label(f"{student.last_name.upper()} {student.first_name}")).to_be_checked()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Imprimer les codes des étudiants cochés (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.path().read_bytes())).pages)
    assert student.username in text
    code = re.search(r"Code\s*([A-Z2-9]{5}-[A-Z2-9]{5})", text[text.index(student.username) :]).group(1)

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name=re.compile("Première connexion")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Première connexion")
    assert_accessible(page)

    page.get_by_label("Identifiant").fill(student.username)
    page.get_by_label("Code de première connexion").fill(code.lower())
    page.get_by_label("Nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Choisir mon mot de passe et me connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Bonjour {student.first_name}"))
    expect(page.get_by_text("Votre mot de passe est enregistré")).to_be_visible()
    assert_accessible(page)

    # The code served once: the password chosen is now the way in.
    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, live_server.url, student.username, password=NEW_PASSWORD)


def test_the_administration_prints_the_code_of_a_professional_without_email(live_server, page):
    cast = build_cast()
    pro = cast.professional
    pro.email = ""
    pro.set_unusable_password()
    pro.save(update_fields=["email", "password"])

    log_in(page, live_server.url, cast.admin.username)
    # By address: the menu is being rebuilt from each person's rights (issue 14), its labels may move.
    page.goto(f"{live_server.url}/administration/personnel/")
    page.get_by_role("link", name=f"Code de connexion pour {pro.display_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de première connexion")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Imprimer un nouveau code (PDF)").click()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download_info.value.path().read_bytes())).pages)
    assert pro.username in text
    assert re.search(r"Code\s*[A-Z2-9]{5}-[A-Z2-9]{5}", text)
