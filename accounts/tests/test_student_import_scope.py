"""Issue 13, findings 2 and 10: an import never touches a student outside the importer's reach, a teacher's import
never changes an existing account's address, and every change applied is audited field by field."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Cohort, Student
from accounts.tests.import_helpers import confirm_form
from audit.models import AuditEntry
from notifications.models import OutboxMessage
from tests.personas import make_student

PIRATE = "pirate@example.org"


def upload_url(cohort) -> str:
    return reverse("accounts:student_import", args=[cohort.pk])


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("eleves.csv", text.encode("utf-8"), content_type="text/csv")


def snapshot(student: Student) -> tuple:
    student = Student.objects.select_related("user").get(pk=student.pk)
    user = student.user
    return student.cohort_id, user.email, user.last_name, user.first_name, student.candidate_number, user.password


def other_class_student(cast) -> Student:
    """A student of NDRC 1, a cohort of the same establishment taught by Berthe only, not by Bob."""
    assert not cast.first_year.teachers.filter(pk=cast.teacher.pk).exists()
    return make_student("nina", "Nina", "Simon", cast.first_year, "0249")


def test_a_teacher_cannot_take_over_a_student_of_another_class(cast, login):
    nina = other_class_student(cast)
    before = snapshot(nina)
    client = login(cast.teacher)
    text = f"Nom;Prénom;Email;N° candidat\nDurand;Léa;lea@example.org;\nPirate;Pierre;{PIRATE};0249\n"
    response = client.post(upload_url(cast.cohort), {"file": csv_file(text)}, follow=True)
    html = response.content.decode()
    assert "<dt>Lignes ignorées</dt><dd>1</dd>" in html
    assert "Ligne 3</th><td>Nina SIMON est inscrit·e dans la classe « NDRC 1 », que vous n&#x27;enseignez pas" in html
    assert "Importer 1 étudiant</button>" in html

    response = client.post(*confirm_form(response), follow=True)
    assert "1 ligne ignorée : étudiant d&#x27;une classe que vous n&#x27;enseignez pas." in response.content.decode()
    assert snapshot(nina) == before
    assert Student.objects.filter(user__email="lea@example.org", cohort=cast.cohort).exists()
    entry = AuditEntry.objects.get(action="students.imported")
    assert entry.changes["refused"] == 1
    assert entry.changes["refused_lines"][0]["line"] == 3
    assert [s["student"] for s in entry.changes["students"]] == ["Léa DURAND"]

    # The takeover ended with a reset link sent to the new address: that address has no account.
    client.logout()
    client.post(reverse("accounts:password_reset"), {"email": PIRATE})
    assert not OutboxMessage.objects.exists()


def test_a_file_of_only_foreign_students_offers_no_confirmation(cast, login):
    nina = other_class_student(cast)
    response = login(cast.teacher).post(
        upload_url(cast.cohort), {"file": csv_file(f"Nom;Prénom;Email\nS;N;{nina.user.email}\n")}, follow=True
    )
    html = response.content.decode()
    assert "Aucune ligne du fichier ne peut être importée." in html
    assert "/confirmer/" not in html


def test_an_admin_may_move_a_student_of_another_class_and_it_is_audited(cast, login):
    nina = other_class_student(cast)
    client = login(cast.admin)
    response = client.post(
        upload_url(cast.cohort),
        {"file": csv_file("Nom;Prénom;Email;N° candidat\nSimon;Nina;nina@example.org;0249\n")},
        follow=True,
    )
    assert "classe : NDRC 1 → NDRC 2" in response.content.decode()
    client.post(*confirm_form(response))
    nina.refresh_from_db()
    assert nina.cohort == cast.cohort
    [line] = AuditEntry.objects.get(action="students.imported").changes["students"]
    assert line == {
        "student_id": nina.pk,
        "student": "Nina SIMON",
        "action": "updated",
        "fields": {"cohort": ["NDRC 1", "NDRC 2"]},
    }


def test_a_teacher_import_leaves_an_existing_address_and_says_so(cast, login):
    emma = cast.student
    client = login(cast.teacher)
    text = f"Nom;Prénom;Email;N° candidat\nMartin;Emma;{PIRATE};{emma.candidate_number}\n"
    response = client.post(upload_url(cast.cohort), {"file": csv_file(text)}, follow=True)
    html = response.content.decode()
    assert "nom : Étudiante → Martin" in html
    assert (
        f"adresse non modifiée (emma@example.org reste, {PIRATE} ignorée) : seule l&#x27;administration de "
        "l&#x27;établissement peut changer l&#x27;adresse d&#x27;un compte existant"
    ) in html

    response = client.post(*confirm_form(response), follow=True)
    assert "1 adresse non modifiée" in response.content.decode()
    emma.user.refresh_from_db()
    assert (emma.user.email, emma.user.last_name) == ("emma@example.org", "Martin")
    changes = AuditEntry.objects.get(action="students.imported").changes
    assert changes["students"][0]["fields"] == {"last_name": ["Étudiante", "Martin"]}
    assert changes["not_applied"] == [
        {
            "line": 2,
            "student_id": emma.pk,
            "student": "Emma MARTIN",
            "field": "email",
            "old": "emma@example.org",
            "proposed": PIRATE,
            "reason": "seule l'administration de l'établissement peut changer l'adresse d'un compte existant",
        }
    ]
    assert not OutboxMessage.objects.exists()


def test_an_admin_import_changes_the_address_and_audits_old_and_new(cast, login):
    emma = cast.student
    client = login(cast.admin)
    text = f"Nom;Prénom;Email;N° candidat\nÉtudiante;Emma;Emma.Nouvelle@example.org;{emma.candidate_number}\n"
    response = client.post(upload_url(cast.cohort), {"file": csv_file(text)}, follow=True)
    assert "adresse : emma@example.org → emma.nouvelle@example.org" in response.content.decode()
    client.post(*confirm_form(response))
    emma.user.refresh_from_db()
    assert emma.user.email == "emma.nouvelle@example.org"
    entry = AuditEntry.objects.get(action="students.imported")
    assert entry.actor == cast.admin
    assert entry.changes["students"] == [
        {
            "student_id": emma.pk,
            "student": "Emma ÉTUDIANTE",
            "action": "updated",
            "fields": {"email": ["emma@example.org", "emma.nouvelle@example.org"]},
        }
    ]
    assert entry.changes["not_applied"] == []


def test_a_student_moved_out_of_the_teachers_classes_after_the_preview_is_not_touched(cast, login):
    """The confirmation checks the reach again: the preview's promise is not a permission."""
    client = login(cast.teacher)
    text = "Nom;Prénom;Email\nMartin;Lucas;lucas@example.org\n"
    form = confirm_form(client.post(upload_url(cast.cohort), {"file": csv_file(text)}, follow=True))
    other = Cohort.objects.create(establishment=cast.establishment, name="NDRC 2B", year=2, exam_session=cast.session)
    Student.objects.filter(pk=cast.student2.pk).update(cohort=other)
    before = snapshot(cast.student2)
    client.post(*form)
    assert snapshot(cast.student2) == before
    assert AuditEntry.objects.get(action="students.imported").changes["refused"] == 1
