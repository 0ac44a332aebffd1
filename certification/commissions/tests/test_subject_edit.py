"""The fiche sujet editor: choose the fiche, then change parameters beside the original text."""

import re

import pytest
from django.urls import reverse

from certification.commissions.services.subjects import dossier_fiches
from certification.models import ParameterChange, SubjectSheet
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_dossiers import complete_dossier
from tests.factories_certification_subjects import change, make_sheet, submitted_dossier

pytestmark = pytest.mark.django_db


def _url(commission, student):
    return reverse("certification:subject_edit", args=[commission.pk, student.pk])


def _form_data(sheet, **texts):
    data = {"action": "save", "version": sheet.version}
    for code, text in sheet.candidate.items():
        data[f"c_{code}"] = text
    for code, text in sheet.jury.items():
        data[f"j_{code}"] = text
    data.update({f"c_{code}": text for code, text in texts.items()})
    return data


def test_it_offers_the_two_fiches_of_the_deposited_dossier(cast, client, login):
    commission = make_commission(cast)
    submitted_dossier(cast.student)
    response = login(cast.teacher).get(_url(commission, cast.student))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Fiche N° 1 – Négociation d&#x27;un contrat" in page
    assert "Fiche N° 2 – Salon de l&#x27;habitat" in page
    assert 'type="radio"' in page


def test_it_says_when_no_dossier_was_deposited(cast, client, login):
    commission = make_commission(cast)
    complete_dossier(cast.student)  # a draft
    page = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert "n&#x27;a pas de dossier E4 déposé" in page
    assert 'type="radio"' not in page


def test_choosing_a_fiche_creates_the_prefilled_sheet(cast, client, login):
    commission = make_commission(cast)
    submitted_dossier(cast.student)
    second = dossier_fiches(commission, cast.student)[1]
    response = login(cast.teacher).post(
        _url(commission, cast.student), {"action": "choose", "dossier_fiche": second.pk}
    )
    assert response.status_code == 302
    sheet = SubjectSheet.objects.get()
    assert (sheet.fiche_number, sheet.activity_kind) == (2, "event")


def test_choosing_nothing_gives_a_french_error(cast, client, login):
    commission = make_commission(cast)
    submitted_dossier(cast.student)
    response = login(cast.teacher).post(_url(commission, cast.student), {"action": "choose"})
    assert "Choisissez l&#x27;une des fiches du dossier." in response.content.decode()
    assert not SubjectSheet.objects.exists()


def test_the_editor_shows_the_original_beside_the_new_text_and_the_warning(cast, client, login):
    sheet = make_sheet(cast)
    page = login(cast.teacher).get(_url(sheet.commission, cast.student)).content.decode()
    assert "Texte de la fiche du candidat" in page
    assert "0 rubrique(s) modifiée(s) sur 11" in page
    assert "rien de significatif n&#x27;a changé" in page
    assert "Objectif → Définir à quel moment de cette relation" in page
    assert "FICHE SUJET – JURY (facultative)" in page


def test_saving_lists_the_changes_and_shows_the_count(cast, client, login):
    sheet = make_sheet(cast)
    client = login(cast.teacher)
    data = _form_data(sheet, contraintes="Le client exige un paiement à 60 jours.", lieu="Sur le stand du salon.")
    response = client.post(_url(sheet.commission, cast.student), data, follow=True)
    page = response.content.decode()
    assert "Fiche sujet enregistrée : 2 rubrique(s) modifiée(s) sur 11, " in page
    assert re.search(r"\d+ mot\(s\) modifié\(s\) \(\d+ % de la partie candidat\)", page)
    assert "modifié" in page
    assert sorted(ParameterChange.objects.values_list("rubric", flat=True)) == ["contraintes", "lieu"]


def test_a_conflict_keeps_the_members_texts(cast, client, login):
    sheet = make_sheet(cast)
    stale = _form_data(sheet, contraintes="Ma version à moi.")
    change(sheet, contraintes="Version d'un autre membre.")
    response = login(cast.teacher).post(_url(sheet.commission, cast.student), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "modifiée par un autre membre" in page
    assert "Ma version à moi." in page
    assert "Version actuelle enregistrée" in page
    sheet.refresh_from_db()
    assert sheet.candidate["contraintes"] == "Version d'un autre membre."


def test_an_administrator_who_does_not_sit_reads_but_cannot_write(cast, client, login):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    client = login(cast.admin)
    page = client.get(_url(sheet.commission, cast.student)).content.decode()
    assert "Budget réduit." in page
    assert "<textarea" not in page
    response = client.post(_url(sheet.commission, cast.student), _form_data(sheet, contraintes="Autre."))
    assert response.status_code == 403
    sheet.refresh_from_db()
    assert sheet.candidate["contraintes"] == "Budget réduit."


def test_a_student_gets_a_404(cast, client, login):
    sheet = make_sheet(cast)
    assert login(cast.student).get(_url(sheet.commission, cast.student)).status_code == 404


def test_an_e6_commission_has_no_subject_page(cast, client, login):
    commission = make_commission(cast, "E6")
    assert login(cast.teacher).get(_url(commission, cast.student)).status_code == 404


def test_a_full_stop_added_to_the_lieu_is_no_change_and_the_editor_warns(cast, client, login):
    sheet = make_sheet(cast)
    data = _form_data(sheet, lieu=sheet.candidate["lieu"].rstrip(".") + ".", objet=sheet.candidate["objet"].upper())
    page = login(cast.teacher).post(_url(sheet.commission, cast.student), data, follow=True).content.decode()
    assert "Fiche sujet enregistrée : 0 rubrique(s) modifiée(s) sur 11, 0 mot(s) modifié(s)" in page
    assert "rien de significatif n&#x27;a changé (0 mot(s) modifié(s) dans la partie candidat" in page
    assert "situation nouvelle" not in page
    assert not ParameterChange.objects.exists()


def test_another_offer_in_the_objet_is_flagged_as_a_new_situation(cast, client, login):
    sheet = make_sheet(cast)
    data = _form_data(sheet, objet="Vente d’une chaudière à condensation à un particulier")
    response = login(cast.teacher).post(_url(sheet.commission, cast.student), data, follow=True)
    page = response.content.decode()
    assert "Attention : situation nouvelle — « Objet de l’activité » est remplacé" in page
    assert "rien de significatif" not in page
    # The warning stays on the editor page (never blocking: the text is saved).
    assert "situation nouvelle" in login(cast.teacher).get(_url(sheet.commission, cast.student)).content.decode()
    sheet.refresh_from_db()
    assert sheet.candidate["objet"].startswith("Vente d’une chaudière")


def test_a_measured_change_of_a_parameter_gives_no_warning(cast, client, login):
    sheet = make_sheet(cast)
    data = _form_data(sheet, contraintes="Le client exige un paiement à 60 jours et une remise de 5 %.")
    page = login(cast.teacher).post(_url(sheet.commission, cast.student), data, follow=True).content.decode()
    assert "Attention" not in page


def test_the_jury_part_shows_the_candidate_parts_text_for_the_rubrics_they_share(cast, client, login):
    sheet = make_sheet(cast)
    page = login(cast.teacher).get(_url(sheet.commission, cast.student)).content.decode()
    assert 'name="c_lieu"' in page and 'name="j_lieu"' not in page
    assert 'name="j_objections"' in page  # the jury part's own rubrics stay written there
    assert "Repris de la partie candidat (même paramètre dans les deux parties)" in page


def test_a_jury_text_contradicting_the_candidate_part_is_not_kept(cast, client, login):
    sheet = make_sheet(cast)
    data = _form_data(sheet, lieu="Sur le stand du salon de l’habitat, hall 3.")
    data.update({"with_jury_part": "on", "j_lieu": "Au siège du client, à Lyon.", "j_objections": "C’est trop cher."})
    page = login(cast.teacher).post(_url(sheet.commission, cast.student), data, follow=True).content.decode()
    sheet.refresh_from_db()
    assert sheet.candidate["lieu"] == sheet.jury["lieu"] == "Sur le stand du salon de l’habitat, hall 3."
    assert sheet.jury["objections"] == "C’est trop cher."
    assert "Au siège du client" not in page
    assert set(ParameterChange.objects.filter(sheet=sheet).values_list("part", "rubric")) == {
        ("candidate", "lieu"),
        ("jury", "objections"),
    }
