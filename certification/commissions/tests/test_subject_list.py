"""The commission's list of fiches sujet."""

import pytest
from django.urls import reverse

from certification.evaluation.tests.test_todo_steps import STEP_QUERIES
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_subjects import change, make_sheet

pytestmark = pytest.mark.django_db


def test_it_lists_every_candidate_with_the_chosen_fiche_and_changes(cast, client, login):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    page = login(cast.teacher).get(reverse("certification:subject_list", args=[sheet.commission.pk])).content.decode()
    assert cast.student.user.display_name in page
    assert cast.student2.user.display_name in page
    assert "Fiche N° 1 – Négociation d&#x27;un contrat" in page
    assert "1 / 11" in page
    assert "à revoir" not in page  # a whole constraint replaced: a significant change
    assert "Aucun dossier" in page  # student2


def test_a_sheet_changed_only_in_punctuation_is_to_review(cast, client, login):
    sheet = make_sheet(cast)
    sheet = change(sheet, lieu=sheet.candidate["lieu"] + " !", contraintes=sheet.candidate["contraintes"].upper())
    page = login(cast.teacher).get(reverse("certification:subject_list", args=[sheet.commission.pk])).content.decode()
    assert "0 / 11" in page
    assert "à revoir" in page  # no word changed: below the session's minimum of changed words


def test_it_needs_a_fixed_number_of_queries(cast, client, login, django_assert_max_num_queries):
    sheet = make_sheet(cast)
    make_sheet(cast, sheet.commission, cast.student2)
    client = login(cast.teacher)
    # 12 for the page, 4 + the blocking steps' reading for the navigation's « À faire (N) »
    with django_assert_max_num_queries(16 + STEP_QUERIES):
        client.get(reverse("certification:subject_list", args=[sheet.commission.pk]))


def test_an_e6_commission_answers_404(cast, client, login):
    commission = make_commission(cast, "E6")
    assert login(cast.teacher).get(reverse("certification:subject_list", args=[commission.pk])).status_code == 404


def test_a_student_gets_a_404(cast, client, login):
    commission = make_commission(cast)
    assert login(cast.student).get(reverse("certification:subject_list", args=[commission.pk])).status_code == 404
