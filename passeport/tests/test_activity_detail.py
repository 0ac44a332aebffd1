"""The activity page: everything recorded, the evidence, the fiches, and the actions each person may take."""

from django.urls import reverse
from django.utils import timezone

from tests.factories import criteria, make_activity, make_fiche


def _url(activity):
    return reverse("passeport:activity_detail", args=[activity.pk])


def test_it_shows_the_activity_its_criteria_participants_and_fiches(cast, login):
    activity = make_activity(cast.student, title="Salon de l'habitat")
    activity.criteria.add(criteria(cast.student, "E4")[0])
    activity.participants.add(cast.student2)
    fiche = make_fiche(cast.student, activity=activity, title="Fiche du salon")
    page = login(cast.student).get(_url(activity)).content.decode()
    assert "Salon de l&#x27;habitat" in page
    assert "1. Analyser un portefeuille client" in page
    assert cast.student2.user.display_name in page
    assert reverse("passeport:fiche_edit", args=[fiche.pk]) in page
    assert reverse("passeport:fiche_create", args=[activity.pk]) in page
    assert "Ajouter des preuves" in page
    assert "Valider en formation" not in page


def test_a_teacher_sees_the_validation_button_but_no_author_actions(cast, login):
    activity = make_activity(cast.student)
    page = login(cast.teacher).get(_url(activity)).content.decode()
    assert reverse("passeport:activity_validate", args=[activity.pk]) in page
    assert "Valider en formation" in page
    assert "Ajouter des preuves" not in page
    assert reverse("passeport:fiche_create", args=[activity.pk]) not in page


def test_a_validated_activity_says_so_and_offers_no_second_validation(cast, login):
    activity = make_activity(cast.student, validated_at=timezone.now(), validated_by=cast.teacher)
    page = login(cast.teacher).get(_url(activity)).content.decode()
    assert "Validée en formation le" in page
    assert cast.teacher.display_name in page
    assert ">Valider en formation<" not in page
    assert "Retirer la validation" in page


def test_a_professional_who_follows_the_student_reads_it_without_actions(cast, login):
    activity = make_activity(cast.student)
    response = login(cast.professional).get(_url(activity))
    assert response.status_code == 200
    assert "Valider en formation" not in response.content.decode()


def test_a_participant_does_not_see_the_authors_activity(cast, login):
    activity = make_activity(cast.student)
    activity.participants.add(cast.student2)
    assert login(cast.student2).get(_url(activity)).status_code == 404


def test_the_page_has_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    activity = make_activity(cast.student)
    activity.criteria.add(*criteria(cast.student, "E4"))
    client = login(cast.teacher)
    with django_assert_max_num_queries(20):
        client.get(_url(activity))
