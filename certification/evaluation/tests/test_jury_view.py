"""The jury's view of a passage on the day: header, timer, fiche sujet, chosen fiche, notes, link to the grid."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from certification.models import MemberRole
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_jury import (
    CANDIDATE_CHANGED,
    JURY_CHANGED,
    QUESTIONS,
    make_passage,
    make_subject_sheet,
    submitted_dossier,
)

pytestmark = pytest.mark.django_db


def _url(passage) -> str:
    return reverse("certification:jury_view", args=[passage.pk])


def _e4_passage(cast, **kwargs):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    dossier = submitted_dossier(cast.student)
    sheet = make_subject_sheet(commission, cast.student, dossier, **kwargs)
    return make_passage(commission, cast.student), sheet


def test_it_shows_the_header_of_the_passage(cast, login):
    passage, _ = _e4_passage(cast)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    assert "Jury : Emma ÉTUDIANTE – situation B" in page
    assert "de 10:00 à 10:15" in page
    assert "Salle 204" in page
    assert "Bob PROF (enseignant en charge du bloc)" in page
    assert "Paul TUTEUR (professionnel" in page
    assert "Entretien évocateur" in page


def test_it_carries_the_duration_in_seconds_for_the_timer_and_shows_it_as_text(cast, login):
    passage, _ = _e4_passage(cast)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    assert 'data-duration-seconds="900"' in page
    assert 'role="timer"' in page
    assert 'aria-live="assertive"' in page
    # Without JavaScript: the duration and the planned end, as text.
    assert "Durée prévue : <strong>15 minutes</strong> — fin prévue à <strong>10:15</strong>" in page
    assert 'src="/static/js/jury.js"' in page


def test_it_shows_the_jury_part_and_marks_the_changed_parameters(cast, login):
    passage, _ = _e4_passage(cast)
    response = login(cast.teacher).get(_url(passage))
    page = response.content.decode()
    assert "Partie jury (ANNEXE V–3)" in page
    assert "Paramètres modifiés (3)" in page
    for text in [*CANDIDATE_CHANGED.values(), *JURY_CHANGED.values()]:
        assert escape(text) in page
    assert len(re.findall(r'<mark class="jury-changed">', page)) == 3
    assert "Dans la fiche : Client fidèle depuis trois ans." in page
    # Highlighted in the tables of both parts: the jury part shows the candidate part's text for the rubrics they
    # share (historique, contraintes), plus its own objections.
    assert page.count('<tr class="is-changed">') == 5
    assert "Objections" in page and "Historique de la relation" in page  # official labels


def test_a_fiche_sujet_without_jury_part_shows_the_candidate_part_only(cast, login):
    passage, _ = _e4_passage(cast, with_jury_part=False)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    assert "Partie jury (ANNEXE V–3)" not in page
    assert "Partie candidat (ANNEXE V–2)" in page
    assert "Paramètres modifiés (2)" in page


def test_it_lists_the_prepared_questions(cast, login):
    passage, _ = _e4_passage(cast)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    for question in QUESTIONS:
        assert escape(question) in page


def test_it_shows_the_chosen_fiche_as_deposited_and_links_the_dossier(cast, login):
    passage, sheet = _e4_passage(cast)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    assert "Fiche choisie" in page
    assert "Négociation d&#x27;un contrat" in page
    assert "Salon de l&#x27;habitat" not in page  # the other fiche of the dossier
    assert "Texte déposé" in page
    dossier = sheet.dossier_fiche.dossier
    assert reverse("certification:dossier_detail", args=[dossier.pk]) in page


def test_it_links_the_members_own_grid(cast, login):
    passage, _ = _e4_passage(cast)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    grid = reverse("certification:grid_member", args=[passage.situation.commission_id, cast.student.pk])
    assert f'href="{grid}">Remplir ma grille</a>' in page


def test_without_a_fiche_sujet_it_says_so_and_shows_the_dossier_fiches(cast, login):
    commission = make_commission(cast)
    submitted_dossier(cast.student)
    passage = make_passage(commission, cast.student)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    assert "Aucune fiche sujet n'est encore rédigée" in page
    assert reverse("certification:subject_edit", args=[commission.pk, cast.student.pk]) in page
    assert "Salon de l&#x27;habitat" in page and "Négociation d&#x27;un contrat" in page


def test_an_e6_passage_shows_the_dossier_fiches_and_no_fiche_sujet(cast, login):
    commission = make_commission(cast, "E6")
    submitted_dossier(cast.student, "E6")
    passage = make_passage(commission, cast.student, code="A", minutes=15)
    page = login(cast.teacher).get(_url(passage)).content.decode()
    assert "Fiche sujet" not in page
    assert "Réseau de distributeurs" in page and "Vente directe" in page


def test_the_notes_form_carries_the_stored_text_and_version(cast, login):
    from certification.evaluation.services.jury_notes import save_passage_note

    passage, _ = _e4_passage(cast)
    member = passage.situation.commission.members.get(user=cast.teacher)
    save_passage_note(
        passage=passage, member=member, text="Bonne reformulation.", expected_version=0, actor=cast.teacher
    )
    page = login(cast.teacher).get(_url(passage)).content.decode()
    assert "Bonne reformulation." in page
    assert 'name="version" value="1"' in page
    assert "Enregistré à" in page


def test_the_page_is_never_cached(cast, login):
    passage, _ = _e4_passage(cast)
    response = login(cast.teacher).get(_url(passage))
    assert "no-store" in response["Cache-Control"]


def test_a_seated_professional_sees_it(cast, login):
    passage, _ = _e4_passage(cast)
    assert login(cast.professional).get(_url(passage)).status_code == 200


def test_a_student_gets_a_404_even_for_their_own_passage(cast, login):
    passage, _ = _e4_passage(cast)
    assert login(cast.student).get(_url(passage)).status_code == 404


def test_an_administrator_who_does_not_sit_on_the_commission_gets_a_403(cast, login):
    passage, _ = _e4_passage(cast)
    assert login(cast.admin).get(_url(passage)).status_code == 403


def test_a_teacher_of_another_establishment_gets_a_404(cast, login):
    passage, _ = _e4_passage(cast)
    assert login(cast.other_teacher).get(_url(passage)).status_code == 404


def test_a_teacher_of_the_establishment_who_does_not_sit_gets_a_404(cast, login):
    passage, _ = _e4_passage(cast)
    assert login(cast.teacher2).get(_url(passage)).status_code == 404
