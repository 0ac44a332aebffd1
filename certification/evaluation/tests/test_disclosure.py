"""The formal-request disclosure of a candidate's grid: administrators only, after deliberation, logged."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEntry
from tests.confidentiality import assert_has_certifying_content
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_sheets import released_commission

REQUEST = {
    "requested_on": "2027-07-03",
    "requester": "candidate",
    "requester_name": "",
    "reference": "Courrier recommandé du 3 juillet",
}


@pytest.fixture(autouse=True)
def _after_the_session():
    with time_machine.travel(datetime.datetime(2027, 7, 10, 12, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


def _url(commission, student):
    return reverse("certification:grid_disclosure", args=[commission.pk, student.pk])


def test_an_administrator_gets_the_grid_as_an_attachment_and_it_is_logged(cast, login):
    commission = released_commission(cast)
    response = login(cast.admin).post(_url(commission, cast.student), REQUEST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "ÉTUDIANTE" in text
    assert_has_certifying_content(text)  # the official grid, legend and confidentiality sentence included
    assert "grille-E4-etudiante-emma.pdf" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="grid.disclosed")
    assert entry.actor == cast.admin
    assert entry.changes["requested_on"] == "2027-07-03"
    assert entry.changes["reference"] == "Courrier recommandé du 3 juillet"
    assert entry.changes["student_id"] == cast.student.pk


def test_nothing_is_disclosed_before_the_deliberation(cast, login):
    commission = make_commission(cast)
    response = login(cast.admin).post(_url(commission, cast.student), REQUEST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "après la délibération du jury" in response.content.decode()
    assert not AuditEntry.objects.filter(action="grid.disclosed").exists()


def test_a_representative_must_be_named(cast, login):
    commission = released_commission(cast)
    response = login(cast.admin).post(_url(commission, cast.student), {**REQUEST, "requester": "representative"})
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action="grid.disclosed").exists()


def test_a_member_who_is_not_an_administrator_cannot_disclose(cast, login):
    commission = released_commission(cast)
    assert login(cast.teacher).post(_url(commission, cast.student), REQUEST).status_code == 403
    assert not AuditEntry.objects.filter(action="grid.disclosed").exists()
