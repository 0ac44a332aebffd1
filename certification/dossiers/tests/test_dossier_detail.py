"""dossier_detail: the deposited dossier as frozen, with its attestations, defects, late flag and dates."""

from django.urls import reverse

from certification.commissions.services.commissions import create_commission
from certification.dossiers.services.dossiers import submit_dossier
from certification.models import CommissionMember
from tests.factories_certification_dossiers import complete_dossier, make_dossier


def _url(dossier) -> str:
    return reverse("certification:dossier_detail", args=[dossier.pk])


def test_staff_read_the_frozen_text_and_the_attestations(cast, login):
    dossier = complete_dossier(cast.student)
    submit_dossier(dossier=dossier, actor=cast.student.user)
    fiche = dossier.items.first().fiche
    fiche.title = "Titre modifié après le dépôt"
    fiche.save()
    period = dossier.attestations.get().internship

    content = login(cast.teacher).get(_url(dossier)).content.decode()

    assert "Négociation d&#x27;un contrat" in content
    assert "Titre modifié après le dépôt" not in content
    assert "Texte déposé (version figée)" in content
    assert reverse("passeport:internship_attestation", args=[period.pk]) in content
    assert reverse("certification:conformity_check", args=[dossier.pk]) in content
    assert "Aucun défaut de composition" in content
    assert "Déposé le" in content


def test_rubric_labels_come_from_the_official_form(cast, login):
    from passeport.rubrics import fiche_definition

    dossier = complete_dossier(cast.student)
    submit_dossier(dossier=dossier, actor=cast.student.user)
    form = fiche_definition(cast.session.forms_session, "E4")

    content = login(cast.student).get(_url(dossier)).content.decode()

    assert form.part("recto")[0].label.split("'")[0] in content


def test_the_student_does_not_see_the_conformity_link(cast, login):
    dossier = complete_dossier(cast.student)

    content = login(cast.student).get(_url(dossier)).content.decode()

    assert reverse("certification:conformity_check", args=[dossier.pk]) not in content
    assert "Enregistrer un dépôt tardif" not in content


def test_the_administrator_sees_the_late_deposit_link_of_a_draft(cast, login):
    dossier = make_dossier(cast.student)

    content = login(cast.admin).get(_url(dossier)).content.decode()

    assert reverse("certification:dossier_late_deposit", args=[dossier.pk]) in content
    assert "pas encore déposé" in content
    assert "ils ne bloquent pas le dépôt" in content


def test_a_commission_professional_reads_it(cast, login):
    dossier = complete_dossier(cast.student)
    commission = create_commission(
        session=cast.session, exam_code="E4", cohort=cast.cohort, number="1", responsible=cast.teacher, actor=cast.admin
    )
    CommissionMember.objects.create(
        commission=commission, user=cast.professional, role="professional", carries_responsibility=False
    )

    response = login(cast.professional).get(_url(dossier))

    assert response.status_code == 200
    assert reverse("certification:conformity_check", args=[dossier.pk]) not in response.content.decode()


def test_another_student_gets_a_404(cast, login):
    dossier = complete_dossier(cast.student)

    assert login(cast.student2).get(_url(dossier)).status_code == 404
