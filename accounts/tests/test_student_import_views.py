"""The student import pages: upload and preview (/classes/<pk>/importer/), then confirm (…/confirmer/)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import StagedImport, Student, User
from accounts.tests.import_helpers import STALE, confirm_form, upload_url
from audit.models import AuditEntry
from tests.personas import make_user

DATA = Path(__file__).parent / "data"


def confirm_url(cohort, key: str = "inconnu") -> str:
    return reverse("accounts:student_import_confirm", args=[cohort.pk, key])


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")


def csv_file(text: str, name: str = "eleves.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def counts() -> tuple[int, int]:
    return User.objects.count(), Student.objects.count()


def test_the_upload_page_offers_a_file_field_and_a_preview_button(cast, login):
    response = login(cast.teacher).get(upload_url(cast.cohort))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fichier des étudiants (CSV, XLSX ou SIECLE)" in html
    assert 'type="file"' in html
    assert 'enctype="multipart/form-data"' in html
    assert ">Prévisualiser</button>" in html


def test_a_valid_file_shows_the_preview_and_stores_nothing(cast, login):
    before = counts()
    response = login(cast.teacher).post(
        upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<dt>À créer</dt><dd>30</dd>" in html
    assert "Importer 30 étudiants</button>" in html
    assert "Éloïse" in html and "Bérénice" in html
    assert counts() == before


def test_a_file_error_is_shown_on_the_upload_form(cast, login):
    response = login(cast.teacher).post(
        upload_url(cast.cohort), {"file": csv_file("Nom;Classe\nDurand;NDRC2\n")}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Aucune colonne n&#x27;est associée à « Prénom » : choisissez-la ci-dessous." in html
    assert "/confirmer/" not in html


def test_a_post_without_file_asks_for_one(cast, login):
    response = login(cast.teacher).post(upload_url(cast.cohort), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


def test_a_3_mb_file_is_refused_and_nothing_is_stored(cast, login):
    line = "Durand;Léa;lea@example.org\n"
    big = "Nom;Prénom;Email\n" + line * (3 * 1024 * 1024 // len(line.encode()) + 1)
    before = counts()
    response = login(cast.teacher).post(upload_url(cast.cohort), {"file": csv_file(big, "gros.csv")}, follow=True)
    html = response.content.decode()
    assert "Le fichier « gros.csv » dépasse la taille maximale de 2 Mo." in html
    assert "/confirmer/" not in html
    assert counts() == before


def test_a_binary_file_renamed_csv_is_refused(cast, login):
    fake = SimpleUploadedFile("eleves.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    response = login(cast.teacher).post(upload_url(cast.cohort), {"file": fake}, follow=True)
    assert "n&#x27;est ni un CSV lisible ni un classeur XLSX" in response.content.decode()


def test_thirty_students_with_three_bad_lines_import_nothing_then_the_corrected_file_imports_thirty_once(cast, login):
    """A CSV of 30 students with 3 bad lines imports nothing and names the 3 lines and why; the corrected file
    imports 30; importing it again changes nothing."""
    client = login(cast.teacher)
    before = counts()

    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants_3_erreurs.csv")}, follow=True)
    html = response.content.decode()
    assert "3 lignes en erreur : rien ne sera importé tant que le fichier n'est pas corrigé." in html
    assert (
        "Ligne 5</th><td>adresse électronique « nathan.thomas@ » invalide (colonne « Adresse électronique »)</td>"
        in html
    )
    assert "Ligne 12</th><td>prénom manquant (colonne « Prénom »)</td>" in html
    assert "Ligne 20</th><td>adresse électronique « eloise.dubois@lycee-exemple.fr » déjà présente ligne 4</td>" in html
    assert "<dt>Lignes en erreur</dt><dd>3</dd>" in html
    assert "/confirmer/" not in html
    assert ">Importer" not in html
    assert counts() == before

    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}, follow=True)
    response = client.post(*confirm_form(response), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:cohort_detail", args=[cast.cohort.pk])
    assert "Import de « ndrc2_30_etudiants.csv » terminé : 30 étudiants créés, 0 mis à jour, 0 inchangé." in (
        response.content.decode()
    )
    assert counts() == (before[0] + 30, before[1] + 30)
    assert cast.cohort.students.count() == 32

    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}, follow=True)
    html = response.content.decode()
    assert "<dt>À créer</dt><dd>0</dd>" in html
    assert "<dt>À mettre à jour</dt><dd>0</dd>" in html
    assert "<dt>Inchangés</dt><dd>30</dd>" in html
    response = client.post(*confirm_form(response), follow=True)
    assert "0 étudiant créé, 0 mis à jour, 30 inchangés." in response.content.decode()
    assert counts() == (before[0] + 30, before[1] + 30)
    assert AuditEntry.objects.filter(action="students.imported").count() == 2


def test_a_second_confirmation_of_the_same_preview_changes_nothing(cast, login):
    client = login(cast.teacher)
    response = client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}, follow=True)
    form = confirm_form(response)
    client.post(*form)
    after_first = counts()

    response = client.post(*form, follow=True)
    assert response.redirect_chain[-1][0] == upload_url(cast.cohort)
    assert STALE in response.content.decode()
    assert counts() == after_first
    assert AuditEntry.objects.filter(action="students.imported").count() == 1


def test_a_racing_double_submission_that_finds_the_staged_file_again_changes_nothing(cast, login):
    """Even if the staged row were still there (a second request that read it before the first one finished),
    the audit trail of the token refuses a second application."""
    client = login(cast.teacher)
    form = confirm_form(client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}, follow=True))
    staged = StagedImport.objects.get()
    payload = staged.payload
    client.post(*form)
    after_first = counts()
    StagedImport.objects.filter(pk=staged.pk).update(applied_at=None, payload=payload)

    response = client.post(*form, follow=True)
    assert STALE in response.content.decode()
    assert counts() == after_first
    assert AuditEntry.objects.filter(action="students.imported").count() == 1


def test_the_staged_file_is_kept_on_the_server_and_emptied_once_applied(cast, login):
    client = login(cast.teacher)
    form = confirm_form(client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}, follow=True))
    staged = StagedImport.objects.get()
    assert (staged.created_by, staged.cohort, staged.kind) == (cast.teacher, cast.cohort, "table")
    assert len(staged.payload["rows"]) == 30
    assert staged.token in form[0]
    client.post(*form)
    staged.refresh_from_db()
    assert staged.applied_at is not None
    assert staged.payload == {}


def test_confirming_an_older_preview_after_a_newer_one_changes_nothing(cast, login):
    client = login(cast.teacher)
    old = confirm_form(
        client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}, follow=True)
    )
    client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nC;D;c@example.org\n")}, follow=True)
    before = counts()
    response = client.post(*old, follow=True)
    assert STALE in response.content.decode()
    assert counts() == before


def test_a_file_with_errors_cancels_the_preview_of_an_earlier_file(cast, login):
    client = login(cast.teacher)
    old = confirm_form(
        client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}, follow=True)
    )
    response = client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nC;D;c@\n")}, follow=True)
    assert "/confirmer/" not in response.content.decode()
    response = client.post(*old, follow=True)
    assert STALE in response.content.decode()
    assert not User.objects.filter(email="a@example.org").exists()


def test_a_confirmation_with_a_forged_token_or_no_version_changes_nothing(cast, login):
    client = login(cast.teacher)
    url, data = confirm_form(
        client.post(upload_url(cast.cohort), {"file": sample("ndrc2_30_etudiants.csv")}, follow=True)
    )
    before = counts()
    response = client.post(confirm_url(cast.cohort, "invente"), data, follow=True)
    assert STALE in response.content.decode()
    response = client.post(url, {}, follow=True)
    assert "Les choix de l&#x27;import ont changé" in response.content.decode()
    assert counts() == before


def test_another_teacher_cannot_confirm_or_see_someone_elses_staged_import(cast, login, client):
    form = confirm_form(
        login(cast.teacher).post(
            upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}, follow=True
        )
    )
    cast.cohort.teachers.add(cast.teacher2)
    client.logout()
    other = login(cast.teacher2)
    preview = other.get(form[0].removesuffix("confirmer/"), follow=True)
    assert STALE in preview.content.decode()
    response = other.post(*form, follow=True)
    assert STALE in response.content.decode()
    assert not User.objects.filter(email="a@example.org").exists()


def test_an_expired_staged_import_cannot_be_confirmed(cast, login):
    client = login(cast.teacher)
    form = confirm_form(
        client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}, follow=True)
    )
    StagedImport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(*form, follow=True)
    assert STALE in response.content.decode()
    assert not User.objects.filter(email="a@example.org").exists()


def test_files_nobody_confirmed_in_time_are_forgotten(cast, login):
    client = login(cast.teacher)
    response = client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom\nA;B\n")}, follow=True)
    StagedImport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.get(response.redirect_chain[-1][0])
    assert not StagedImport.objects.exists()


def test_a_confirmation_after_the_data_changed_applies_nothing_and_says_why(cast, login):
    client = login(cast.teacher)
    text = "Nom;Prénom;Email\nDurand;Léa;lea@example.org\nPetit;Noé;noe@example.org\n"
    form = confirm_form(client.post(upload_url(cast.cohort), {"file": csv_file(text)}, follow=True))
    make_user("noe", "Noé", "Petit", email="NOE@example.org")  # someone created this account meanwhile
    before = counts()
    response = client.post(*form, follow=True)
    html = response.content.decode()
    assert "rien n&#x27;a été importé" in html
    assert "Ligne 3 : adresse « noe@example.org » déjà utilisée par un autre compte." in html
    assert counts() == before


def test_confirm_only_accepts_post(cast, login):
    response = login(cast.teacher).get(confirm_url(cast.cohort))
    assert response.status_code == 405


def test_an_establishment_admin_may_import(cast, login):
    client = login(cast.admin)
    response = client.post(
        upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}, follow=True
    )
    response = client.post(*confirm_form(response))
    assert response.status_code == 302
    assert User.objects.filter(email="a@example.org").exists()


@pytest.mark.parametrize("who", ["other_teacher", "student", "professional", "outsider"])
def test_people_outside_the_cohort_get_a_404(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(upload_url(cast.cohort)).status_code == 404
    file = csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")
    assert client.post(upload_url(cast.cohort), {"file": file}).status_code == 404
    assert client.post(confirm_url(cast.cohort), {"version": "1"}).status_code == 404


def test_a_teacher_of_the_establishment_not_teaching_the_cohort_gets_a_403(cast, login):
    cast.cohort.teachers.remove(cast.teacher2)
    client = login(cast.teacher2)
    assert client.get(upload_url(cast.cohort)).status_code == 403
    assert client.post(confirm_url(cast.cohort), {"version": "1"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(cast, client):
    for response in (client.get(upload_url(cast.cohort)), client.post(confirm_url(cast.cohort), {"version": "1"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_token_of_one_cohort_cannot_confirm_into_another(cast, login):
    cast.other_cohort.establishment = cast.establishment
    cast.other_cohort.save()
    client = login(cast.admin)
    url, data = confirm_form(
        client.post(upload_url(cast.cohort), {"file": csv_file("Nom;Prénom;Email\nA;B;a@example.org\n")}, follow=True)
    )
    token = url.rstrip("/").split("/")[-2]
    response = client.post(confirm_url(cast.other_cohort, token), data, follow=True)
    assert STALE in response.content.decode()
    assert not User.objects.filter(email="a@example.org").exists()
