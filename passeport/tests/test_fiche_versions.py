import pytest
from django.urls import reverse

from passeport.models import FicheVersion
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def test_it_lists_each_version_with_its_kind(cast, login):
    fiche = make_fiche(cast.student)
    for number, flags in [(1, {}), (2, {"is_autosave": True}), (2, {"is_conflict": True})]:
        FicheVersion.objects.create(fiche=fiche, number=number, title="T", author=cast.student.user, **flags)

    response = login(cast.teacher).get(reverse("passeport:fiche_versions", args=[fiche.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "enregistrement manuel" in page
    assert "enregistrement automatique" in page
    assert "copie de conflit" in page
    assert cast.student.user.display_name in page


def test_the_list_costs_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    fiche = make_fiche(cast.student)
    for number in range(1, 30):
        FicheVersion.objects.create(fiche=fiche, number=number, title="T", author=cast.student.user)
    client = login(cast.student)

    with django_assert_max_num_queries(12):
        client.get(reverse("passeport:fiche_versions", args=[fiche.pk]))


def test_another_student_gets_a_404(cast, login):
    fiche = make_fiche(cast.student)

    assert login(cast.student2).get(reverse("passeport:fiche_versions", args=[fiche.pk])).status_code == 404
