"""The jury's deliberation: recorded once by an administrator of the establishment, audited as the release."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from certification.models import CandidateResult, Deliberation
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_sheets import make_result, make_sheet, sign


@pytest.fixture(autouse=True)
def _after_the_session():
    with time_machine.travel(datetime.datetime(2027, 7, 10, 12, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


def _url(commission):
    return reverse("certification:deliberation", args=[commission.pk])


def _final(commission, cast) -> None:
    """Every candidate of the cohort with a final status: cast.student a signed (locked) mark, cast.student2 NV."""
    from certification.evaluation.services.locking import lock

    make_result(commission, cast.student)
    sign(make_sheet(commission, cast.student), commission.members.get())
    lock(commission, cast.student, actor=cast.teacher)
    make_result(commission, cast.student2, mark=None, status="nv")


def test_an_administrator_records_the_deliberation_and_it_is_audited(cast, login):
    commission = make_commission(cast)
    _final(commission, cast)
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
    _final(commission, cast)
    client = login(cast.admin)
    client.post(_url(commission), {"deliberated_on": "2027-06-20"})
    response = client.post(_url(commission), {"deliberated_on": "2027-06-25"}, follow=True)
    assert "était déjà enregistrée" in response.content.decode()
    assert Deliberation.objects.get(commission=commission).deliberated_on == datetime.date(2027, 6, 20)
    assert AuditEntry.objects.filter(action="commission.released").count() == 1


def test_it_refuses_while_a_sheet_is_unsigned_and_names_the_candidate(cast, login):
    commission = make_commission(cast)
    _final(commission, cast)
    CandidateResult.objects.filter(student=cast.student2).update(status="mark", mark=12)
    html = login(cast.admin).get(_url(commission)).content.decode()
    assert "Lucas ÉTUDIANT : la fiche d&#x27;évaluation n&#x27;est pas signée par le jury." in html
    response = login(cast.admin).post(_url(commission), {"deliberated_on": "2027-06-20"})
    assert response.status_code == 200
    assert "La délibération ne peut pas encore être enregistrée." in response.content.decode()
    assert not Deliberation.objects.exists()
    assert not AuditEntry.objects.filter(action="commission.released").exists()


@pytest.mark.parametrize(
    ("status", "mark", "expected"),
    [
        ("pending", None, "pas encore de note ni de statut"),
        ("reserved", None, "note réservée"),
    ],
)
def test_a_candidate_without_a_final_status_blocks_it(cast, login, status, mark, expected):
    commission = make_commission(cast)
    _final(commission, cast)
    CandidateResult.objects.filter(student=cast.student2).update(status=status, mark=mark)
    response = login(cast.admin).post(_url(commission), {"deliberated_on": "2027-06-20"})
    assert expected in response.content.decode()
    assert not Deliberation.objects.exists()


def test_it_cannot_be_dated_before_the_last_situation(cast, login):
    commission = make_commission(cast)
    _final(commission, cast)
    # Situation B is dated 3 June 2027 (make_commission).
    response = login(cast.admin).post(_url(commission), {"deliberated_on": "2027-06-02"})
    assert response.status_code == 200
    assert "la dernière situation a lieu le 03/06/2027" in response.content.decode()
    assert not Deliberation.objects.exists()


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
