"""rooms: the establishment's staff list and add the rooms of the passages."""

from django.urls import reverse

from certification.models import Room


def url(establishment):
    return reverse("certification:rooms", args=[establishment.pk])


def test_a_teacher_adds_a_room(cast, login):
    response = login(cast.teacher).post(url(cast.establishment), {"name": "  B12 "})

    assert response.status_code == 302
    assert list(Room.objects.values_list("name", flat=True)) == ["B12"]


def test_a_duplicate_is_refused_with_a_french_message(cast, login):
    Room.objects.create(establishment=cast.establishment, name="B12")

    response = login(cast.admin).post(url(cast.establishment), {"name": "b12"})

    assert response.status_code == 200
    assert "La salle « b12 » existe déjà." in response.content.decode()
    assert Room.objects.count() == 1


def test_another_establishment_gets_a_404(cast, login):
    assert login(cast.other_teacher).get(url(cast.establishment)).status_code == 404
