"""dossier_late_deposit: only an administrator of the establishment records a late deposit (date and reason)."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from certification.dossiers.services.dossiers import submit_dossier
from certification.models import DossierState
from tests.factories_certification_dossiers import complete_dossier, deadline_of

PARIS = ZoneInfo("Europe/Paris")


def _url(dossier) -> str:
    return reverse("certification:dossier_late_deposit", args=[dossier.pk])


def test_the_administrator_records_it_and_the_dossier_is_flagged(cast, login):
    dossier = complete_dossier(cast.student)
    deadline = deadline_of(cast.student)
    later = deadline + datetime.timedelta(days=4)
    with time_machine.travel(datetime.datetime.combine(later, datetime.time(9), tzinfo=PARIS), tick=False):
        response = login(cast.admin).post(
            _url(dossier), {"deposit_date": later.isoformat(), "reason": "Dossier remis au secrétariat."}, follow=True
        )

    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.late_deposit_date == later
    assert dossier.late_deposit_reason == "Dossier remis au secrétariat."
    assert all(item.version_id for item in dossier.items.all())
    content = response.content.decode()
    assert "Dépôt tardif" in content
    assert "Dossier remis au secrétariat." in content
    student_page = login(cast.student).get(reverse("certification:dossier_list", args=[cast.student.pk]))
    assert "Dépôt tardif" in student_page.content.decode()


def test_the_reason_is_required(cast, login):
    dossier = complete_dossier(cast.student)

    response = login(cast.admin).post(_url(dossier), {"deposit_date": "2026-01-05", "reason": " "})

    assert response.status_code == 200
    assert "Indiquez le motif du dépôt tardif." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_the_date_cannot_be_in_the_future(cast, login):
    dossier = complete_dossier(cast.student)

    with time_machine.travel(datetime.datetime(2027, 5, 1, 12, tzinfo=PARIS), tick=False):
        response = login(cast.admin).post(_url(dossier), {"deposit_date": "2027-05-02", "reason": "x"})

    assert "ne peut pas être dans le futur" in response.content.decode()


def test_a_deposited_dossier_sends_back_to_its_page(cast, login):
    dossier = complete_dossier(cast.student)
    submit_dossier(dossier=dossier, actor=cast.student.user)

    response = login(cast.admin).get(_url(dossier))

    assert response.status_code == 302
    assert response.url == reverse("certification:dossier_detail", args=[dossier.pk])


def test_a_teacher_gets_a_403(cast, login):
    dossier = complete_dossier(cast.student)

    assert login(cast.teacher).post(_url(dossier), {"deposit_date": "2026-01-05", "reason": "x"}).status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_another_establishment_gets_a_404(cast, login):
    dossier = complete_dossier(cast.other_student)

    assert login(cast.admin).get(_url(dossier)).status_code == 404
