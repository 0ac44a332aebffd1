"""The journey the product must support: a teacher imports a class list and finds the students in the cohort."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Student
from tests.browser.helpers import assert_accessible, log_in
from tests.personas import build_cast

pytestmark = pytest.mark.browser

NEW_STUDENTS = [
    # (Nom, Prénom, Email, N° candidat)
    ("Martin", "Léa", "lea.martin@example.org", "02400000001"),
    ("Nguyen", "Thomas", "thomas.nguyen@example.org", "02400000002"),
    ("Lefèvre", "Chloé", "chloe.lefevre@example.org", "02400000003"),
]


def _write_class_list(tmp_path):
    lines = ["Nom;Prénom;Email;N° candidat"] + [";".join(row) for row in NEW_STUDENTS]
    path = tmp_path / "classe.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_teacher_imports_a_class_list_and_finds_the_students_in_the_cohort(live_server, page, tmp_path):
    cast = build_cast()
    class_list = _write_class_list(tmp_path)

    log_in(page, live_server.url, cast.teacher.username, check_login_page=True)
    assert_accessible(page)

    page.get_by_role("link", name=cast.cohort.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.cohort.name)
    assert_accessible(page)

    page.get_by_role("link", name="Importer des étudiants (CSV, XLSX ou SIECLE)").click()
    page.get_by_label("Fichier des étudiants (CSV, XLSX ou SIECLE)").set_input_files(class_list)
    assert_accessible(page)

    page.get_by_role("button", name="Prévisualiser").click()
    import_button = page.get_by_role("button", name=re.compile(r"^Importer"))
    expect(import_button).to_be_visible()
    for last_name, first_name, email, _number in NEW_STUDENTS:
        row = page.locator("#lignes").get_by_role("row").filter(has_text=email)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(last_name)
        expect(row).to_contain_text(first_name)
        expect(row).to_contain_text("Création")
    assert_accessible(page)

    import_button.click()

    # Back on the cohort page, where each new student has a row of their own.
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.cohort.name)
    students_table = page.get_by_role("table")
    for last_name, first_name, email, _number in NEW_STUDENTS:
        row = students_table.get_by_role("row").filter(has_text=email)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(last_name.upper())
        expect(row).to_contain_text(first_name)
    assert_accessible(page)
    assert Student.objects.filter(cohort=cast.cohort).count() == 2 + len(NEW_STUDENTS)
