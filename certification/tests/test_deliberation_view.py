"""The jury's deliberation: recorded once by an administrator of the establishment, audited as the release."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from certification.models import Deliberation
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_sheets import make_result, make_sheet, sign


@pytest.fixture(autouse=True)
def _after_the_session():
    with time_machine.travel(datetime.datetime(2027, 7, 10, 12, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


def _url(commission):
    return reverse("certification:deliberation", args=[commission.pk])


def test_an_administrator_records_the_deliberation_and_it_is_audited(cast, login):
    commission = make_commission(cast)
    response = login(cast.admin).post(_url(commission), {"deliberated_on": "2027-06-20"})
    assert response.status_code == 302
    deliberation = Deliberation.objects.get(commission=commission)
    assert deliberation.deliberated_on == datetime.date(2027, 6, 20)
    assert deliberation.recorded_by == cast.admin
    entry = AuditEntry.objects.get(action="commission.released")
    assert entry.actor == cast.admin
    assert entry.changes["deliberated_on"] == "2027-06-20"


def test_a_second_recording_changes_nothing(cast, login):
    commission = make_commission(cast)
    client = login(cast.admin)
    client.post(_url(commission), {"deliberated_on": "2027-06-20"})
    response = client.post(_url(commission), {"deliberated_on": "2027-06-25"}, follow=True)
    assert "était déjà enregistrée" in response.content.decode()
    assert Deliberation.objects.get(commission=commission).deliberated_on == datetime.date(2027, 6, 20)
    assert AuditEntry.objects.filter(action="commission.released").count() == 1


def test_it_warns_about_candidates_without_a_signed_sheet_without_blocking(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student)
    sign(make_sheet(commission, cast.student), commission.members.get())
    from certification.locking import lock

    lock(commission, cast.student, actor=cast.teacher)
    html = login(cast.admin).get(_url(commission)).content.decode()
    assert "1 candidat(s) sans fiche d'évaluation signée" in html
    assert "Lucas ÉTUDIANT" in html
    response = login(cast.admin).post(_url(commission), {"deliberated_on": "2027-06-20"})
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="commission.released").changes["unsigned_candidates"] == ["Lucas ÉTUDIANT"]


def test_a_date_in_the_future_is_refused(cast, login):
    commission = make_commission(cast)
    response = login(cast.admin).post(_url(commission), {"deliberated_on": "2999-01-01"})
    assert response.status_code == 200
    assert not Deliberation.objects.exists()


def test_a_member_who_is_not_an_administrator_is_refused(cast, login):
    commission = make_commission(cast)
    response = login(cast.teacher).post(_url(commission), {"deliberated_on": "2027-06-20"})
    assert response.status_code == 403
    assert not Deliberation.objects.exists()
