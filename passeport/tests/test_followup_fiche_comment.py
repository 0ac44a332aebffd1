"""A teacher comments one rubric of a fiche (recto, or one of its versos)."""

from django.urls import reverse

from audit.models import AuditEntry
from passeport.models import FicheComment
from tests.factories import make_fiche


def _url(fiche):
    return reverse("passeport:fiche_comment", args=[fiche.pk])


def _edit(fiche):
    return reverse("passeport:fiche_edit", args=[fiche.pk])


def test_it_records_the_comment_and_goes_back_to_the_rubric(cast, login):
    fiche = make_fiche(cast.student)
    response = login(cast.teacher).post(_url(fiche), {"rubric": "historique", "text": "Précisez la problématique."})
    assert response.status_code == 302
    assert response.url == _edit(fiche) + "#rubric-historique"
    comment = FicheComment.objects.get(fiche=fiche)
    assert (comment.rubric, comment.text, comment.author, comment.verso) == (
        "historique",
        "Précisez la problématique.",
        cast.teacher,
        None,
    )


def test_it_writes_an_audit_entry(cast, login):
    fiche = make_fiche(cast.student)
    login(cast.teacher).post(_url(fiche), {"rubric": "historique", "text": "Bien."})
    entry = AuditEntry.objects.get(action="fiche.commented")
    assert entry.actor == cast.teacher
    assert entry.object_id == str(fiche.pk)
    assert entry.establishment_id == cast.establishment.pk
    assert entry.changes["rubric"] == "historique"


def test_it_attaches_a_comment_to_a_verso_of_the_fiche(cast, login):
    fiche = make_fiche(cast.student)
    verso = fiche.versos.get()
    login(cast.teacher).post(_url(fiche), {"rubric": "demarche", "verso": verso.pk, "text": "Quelle cible ?"})
    assert FicheComment.objects.get(fiche=fiche).verso == verso


def test_a_comment_on_a_second_verso_goes_back_to_that_verso(cast, login):
    from passeport.models import FicheVerso

    fiche = make_fiche(cast.student)
    second = FicheVerso.objects.create(fiche=fiche, order=2, content={})
    response = login(cast.teacher).post(
        _url(fiche), {"rubric": "demarche", "verso": second.pk, "text": "Autre cible ?"}
    )
    assert response.url == _edit(fiche) + "#rubric-demarche-2"
    assert FicheComment.objects.get().verso == second


def test_it_refuses_a_rubric_that_is_not_on_the_form_in_french(cast, login):
    fiche = make_fiche(cast.student)
    client = login(cast.teacher)
    response = client.post(_url(fiche), {"rubric": "inventee", "text": "?"}, follow=True)
    assert not FicheComment.objects.exists()
    assert "Cette rubrique n&#x27;existe pas sur le modèle officiel de cette fiche." in response.content.decode()


def test_an_e6_rubric_code_is_checked_against_the_e6_form(cast, login):
    fiche = make_fiche(cast.student, exam_code="E6", kind_code="distributeurs", real_lived=True)
    client = login(cast.teacher)
    client.post(_url(fiche), {"rubric": "demarche", "text": "Rubrique E4 seulement."})
    assert not FicheComment.objects.exists()
    client.post(_url(fiche), {"rubric": "diagnostic", "text": "Diagnostic trop court."})
    assert FicheComment.objects.filter(fiche=fiche, rubric="diagnostic").exists()


def test_it_refuses_a_verso_of_another_fiche(cast, login):
    fiche = make_fiche(cast.student)
    other = make_fiche(cast.student, kind_code="evenement")
    response = login(cast.teacher).post(
        _url(fiche), {"rubric": "demarche", "verso": other.versos.get().pk, "text": "?"}, follow=True
    )
    assert not FicheComment.objects.exists()
    assert "Ce verso n&#x27;appartient pas à cette fiche." in response.content.decode()


def test_it_refuses_a_recto_rubric_on_a_verso(cast, login):
    fiche = make_fiche(cast.student)
    login(cast.teacher).post(_url(fiche), {"rubric": "historique", "verso": fiche.versos.get().pk, "text": "?"})
    assert not FicheComment.objects.exists()


def test_an_empty_comment_is_refused_and_the_teacher_goes_back_to_the_rubric(cast, login):
    fiche = make_fiche(cast.student)
    response = login(cast.teacher).post(_url(fiche), {"rubric": "historique", "text": "  "})
    assert response.url == _edit(fiche) + "#rubric-historique"
    assert not FicheComment.objects.exists()


def test_the_student_cannot_comment_their_own_fiche(cast, login):
    fiche = make_fiche(cast.student)
    assert login(cast.student).post(_url(fiche), {"rubric": "historique", "text": "Moi"}).status_code == 403
    assert not FicheComment.objects.exists()


def test_a_teacher_of_another_establishment_gets_a_404(cast, login):
    fiche = make_fiche(cast.student)
    assert login(cast.other_teacher).post(_url(fiche), {"rubric": "historique", "text": "?"}).status_code == 404


def test_get_is_not_allowed(cast, login):
    fiche = make_fiche(cast.student)
    assert login(cast.teacher).get(_url(fiche)).status_code == 405


def test_the_partial_renders_a_labelled_form_for_a_rubric(cast, rf):
    from django.template.loader import render_to_string

    from passeport.rubrics import fiche_definition

    fiche = make_fiche(cast.student)
    rubric = next(r for r in fiche_definition(fiche.forms_session, "E4").rubrics if r.code == "historique")
    html = render_to_string(
        "passeport/includes/rubric_comment_form.html", {"fiche": fiche, "rubric": rubric, "verso": None}
    )
    assert f'action="{_url(fiche)}"' in html
    assert 'name="rubric" value="historique"' in html
    assert "Commentaire sur « Historique/Problématique de l’activité »" in html
    assert 'name="verso"' not in html
    assert "Commenter" in html
