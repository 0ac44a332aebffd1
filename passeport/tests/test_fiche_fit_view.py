"""fiche_fit: tells whether the fiche holds on its imposed pages, and what to shorten or fill (never blocks)."""

from django.urls import reverse

from passeport.models import FicheVerso
from passeport.tests.fiche_pdf_texts import make_filled_fiche
from passeport.tests.test_fiche_pdf_service import LONG_HISTORY

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(fiche):
    return reverse("passeport:fiche_fit", args=[fiche.pk])


def test_it_says_a_filled_fiche_fits(cast, login):
    fiche = make_filled_fiche(cast.student)

    response = login(cast.student).get(url(fiche))

    assert response.status_code == 200
    assert "La fiche tient sur les deux pages imposées." in response.content.decode()
    assert "Rubriques encore vides" not in response.content.decode()


def test_it_names_the_rubric_to_shorten_and_links_to_its_field(cast, login):
    fiche = make_filled_fiche(cast.student)
    fiche.recto["historique"] = LONG_HISTORY
    fiche.save(update_fields=["recto"])

    html = login(cast.student).get(url(fiche), **HTMX).content.decode()

    assert "La fiche dépasse : 3 pages" in html
    assert "Rubrique(s) à raccourcir" in html
    assert '<a href="#rubric-historique">Historique/Problématique de l’activité</a> (recto)' in html


def test_it_lists_the_empty_rubrics(cast, login):
    fiche = make_filled_fiche(cast.student)
    fiche.recto["lieu"] = ""
    fiche.save(update_fields=["recto"])

    html = login(cast.student).get(url(fiche), **HTMX).content.decode()

    assert "La fiche tient sur les deux pages imposées." in html
    assert "Rubriques encore vides" in html
    assert '<a href="#rubric-lieu">Lieu de l’activité :</a> (recto)' in html


def test_htmx_gets_the_fragment_and_a_plain_visit_the_whole_page(cast, login):
    fiche = make_filled_fiche(cast.student)
    client = login(cast.student)

    fragment = client.get(url(fiche), **HTMX).content.decode()
    page = client.get(url(fiche)).content.decode()

    assert "<html" not in fragment
    assert "La fiche tient sur les deux pages imposées." in fragment
    assert "<html" in page
    assert "Mise en page de la fiche E4" in page
    assert f'href="{reverse("passeport:fiche_pdf", args=[fiche.pk])}?verso=1">Télécharger le PDF</a>' in page


def test_the_page_links_back_to_the_editor_fields(cast, login):
    fiche = make_filled_fiche(cast.student)
    fiche.recto["lieu"] = ""
    fiche.save(update_fields=["recto"])

    page = login(cast.student).get(url(fiche)).content.decode()

    assert f'href="{reverse("passeport:fiche_edit", args=[fiche.pk])}#rubric-lieu"' in page


def test_an_e6_fiche_is_judged_on_two_pages_at_most(cast, login):
    fiche = make_filled_fiche(cast.student, exam_code="E6", real_lived=True)

    html = login(cast.student).get(url(fiche), **HTMX).content.decode()

    assert "La fiche tient dans le format imposé (deux pages au plus)." in html


def test_a_second_verso_links_to_its_own_fields(cast, login):
    fiche = make_filled_fiche(cast.student)
    FicheVerso.objects.create(fiche=fiche, order=2, content={"demarche": LONG_HISTORY + LONG_HISTORY})

    html = login(cast.student).get(url(fiche) + "?verso=2", **HTMX).content.decode()

    assert '<a href="#rubric-demarche-2">Démarche</a> (verso)' in html
    assert '<a href="#rubric-objectifs_fixes-2">Objectifs fixés</a> (verso)' in html


def test_an_unknown_verso_is_not_found(cast, login):
    fiche = make_filled_fiche(cast.student)

    assert login(cast.student).get(url(fiche) + "?verso=3").status_code == 404


def test_another_student_gets_not_found(cast, login):
    fiche = make_filled_fiche(cast.student)

    assert login(cast.student2).get(url(fiche)).status_code == 404


def test_it_names_characters_the_pdf_cannot_draw_before_the_pdf_is_made(cast, login):
    # U+10FFFD (private use) is in no font: the PDF would print an empty box. French punctuation prints fine.
    fiche = make_filled_fiche(cast.student)
    fiche.recto["historique"] = "Un salon réussi \U0010fffd « Œuvre » — l’équipe \u200d"
    fiche.save(update_fields=["recto"])

    html = login(cast.student).get(url(fiche), **HTMX).content.decode()

    assert "ne peuvent pas être imprimés dans le PDF officiel" in html
    link = '<a href="#rubric-historique">Historique/Problématique de l’activité</a>'
    assert f"{link} (recto) : \U0010fffd (U+10FFFD)" in html
    assert "U+0152" not in html  # Œ is drawn
    assert "U+200D" not in html  # an invisible joiner is not a character to replace


def test_a_fiche_in_plain_french_has_no_character_warning(cast, login):
    html = login(cast.student).get(url(make_filled_fiche(cast.student)), **HTMX).content.decode()

    assert "ne peuvent pas être imprimés" not in html
