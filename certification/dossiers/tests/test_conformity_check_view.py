"""The commission's conformity check page: dossier summary, suggestions, form, history."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from certification.models import ConformityCheck
from tests.factories_certification_conformity import (
    CHECKED_ON,
    add_internship,
    deadline_of,
    good_dossier,
    make_check,
    make_conformity_commission,
    make_dossier,
)


def _url(dossier):
    return reverse("certification:conformity_check", args=[dossier.pk])


@pytest.fixture
def dossier(cast):
    make_conformity_commission(cast)
    return good_dossier(cast.student)


def _post(client, dossier, **data):
    payload = {"decision": "conforme", "checked_on": CHECKED_ON.isoformat(), "comment": ""}
    payload.update(data)
    return client.post(_url(dossier), payload)


def test_it_shows_the_dossier_and_internship_summary(cast, login, dossier):
    page = login(cast.teacher).get(_url(dossier)).content.decode()
    assert "Contrôle de conformité – E4 – Emma ÉTUDIANTE" in page
    assert "02412345678" in page
    assert f"{deadline_of(cast.student):%d/%m/%Y}" in page
    assert "Déposé le" in page
    assert "la durée est complète" in page
    assert "Aucun constat ne correspond" in page


def test_a_late_dossier_has_late_deposit_pre_ticked_and_nothing_decided(cast, login):
    make_conformity_commission(cast)
    after = timezone.now().replace(year=deadline_of(cast.student).year + 1)
    late = make_dossier(cast.student, submitted_at=after, internships=[add_internship(cast.student)])
    response = login(cast.teacher).get(_url(late))
    page = response.content.decode()
    assert "Dépôt tardif" in page
    assert response.context["form"]["nv_reasons"].value() == ["late_deposit"]
    ticked = re.findall(r'<input type="checkbox" name="nv_reasons" value="(\w+)"[^>]* checked', page)
    assert ticked == ["late_deposit"]
    assert response.context["form"]["decision"].value() is None
    assert not ConformityCheck.objects.exists()


def test_the_reasons_carry_the_wording_of_the_exam(cast, login):
    make_conformity_commission(cast, "E6")
    e6 = good_dossier(cast.student, "E6")
    page = login(cast.teacher).get(_url(e6)).content.decode()
    assert "Absence de dépôt de dossier à la date fixée par les autorités académiques" in page
    assert "Dépôt du dossier au-delà de la date fixée par la circulaire d’organisation de l’examen" in page
    assert "Absence de dépôt de dossier à la date fixée par l’autorité académique" not in page


@time_machine.travel(datetime.datetime(2027, 3, 2, 10, tzinfo=datetime.UTC), tick=False)
def test_the_date_of_the_check_defaults_to_today(cast, login, dossier):
    response = login(cast.teacher).get(_url(dossier))
    assert response.context["form"]["checked_on"].value() == datetime.date(2027, 3, 2)


def test_recording_an_nv_decision_creates_a_check_and_an_audit_entry(cast, login, dossier):
    response = _post(login(cast.teacher), dossier, decision="nv", nv_reasons=["unsigned"], comment="Pas de visa.")
    assert response.status_code == 302
    assert response.url == _url(dossier)
    check = ConformityCheck.objects.get()
    assert (check.decision, check.nv_reasons, check.comment, check.decided_by) == (
        "nv",
        ["unsigned"],
        "Pas de visa.",
        cast.teacher,
    )
    assert AuditEntry.objects.filter(action="conformity.recorded", object_id=str(dossier.pk)).count() == 1


def test_an_administrator_records_a_check_when_the_commission_exists(cast, login, dossier):
    assert _post(login(cast.admin), dossier, decision="reserve").status_code == 302
    assert ConformityCheck.objects.get().decided_by == cast.admin


def test_nv_without_reason_is_refused_with_a_french_message(cast, login, dossier):
    response = _post(login(cast.teacher), dossier, decision="nv")
    assert response.status_code == 200
    assert "Une décision NV doit indiquer au moins un motif" in response.content.decode()
    assert not ConformityCheck.objects.exists()


def test_reasons_are_refused_for_a_conforme_decision(cast, login, dossier):
    response = _post(login(cast.teacher), dossier, decision="conforme", nv_reasons=["late_deposit"])
    assert response.status_code == 200
    assert "ne s&#x27;appliquent qu&#x27;à une décision NV" in response.content.decode()
    assert not ConformityCheck.objects.exists()


def test_a_date_in_the_future_is_refused(cast, login, dossier):
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    response = _post(login(cast.teacher), dossier, checked_on=tomorrow.isoformat())
    assert response.status_code == 200
    assert "ne peut pas être postérieure" in response.content.decode()
    assert not ConformityCheck.objects.exists()


def test_reserved_then_conforme_shows_both_in_the_history(cast, login, dossier):
    client = login(cast.teacher)
    _post(client, dossier, decision="reserve", comment="Attestation à vérifier auprès de l'entreprise.")
    _post(client, dossier, decision="conforme")
    response = client.get(_url(dossier))
    history = [check.decision for check, _ in response.context["history"]]
    assert history == ["conforme", "reserve"]
    page = response.content.decode()
    assert "Attestation à vérifier" in page
    assert "en vigueur" in page


def test_the_history_links_an_nv_decision_to_its_notification(cast, login, dossier):
    check = make_check(dossier, cast.teacher, reasons=["late_deposit"])
    page = login(cast.teacher).get(_url(dossier)).content.decode()
    assert reverse("certification:nv_notification", args=[check.pk]) in page
    assert "Dépôt du dossier au-delà de la date fixée par l’autorité académique" in page


def test_a_teacher_of_the_establishment_outside_the_commission_gets_403(cast, login, dossier):
    assert login(cast.teacher2).get(_url(dossier)).status_code == 403
    assert _post(login(cast.teacher2), dossier).status_code == 403
    assert not ConformityCheck.objects.exists()


def test_the_student_cannot_record_a_check_on_their_own_dossier(cast, login, dossier):
    assert _post(login(cast.student), dossier).status_code == 403
    assert not ConformityCheck.objects.exists()
