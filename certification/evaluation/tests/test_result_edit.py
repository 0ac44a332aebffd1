"""One candidate's result: the global profile (proposed, editable), the status and the mark."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from certification.models import CandidateResult, ConformityCheck, Dossier
from tests.factories_certification_conformity import CHECKED_ON
from tests.factories_certification_marks import (
    agree_grid,
    competencies_of,
    make_marks_commission,
    make_result,
    profile_of,
)


@pytest.fixture
def commission(cast):
    return make_marks_commission(cast, markable=True)


def url(commission, student):
    return reverse("certification:result_edit", args=[commission.pk, student.pk])


def data(commission, profile="S-S-NE-S", *, status="mark", mark="12", reason="", version=0) -> dict:
    values = {"status": status, "mark": mark, "absent_reason": reason, "version": str(version)}
    for competency, code in zip(competencies_of(commission), profile.split("-"), strict=True):
        if code != "NE":
            values[f"competence_{competency.pk}"] = "" if code == "?" else code
    return values


def test_the_form_starts_from_the_grid_proposal(cast, login, commission):
    agree_grid(commission, cast.student, "S-TS-NE-S")
    response = login(cast.teacher).get(url(commission, cast.student))
    assert response.status_code == 200
    form = response.context["form"]
    first = competencies_of(commission)[1]
    assert form[f"competence_{first.pk}"].value() == "TS"
    assert form["mark"].value() is None
    assert "Proposition tirée de la grille commune" in response.content.decode()


def test_it_saves_the_edited_profile_and_the_mark(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    response = login(cast.teacher).post(url(commission, cast.student), data(commission, "TS-S-NE-S", mark="14,5"))
    assert response.status_code == 302
    assert response.url == reverse("certification:profiles", args=[commission.pk]) + "#messages"
    result = CandidateResult.objects.get(commission=commission, student=cast.student)
    assert result.profile == profile_of(commission, "TS-S-NE-S")
    assert (result.status, result.mark, result.version) == ("mark", Decimal("14.5"), 1)
    entry = AuditEntry.objects.get(action="result.updated")
    assert "profile" in entry.changes and "mark" in entry.changes


def test_the_mark_is_checked_against_the_session_step(cast, login, commission):
    response = login(cast.teacher).post(url(commission, cast.student), data(commission, mark="12,3"))
    assert response.status_code == 200
    assert "au demi-point" in response.content.decode()
    assert not CandidateResult.objects.exists()


def test_absent_requires_a_reason_and_comes_only_from_a_recorded_absence(cast, login, commission):
    client = login(cast.teacher)
    response = client.post(url(commission, cast.student), data(commission, status="absent", mark=""))
    assert "Indiquez le motif de l&#x27;absence." in response.content.decode()
    response = client.post(url(commission, cast.student), data(commission, status="absent", mark="", reason="Malade"))
    assert response.status_code == 409
    assert "se déduit d&#x27;une absence non justifiée enregistrée" in response.content.decode()
    assert not CandidateResult.objects.exists()


def test_an_nv_dossier_is_shown_with_a_warning_when_the_status_is_not_nv(cast, login, commission):
    dossier = Dossier.objects.get(student=cast.student, exam=commission.exam)
    ConformityCheck.objects.create(
        dossier=dossier, decision="nv", nv_reasons=["no_deposit"], checked_on=CHECKED_ON, decided_by=cast.teacher
    )
    client = login(cast.teacher)
    html = client.get(url(commission, cast.student)).content.decode()
    assert "non valide (NV)" in html
    assert "son statut devrait être « NV »" in html
    make_result(commission, cast.student, status="nv")
    assert "son statut devrait être" not in client.get(url(commission, cast.student)).content.decode()


def test_a_locked_result_is_read_only_and_refused(cast, login, commission):
    result = make_result(commission, cast.student, profile="S-S-NE-S", mark="12", locked=True)
    client = login(cast.teacher)
    html = client.get(url(commission, cast.student)).content.decode()
    assert "profil et note sont en lecture seule" in html
    assert "Rouvrir avec un motif" in html
    response = client.post(url(commission, cast.student), data(commission, mark="15", version=result.version))
    assert response.status_code == 409
    assert "grille et note sont verrouillées" in response.content.decode()
    result.refresh_from_db()
    assert result.mark == Decimal(12)


def test_a_stale_version_is_a_conflict_and_keeps_the_input(cast, login, commission):
    result = make_result(commission, cast.student, mark="12")
    result.version = 3
    result.save()
    response = login(cast.teacher).post(url(commission, cast.student), data(commission, mark="16", version=1))
    assert response.status_code == 409
    assert "pendant votre saisie" in response.content.decode()
    assert response.context["form"]["mark"].value() == "16"
    assert response.context["form"]["version"].value() == "3"
    result.refresh_from_db()
    assert result.mark == Decimal(12)


def test_an_administrator_reads_but_does_not_write(cast, login, commission):
    client = login(cast.admin)
    response = client.get(url(commission, cast.student))
    assert response.status_code == 200
    assert "Lecture seule" in response.content.decode()
    assert client.post(url(commission, cast.student), data(commission)).status_code == 403


def test_a_student_of_another_cohort_is_not_found(cast, login, commission):
    assert login(cast.teacher).get(url(commission, cast.other_student)).status_code == 404


def test_the_range_of_the_profile_is_shown_as_context_never_as_a_mark(cast, login, commission):
    from tests.factories_certification_marks import make_range

    agree_grid(commission, cast.student, "S-S-NE-S")
    make_range(commission, "S-S-NE-S", "12", "14.5")
    response = login(cast.teacher).get(url(commission, cast.student))
    assert "de 12 à 14,5" in response.content.decode()
    assert response.context["form"]["mark"].value() is None
