"""dossier_edit: the student selects fiches (E4: fiche and verso pairs) and periods; staff read; defects warn."""

import pytest
from django.urls import reverse

from certification.dossiers.services.dossiers import submit_dossier
from certification.models import Dossier, DossierState
from tests.factories import make_fiche
from tests.factories_certification_dossiers import complete_dossier, e4_fiches, e6_fiches, make_internship


def _url(student, code="E4") -> str:
    return reverse("certification:dossier_edit", args=[student.pk, code])


def _key(fiche, verso=None) -> str:
    verso = verso or fiche.versos.order_by("order").first()
    return f"{fiche.pk}-{verso.pk}" if verso else str(fiche.pk)


def test_it_offers_each_verso_of_an_e4_fiche_as_a_choice(cast, login):
    fiche = make_fiche(cast.student, title="Contrat")
    second = fiche.versos.create(order=2, content={})

    content = login(cast.student).get(_url(cast.student)).content.decode()

    assert f'value="{_key(fiche)}"' in content
    assert f'value="{fiche.pk}-{second.pk}"' in content
    assert "(verso 2)" in content


def test_it_offers_only_the_fiches_of_the_exam(cast, login):
    e6 = e6_fiches(cast.student)[0]
    e4 = make_fiche(cast.student)

    content = login(cast.student).get(_url(cast.student, "E6")).content.decode()

    assert f'value="{e6.pk}"' in content
    assert f'value="{_key(e4)}"' not in content


def test_the_first_save_creates_the_draft(cast, login):
    nego, event = e4_fiches(cast.student)
    period = make_internship(cast.student)

    response = login(cast.student).post(
        _url(cast.student), {"fiches": [_key(nego), _key(event)], "internships": [period.pk]}
    )

    assert response.status_code == 302
    dossier = Dossier.objects.get(student=cast.student, exam__code="E4")
    assert dossier.state == DossierState.DRAFT
    assert [i.fiche for i in dossier.items.order_by("order")] == [nego, event]
    assert [a.internship for a in dossier.attestations.all()] == [period]


def test_defects_are_shown_and_never_block_the_save(cast, login):
    one = make_fiche(cast.student, kind_code="nego-vente")
    two = make_fiche(cast.student, kind_code="nego-vente")
    client = login(cast.student)

    response = client.post(_url(cast.student), {"fiches": [_key(one), _key(two)]}, follow=True)

    assert Dossier.objects.get(student=cast.student).items.count() == 2
    content = response.content.decode()
    assert "défaut(s) de composition" in content
    assert (
        "Défauts de composition : ils ne bloquent pas le dépôt, la commission en tiendra compte dans la grille."
        in content
    )
    assert "de même nature" in content
    assert "Aucune période en entreprise n&#x27;est jointe" in content
    assert "Déposer le dossier E4" in content


def test_a_fiche_of_another_student_is_not_a_valid_choice(cast, login):
    other = make_fiche(cast.student2)

    response = login(cast.student).post(_url(cast.student), {"fiches": [_key(other)]})

    assert response.status_code == 200
    assert not Dossier.objects.exists()


def test_a_deposited_dossier_is_read_only_and_shows_the_frozen_text(cast, login):
    dossier = complete_dossier(cast.student)
    submit_dossier(dossier=dossier, actor=cast.student.user)
    fiche = dossier.items.first().fiche
    fiche.recto = {code: "Modifié après le dépôt" for code in fiche.recto}
    fiche.save()
    client = login(cast.student)

    content = client.get(_url(cast.student)).content.decode()
    response = client.post(_url(cast.student), {"fiches": []}, follow=True)

    assert "Texte de la rubrique" in content
    assert "Modifié après le dépôt" not in content
    assert 'name="fiches"' not in content
    assert "il ne peut plus être modifié" in response.content.decode()
    assert dossier.items.count() == 2


def test_staff_read_without_a_form(cast, login):
    complete_dossier(cast.student)

    response = login(cast.teacher).get(_url(cast.student))

    assert response.status_code == 200
    assert 'name="fiches"' not in response.content.decode()
    assert "Texte de la rubrique" in response.content.decode()


def test_staff_cannot_save(cast, login):
    response = login(cast.admin).post(_url(cast.student), {"fiches": []})

    assert response.status_code == 403
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("code", ["E5", "E1", "e4"])
def test_an_exam_outside_the_ccf_is_a_404(cast, login, code):
    assert login(cast.student).get(_url(cast.student, code)).status_code == 404


def test_another_student_gets_a_404(cast, login):
    assert login(cast.student2).get(_url(cast.student)).status_code == 404
    assert login(cast.student2).post(_url(cast.student), {}).status_code == 404


def test_a_period_without_its_file_is_marked_in_the_choices(cast, login):
    make_internship(cast.student, with_file=False, organisation="Magasin")

    content = login(cast.student).get(_url(cast.student)).content.decode()

    assert "Magasin, du 04/05/2026 au 26/06/2026 — attestation manquante" in content
