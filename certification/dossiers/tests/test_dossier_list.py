"""dossier_list: one card per CCF exam with its state, deadline and composition defects."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from certification.models import DossierState
from tests.factories_certification_dossiers import complete_dossier, deadline_of, make_dossier


def _url(student) -> str:
    return reverse("certification:dossier_list", args=[student.pk])


def test_it_shows_one_card_per_ccf_exam(cast, login):
    response = login(cast.student).get(_url(cast.student))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Épreuve E4" in content and "Épreuve E6" in content
    assert content.count("Aucun dossier") == 2
    assert reverse("certification:dossier_edit", args=[cast.student.pk, "E4"]) in content
    assert reverse("certification:dossier_edit", args=[cast.student.pk, "E6"]) in content
    assert f"{deadline_of(cast.student):%d/%m/%Y}" in content


def test_it_shows_the_state_and_the_defects(cast, login):
    complete_dossier(cast.student, "E4")
    make_dossier(cast.student, "E6")

    content = login(cast.student).get(_url(cast.student)).content.decode()

    assert content.count("En préparation") == 2
    assert "ils ne bloquent pas le dépôt" in content
    assert "Aucun défaut de composition" in content  # the complete E4 dossier


def test_it_flags_a_late_deposit(cast, login):
    dossier = complete_dossier(cast.student, "E4")
    dossier.state = DossierState.SUBMITTED
    dossier.submitted_at = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    dossier.late_deposit_recorded_at = dossier.submitted_at
    dossier.save()

    content = login(cast.teacher).get(_url(cast.student)).content.decode()

    assert "Déposé le 01/03/2027" in content
    assert "Dépôt tardif" in content


def test_it_marks_a_passed_deadline(cast, login):
    with time_machine.travel(datetime.datetime(2027, 6, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))):
        content = login(cast.student).get(_url(cast.student)).content.decode()

    assert "Passée" in content


def test_another_student_gets_a_404(cast, login):
    assert login(cast.student2).get(_url(cast.student)).status_code == 404


def test_it_counts_its_queries(cast, login, django_assert_max_num_queries):
    complete_dossier(cast.student, "E4")
    client = login(cast.student)

    with django_assert_max_num_queries(25):
        client.get(_url(cast.student))
