"""step_create: a dated step of situation A or B."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from certification.models import SituationStep
from tests.factories_certification_commissions import make_commission


def url(commission):
    return reverse("certification:step_create", args=[commission.pk])


def test_it_adds_a_second_dated_step_to_situation_a(cast, login):
    commission = make_commission(cast)

    response = login(cast.teacher).post(
        url(commission), {"situation": "A", "date": "2027-01-15", "label": "1re étape : fin du semestre"}
    )

    assert response.status_code == 302
    steps = SituationStep.objects.filter(situation__commission=commission, situation__code="A")
    assert [s.date.isoformat() for s in steps] == ["2027-01-15", "2027-05-20"]
    assert steps[0].label == "1re étape : fin du semestre"


def test_it_explains_a_missing_date(cast, login):
    commission = make_commission(cast)

    response = login(cast.teacher).post(url(commission), {"situation": "B", "date": ""})

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages[0].startswith("Étape non ajoutée")
    assert SituationStep.objects.filter(situation__commission=commission).count() == 2


def test_it_refuses_the_same_day_twice(cast, login):
    commission = make_commission(cast)

    response = login(cast.teacher).post(url(commission), {"situation": "B", "date": "2027-06-03"})

    assert "déjà une étape" in str(list(get_messages(response.wsgi_request))[0])


def test_a_student_gets_a_404(cast, login):
    commission = make_commission(cast)

    assert login(cast.student).post(url(commission), {"situation": "A", "date": "2027-01-15"}).status_code == 404


@pytest.mark.parametrize("day", ["1900-01-01", "9999-12-31", "2024-06-01"])
def test_a_date_outside_the_sessions_two_years_is_refused_in_french(cast, login, day):
    commission = make_commission(cast, with_steps=False)
    response = login(cast.teacher).post(
        reverse("certification:step_create", args=[commission.pk]),
        {"situation": "A", "date": day, "label": ""},
        follow=True,
    )
    assert "est hors de la Session 2027 : choisissez une date entre le 01/09/2025 et le 31/12/2027." in (
        response.content.decode()
    )
    assert not SituationStep.objects.exists()
