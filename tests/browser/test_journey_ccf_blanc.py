"""A CCF blanc from end to end: a teacher of the class creates it for a situation of the data, writes the fiche
sujet with changed parameters, plans the passage, grades the student with the blanc grid and a comment, publishes;
the student then reads their « blanc » grid and the comment on a phone, and finds it in their passeport."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mock_exams.models import MockCandidate
from passeport.models import FormativeAssessment
from tests.browser.helpers import assert_accessible, assert_no_sideways_scroll, log_in
from tests.confidentiality import assert_no_certifying_content
from tests.factories import make_fiche
from tests.factories_mock_exams import subject_situation
from tests.personas import build_cast

pytestmark = pytest.mark.browser

NEW_HISTORY = "Le client a rompu avec son fournisseur historique le mois dernier."


def test_a_ccf_blanc_run_end_to_end_and_read_by_the_student_on_a_phone(live_server, page, page_at):
    cast = build_cast()
    fiche = make_fiche(cast.student, title="Contrat d'entretien pour une copropriété")
    situation = subject_situation(cast)
    name = cast.student.user.display_name

    # The teacher creates the blanc for the class and the situation.
    log_in(page, live_server.url, cast.teacher.username)
    page.get_by_role("link", name="Épreuves blanches").click()
    page.get_by_role("link", name="Créer une épreuve blanche").click()
    assert_accessible(page)
    page.get_by_label("Classe").select_option(str(cast.cohort.pk))
    page.get_by_label("Situation d'évaluation").select_option(situation.key)
    page.get_by_label("Date de l'épreuve blanche").fill("2027-03-15")
    page.get_by_role("button", name="Créer l'épreuve blanche").click()
    expect(page.get_by_text("Épreuve blanche créée")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CCF blanc")
    detail_url = page.url

    # The planning: a date and time for Emma.
    page.get_by_label(f"Passage de {name}").fill("2027-03-15T09:30")
    page.get_by_role("button", name="Enregistrer le planning").click()
    expect(page.get_by_text("Planning enregistré (1 passage(s) modifié(s)).")).to_be_visible()
    assert_accessible(page)

    # The fiche sujet: choose the fiche, then change a parameter.
    page.get_by_role("link", name=f"Fiche sujet blanche de {name}").click()
    page.get_by_label(re.compile(r"Fiche N° 1 – Contrat d'entretien")).check()
    page.get_by_role("button", name="Enregistrer la fiche sujet blanche").click()
    expect(page.get_by_text("Fiche sujet préremplie depuis la fiche choisie")).to_be_visible()
    page.get_by_label("Historique de la relation").fill(NEW_HISTORY)
    page.get_by_role("button", name="Enregistrer la fiche sujet blanche").click()
    expect(page.get_by_text("Fiche sujet blanche enregistrée.")).to_be_visible()
    expect(page.locator(".blanc-changes")).to_contain_text(NEW_HISTORY)
    assert_accessible(page)

    # The jury view: the same grid lines as the certifying grid, marked blanc.
    page.goto(detail_url)
    page.get_by_role("link", name=f"Remplir la grille de {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Grille blanche — {name}")
    expect(page.locator(".blanc-banner")).to_contain_text("CCF blanc")
    page.get_by_label(re.compile(r"^Satisfaisant – critère 1 ")).check()
    page.get_by_label(re.compile(r"^Très satisfaisant – critère 2 ")).check()
    page.get_by_label("Appréciation du jury").fill("Reformulation soignée ; traitez plus tôt l'objection prix.")
    page.get_by_role("button", name="Enregistrer la grille blanche").click()
    expect(page.get_by_text("Grille blanche enregistrée.")).to_be_visible()
    assert_accessible(page)

    page.goto(detail_url)
    page.get_by_role("button", name="Publier l'épreuve blanche").click()
    expect(page.get_by_text("Épreuve blanche publiée")).to_be_visible()
    candidate = MockCandidate.objects.get(student=cast.student)
    assessment = FormativeAssessment.objects.get(student=cast.student, fiche=fiche)
    assert assessment.label == "CCF blanc"

    # The student, on a phone: their blanc grid and the jury's comment.
    phone = page_at(375, 740, phone=True)
    log_in(phone, live_server.url, cast.student.user.username)
    phone.goto(live_server.url + reverse("mock_exams:my_list"))
    phone.get_by_role("link", name=re.compile("CCF blanc")).click()
    assert phone.url.endswith(reverse("mock_exams:my_result", args=[candidate.pk]))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Ma grille blanche")
    expect(phone.get_by_text("traitez plus tôt l'objection prix")).to_be_visible()
    expect(phone.locator("[data-blanc-level=TS]")).to_have_count(1)
    expect(phone.get_by_text(NEW_HISTORY)).to_be_visible()
    assert_accessible(phone)
    assert_no_sideways_scroll(phone)
    assert_no_certifying_content(phone.content())

    # … and in the passeport, dated and labelled « CCF blanc ».
    phone.get_by_role("link", name="mon passeport", exact=True).click()
    expect(phone.locator(".assessment-label").first).to_have_text("CCF blanc")
