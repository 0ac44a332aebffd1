"""The student import pages: upload and preview (/classes/<pk>/importer/), then confirm (…/confirmer/)."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Student, User
from audit.models import AuditEntry
from tests.personas import make_user

DATA = Path(__file__).parent / "data"
STALE = "Cet import a déjà été effectué ou a expiré : déposez à nouveau le fichier."


def upload_url(cohort) -> str:
    return reverse("accounts:student_import", args=[cohort.pk])


def confirm_url(cohort) -> str:
    return reverse("accounts:student_import_confirm", args=[cohort.pk])


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")


def csv_file(text: str, name: str = "eleves.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "le formulaire de confirmation est absent"
    return match.group(1)


def counts() -> tuple[int, int]:
    return User.objects.count(), Student.objects.count()


def test_the_upload_page_offers_a_file_field_and_a_preview_button(cast, login):
    response = login(cast.teacher).get(upload_url(cast.cohort))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fichier des étudiants (CSV ou XLSX)" in html
    assert 'type="file"' in html
    assert 'enctype="multipart/form-data"' in html
    assert ">Prévisualiser</button>" in html


def test_a_valid_file_shows_the_preview_and_stores_nothing(cast, login):
    before = counts()
    response = login(cast.teacher).post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<dt>À créer</dt><dd>30</dd>" in html
    assert "Importer 30 étudiants</button>" in html
    assert "Éloïse" in html and "Bérénice" in html
    assert counts() == before


def test_a_file_error_is_shown_on_the_upload_form(cast, login):
    response = login(cast.teacher).post(upload_url(cast.cohort), {"file": csv_file("Nom;Classe\nDurand;NDRC2\n")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Colonnes obligatoires absentes : Prénom, Email" in html
    assert ">Prévisualiser</button>" in html


def test_a_post_without_file_asks_for_one(cast, login):
    response = login(cast.teacher).post(upload_url(cast.cohort), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


def test_a_3_mb_file_is_refused_and_nothing_is_stored(cast, login):
    line = "Durand;Léa;lea@example.org\n"
    big = "Nom;Prénom;Email\n" + line * (3 * 1024 * 1024 // len(line.encode()) + 1)
    before = counts()
    response = login(cast.teacher).post(upload_url(cast.cohort), {"file": csv_file(big, "gros.csv")})
    html = response.content.decode()
    assert "Le fichier « gros.csv » dépasse la taille maximale de 2 Mo." in html
    assert 'name="token"' not in html
    assert counts() == before


def test_a_binary_file_renamed_csv_is_refused(cast, login):
    fake = SimpleUploadedFile("eleves.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    response = login(cast.teacher).post(upload_url(cast.cohort), {"file": fake})
    assert "n&#x27;est ni un CSV lisible ni un classeur XLSX" in response.content.decode()


def test_thirty_students_with_three_bad_lines_import_nothing_then_the_corrected_file_imports_thirty_once(cast, login):
    """A CSV of 30 students with 3 bad lines imports nothing and names the 3 lines and why; the corrected file
    imports 30; importing it again changes nothing."""
    client = login(cast.teacher)
    before = counts()

    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants_3_erreurs.csv")})
    html = response.content.decode()
    assert "3 lignes en erreur : rien ne sera importé tant que le fichier n'est pas corrigé." in html
    assert "Ligne 5</th><td>adresse électronique « nathan.thomas@ » invalide</td>" in html
    assert "Ligne 12</th><td>prénom manquant</td>" in html
    assert "Ligne 20</th><td>adresse électronique « eloise.dubois@lycee-exemple.fr » déjà présente ligne 4</td>" in html
    assert "<dt>Lignes en erreur</dt><dd>3</dd>" in html
    assert 'name="token"' not in html
    assert ">Importer" not in html
    assert counts() == before

    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")})
    response = client.post(confirm_url(cast.cohort), {"token": token_of(response)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:cohort_detail", args=[cast.cohort.pk])
    assert "Import de « ndrc2_30_etudiants.csv » terminé : 30 étudiants créés, 0 mis à jour, 0 inchangé." in (
        response.content.decode()
    )
    assert counts() == (before[0] + 30, before[1] + 30)
    assert cast.cohort.students.count() == 32

    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")})
    html = response.content.decode()
    assert "<dt>À créer</dt><dd>0</dd>" in html
    assert "<dt>À mettre à jour</dt><dd>0</dd>" in html
    assert "<dt>Inchangés</dt><dd>30</dd>" in html
    response = client.post(confirm_url(cast.cohort), {"token": token_of(response)}, follow=True)
    assert "0 étudiant créé, 0 mis à jour, 30 inchangés." in response.content.decode()
    assert counts() == (before[0] + 30, before[1] + 30)
    assert AuditEntry.objects.filter(action="students.imported").count() == 2


def test_a_second_confirmation_of_the_same_preview_changes_nothing(cast, login):
    client = login(cast.teacher)
    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")})
    token = token_of(response)
    client.post(confirm_url(cast.cohort), {"token": token})
    after_first = counts()

    response = client.post(confirm_url(cast.cohort), {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == upload_url(cast.cohort)
    assert STALE in response.content.decode()
    assert counts() == after_first
    assert AuditEntry.objects.filter(action="students.imported").count() == 1


def test_a_racing_double_submission_that_still_finds_the_rows_in_its_session_changes_nothing(cast, login):
    client = login(cast.teacher)
    token = token_of(client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}))
    key = f"student_import:{cast.cohort.pk}:{token}"
    payload = client.session[key]  # what a second request loaded before the first one consumed it
    client.post(confirm_url(cast.cohort), {"token": token})
    after_first = counts()
    session = client.session
    session[key] = payload
    session.save()

    response = client.post(confirm_url(cast.cohort), {"token": token}, follow=True)
    assert STALE in response.content.decode()
    assert counts() == after_first
    assert AuditEntry.objects.filter(action="students.imported").count() == 1


def test_confirming_an_older_preview_after_a_newer_one_changes_nothing(cast, login):
    client = login(cast.teacher)
    old = token_of(client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}))
    client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nC;D;c@example.org\n")})
    before = counts()
    response = client.post(confirm_url(cast.cohort), {"token": old}, follow=True)
    assert STALE in response.content.decode()
    assert counts() == before


def test_a_file_with_errors_cancels_the_preview_of_an_earlier_file(cast, login):
    client = login(cast.teacher)
    old = token_of(client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}))
    client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nC;D;c@\n")})
    response = client.post(confirm_url(cast.cohort), {"token": old}, follow=True)
    assert STALE in response.content.decode()
    assert not User.objects.filter(email="a@example.org").exists()


def test_a_confirmation_without_or_with_a_forged_token_changes_nothing(cast, login):
    client = login(cast.teacher)
    client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")})
    before = counts()
    for data in ({}, {"token": "inventé"}):
        response = client.post(confirm_url(cast.cohort), data, follow=True)
        assert STALE in response.content.decode()
    assert counts() == before


def test_a_confirmation_after_the_data_changed_applies_nothing_and_says_why(cast, login):
    client = login(cast.teacher)
    text = "Nom;Prénom;Email\nDurand;Léa;lea@example.org\nPetit;Noé;noe@example.org\n"
    token = token_of(client.post(upload_url(cast.cohort), {"file": csv_file(text)}))
    make_user("noe", "Noé", "Petit", email="NOE@example.org")  # someone created this account meanwhile
    before = counts()
    response = client.post(confirm_url(cast.cohort), {"token": token}, follow=True)
    html = response.content.decode()
    assert "rien n&#x27;a été importé" in html
    assert "Ligne 3 : adresse « noe@example.org » déjà utilisée par un autre compte." in html
    assert counts() == before


def test_confirm_only_accepts_post(cast, login):
    response = login(cast.teacher).get(confirm_url(cast.cohort))
    assert response.status_code == 405


def test_an_establishment_admin_may_import(cast, login):
    client = login(cast.admin)
    response = client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")})
    response = client.post(confirm_url(cast.cohort), {"token": token_of(response)})
    assert response.status_code == 302
    assert User.objects.filter(email="a@example.org").exists()


@pytest.mark.parametrize("who", ["other_teacher", "student", "professional", "outsider"])
def test_people_outside_the_cohort_get_a_404(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(upload_url(cast.cohort)).status_code == 404
    file = csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")
    assert client.post(upload_url(cast.cohort), {"file": file}).status_code == 404
    assert client.post(confirm_url(cast.cohort), {"token": "x"}).status_code == 404


def test_a_teacher_of_the_establishment_not_teaching_the_cohort_gets_a_403(cast, login):
    cast.cohort.teachers.remove(cast.teacher2)
    client = login(cast.teacher2)
    assert client.get(upload_url(cast.cohort)).status_code == 403
    assert client.post(confirm_url(cast.cohort), {"token": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(cast, client):
    for response in (client.get(upload_url(cast.cohort)), client.post(confirm_url(cast.cohort), {"token": "x"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_token_of_one_cohort_cannot_confirm_into_another(cast, login):
    cast.other_cohort.establishment = cast.establishment
    cast.other_cohort.save()
    client = login(cast.admin)
    token = token_of(client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}))
    response = client.post(confirm_url(cast.other_cohort), {"token": token}, follow=True)
    assert STALE in response.content.decode()
    assert not User.objects.filter(email="a@example.org").exists()
