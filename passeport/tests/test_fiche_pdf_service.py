"""render_fiche_pdf and analyse_fiche_layout: the official pages, read back from the PDF itself."""

import io
import re

from pypdf import PdfReader

from passeport.models import FicheVerso
from passeport.pdf import analyse_fiche_layout, pdf_filename, render_fiche_pdf
from passeport.rubrics import fiche_definition
from passeport.tests.fiche_pdf_texts import E4_RECTO, E4_VERSO, E6_RECTO, make_filled_fiche

LONG_HISTORY = (
    "Le cabinet gère de nombreuses copropriétés et rencontre des difficultés avec son prestataire actuel. " * 60
)[:6000]


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def squeeze(text: str) -> str:
    """Whitespace out: a cell wraps its text wherever its width says."""
    return re.sub(r"\s+", "", text)


def test_a_filled_e4_fiche_prints_on_exactly_two_pages(cast):
    fiche = make_filled_fiche(cast.student)

    pages = pages_text(render_fiche_pdf(fiche))

    assert len(pages) == 2


def test_every_recto_rubric_is_on_page_one_and_every_verso_rubric_on_page_two(cast):
    fiche = make_filled_fiche(cast.student)
    form = fiche_definition(fiche.forms_session, "E4")

    recto, verso = (squeeze(text) for text in pages_text(render_fiche_pdf(fiche)))

    for rubric in form.part("recto"):
        assert squeeze(rubric.label) in recto, rubric.code
        assert squeeze(E4_RECTO[rubric.code]) in recto, rubric.code
    for rubric in form.part("verso"):
        assert squeeze(rubric.label) in verso, rubric.code
        assert squeeze(E4_VERSO[rubric.code]) in verso, rubric.code
    assert squeeze("Démarche de veille") in verso


def test_the_header_shows_session_identity_and_the_ticked_kind(cast):
    fiche = make_filled_fiche(cast.student, title="Contrat d'entretien Régie Fourvière")
    user = cast.student.user

    recto = squeeze(pages_text(render_fiche_pdf(fiche))[0])

    assert squeeze(f"SESSION {cast.student.cohort.exam_session.year}") in recto
    assert squeeze("FICHE DESCRIPTIVE D’ACTIVITÉ PROFESSIONNELLE") in recto
    assert squeeze("TITRE : Contrat d'entretien Régie Fourvière") in recto
    assert squeeze(f"Nom : {user.last_name}") in recto
    assert squeeze(f"Prénom : {user.first_name}") in recto
    assert squeeze(f"N° Candidat : {cast.student.candidate_number}") in recto
    assert squeeze("☒ Négociation Vente et Accompagnement de la Relation Client") in recto
    assert squeeze("☐ Organisation et Animation d’un Évènement commercial") in recto
    assert squeeze("Annexe à joindre obligatoirement à la fiche") in recto


def test_a_filled_fiche_fits_with_no_rubric_named(cast):
    layout = analyse_fiche_layout(make_filled_fiche(cast.student))

    assert layout.fits
    assert layout.page_count == 2
    assert layout.overflowing == ()
    assert layout.to_shorten == ()
    assert layout.empty_rubrics == ()


def test_an_overlong_rubric_takes_a_third_page_and_is_named(cast):
    fiche = make_filled_fiche(cast.student)
    fiche.recto["historique"] = LONG_HISTORY
    fiche.save(update_fields=["recto"])

    layout = analyse_fiche_layout(fiche)

    assert len(pages_text(render_fiche_pdf(fiche))) == 3
    assert not layout.fits
    assert layout.page_count == 3
    assert [ref.code for ref in layout.to_shorten] == ["historique"]
    assert layout.to_shorten[0].label == "Historique/Problématique de l’activité"
    assert layout.to_shorten[0].part == "recto"
    assert "historique" in [ref.code for ref in layout.overflowing]
    assert all(ref.part == "recto" for ref in layout.overflowing), "the verso still holds on its own page"


def test_an_overlong_verso_rubric_is_named_as_verso(cast):
    fiche = make_filled_fiche(cast.student)
    verso = fiche.versos.get()
    verso.content["contribution"] = LONG_HISTORY + "\n" + LONG_HISTORY
    verso.save(update_fields=["content"])

    layout = analyse_fiche_layout(fiche)

    assert not layout.fits
    assert [(ref.code, ref.part) for ref in layout.to_shorten] == [("contribution", "verso")]
    assert {ref.part for ref in layout.overflowing} == {"verso"}


def test_empty_rubrics_are_listed_with_their_official_label(cast):
    fiche = make_filled_fiche(cast.student)
    fiche.recto["difficultes"] = "  "
    fiche.save(update_fields=["recto"])
    verso = fiche.versos.get()
    del verso.content["veille_sources"]
    verso.save(update_fields=["content"])

    layout = analyse_fiche_layout(fiche)

    assert layout.fits
    assert [(ref.code, ref.label, ref.part) for ref in layout.empty_rubrics] == [
        ("difficultes", "Difficultés rencontrées", "recto"),
        ("veille_sources", "Sources utilisées", "verso"),
    ]


def test_the_verso_asked_for_is_printed(cast):
    fiche = make_filled_fiche(cast.student)
    second = FicheVerso.objects.create(fiche=fiche, order=2, content={"demarche": "Relance des clients inactifs"})

    verso_page = squeeze(pages_text(render_fiche_pdf(fiche, second))[1])

    assert squeeze("Relance des clients inactifs") in verso_page
    assert squeeze(E4_VERSO["demarche"]) not in verso_page


def test_the_student_text_is_printed_as_text_with_its_line_breaks(cast):
    fiche = make_filled_fiche(cast.student)
    fiche.recto["organisation"] = '<b>Gras</b> & <img src="https://example.org/x.png">'
    fiche.recto["phases"] = "Phase un\nPhase deux"
    fiche.save(update_fields=["recto"])

    recto = pages_text(render_fiche_pdf(fiche))[0]

    assert '<b>Gras</b> & <img src="https://example.org/x.png">' in recto
    assert re.search(r"Phase un\s*\n\s*Phase deux", recto)


def test_an_e6_fiche_ticks_its_network_kind_and_real_lived(cast):
    fiche = make_filled_fiche(cast.student, exam_code="E6", kind_code="partenaires", real_lived=True)
    form = fiche_definition(fiche.forms_session, "E6")

    pages = pages_text(render_fiche_pdf(fiche))
    text = squeeze("".join(pages))

    assert len(pages) == 1
    assert squeeze("E6 – RELATION CLIENT ET ANIMATION DE RÉSEAUX") in text
    assert squeeze("☐ Animation de réseau de distributeurs") in text
    assert squeeze("☒ Animation de réseau de partenaires") in text
    assert squeeze("☐ Animation de réseau de vente directe") in text
    assert squeeze("☒ OUI ☐ NON") in text
    for rubric in form.rubrics:
        assert squeeze(rubric.label) in text, rubric.code
        assert squeeze(E6_RECTO[rubric.code]) in text, rubric.code
    assert analyse_fiche_layout(fiche).fits


def test_an_e6_fiche_may_run_onto_a_second_page_but_not_a_third(cast):
    fiche = make_filled_fiche(cast.student, exam_code="E6", real_lived=False)
    fiche.recto["diagnostic"] = LONG_HISTORY
    fiche.save(update_fields=["recto"])
    assert analyse_fiche_layout(fiche).fits

    fiche.recto["contexte"] = LONG_HISTORY + LONG_HISTORY
    fiche.save(update_fields=["recto"])
    layout = analyse_fiche_layout(fiche)

    assert not layout.fits
    assert layout.page_count >= 3
    assert layout.to_shorten[0].code == "contexte"


def test_the_file_name_is_ascii(cast):
    cast.student.user.last_name = "Lefèvre-Brûlé"
    cast.student.user.first_name = "Chloé"
    cast.student.user.save(update_fields=["last_name", "first_name"])
    fiche = make_filled_fiche(cast.student)

    assert pdf_filename(fiche) == "fiche-E4-n1-lefevre-brule-chloe.pdf"
