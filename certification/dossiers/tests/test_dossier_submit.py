"""dossier_submit: the student deposits before the deadline; a late attempt is refused with a French message."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from certification.models import DossierState
from tests.factories_certification_dossiers import complete_dossier, deadline_of

PARIS = ZoneInfo("Europe/Paris")


def _post(client, dossier, **kwargs):
    return client.post(reverse("certification:dossier_submit", args=[dossier.pk]), **kwargs)


def _day(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS), tick=False)


def test_it_deposits_and_freezes(cast, login):
    dossier = complete_dossier(cast.student)

    with _day(deadline_of(cast.student) - datetime.timedelta(days=1)):
        response = _post(login(cast.student), dossier, follow=True)

    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert all(item.version_id for item in dossier.items.all())
    assert "Dossier E4 déposé" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("certification:dossier_edit", args=[cast.student.pk, "E4"])


def test_a_second_submit_says_so(cast, login):
    dossier = complete_dossier(cast.student)
    client = login(cast.student)
    _post(client, dossier)

    response = _post(client, dossier, follow=True)

    assert "déjà déposé" in response.content.decode()


def test_after_the_deadline_it_is_refused_with_a_message(cast, login):
    dossier = complete_dossier(cast.student)
    deadline = deadline_of(cast.student)

    with _day(deadline + datetime.timedelta(days=1)):
        response = _post(login(cast.student), dossier, follow=True)

    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    assert (
        f"La date limite de dépôt du {deadline:%d/%m/%Y} est passée : "
        "adressez-vous à l&#x27;administration de votre établissement."
    ) in response.content.decode()


def test_staff_cannot_deposit(cast, login):
    dossier = complete_dossier(cast.student)

    assert _post(login(cast.teacher), dossier).status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_it_only_accepts_post(cast, login):
    dossier = complete_dossier(cast.student)

    assert login(cast.student).get(reverse("certification:dossier_submit", args=[dossier.pk])).status_code == 405
