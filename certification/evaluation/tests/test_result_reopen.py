"""Reopening a signed result: the responsible member only, with a reason; signatures are voided (audited)."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from certification.models import CandidateResult
from tests.factories_certification_marks import make_marks_commission, make_result


@pytest.fixture
def commission(cast):
    return make_marks_commission(cast, markable=True)


def url(commission, student):
    return reverse("certification:result_reopen", args=[commission.pk, student.pk])


def test_the_responsible_member_reopens_with_a_reason(cast, login, commission):
    make_result(commission, cast.student, mark="12", locked=True)
    client = login(cast.teacher)
    assert client.get(url(commission, cast.student)).status_code == 200
    response = client.post(url(commission, cast.student), {"reason": "Erreur de saisie de la note"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("certification:profiles", args=[commission.pk])
    assert "rouvert" in response.content.decode()
    assert CandidateResult.objects.get().locked_at is None
    entry = AuditEntry.objects.get(action="result.reopened")
    assert entry.changes["reason"] == "Erreur de saisie de la note"


def test_a_reason_is_required(cast, login, commission):
    make_result(commission, cast.student, mark="12", locked=True)
    response = login(cast.teacher).post(url(commission, cast.student), {"reason": "  "})
    assert response.status_code == 200
    assert "Indiquez le motif de la réouverture." in response.content.decode()
    assert CandidateResult.objects.get().locked_at is not None


def test_another_member_may_not_reopen(cast, login, commission):
    make_result(commission, cast.student, mark="12", locked=True)
    response = login(cast.teacher2).post(url(commission, cast.student), {"reason": "Je voudrais"})
    assert response.status_code == 403
    assert CandidateResult.objects.get().locked_at is not None


def test_an_administrator_may_not_reopen_either(cast, login, commission):
    make_result(commission, cast.student, mark="12", locked=True)
    assert login(cast.admin).post(url(commission, cast.student), {"reason": "Motif"}).status_code == 403
    assert CandidateResult.objects.get().locked_at is not None


def test_an_unlocked_result_has_nothing_to_reopen(cast, login, commission):
    response = login(cast.teacher).get(url(commission, cast.student))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="result.reopened").exists()


def test_once_reopened_the_mark_can_change_again(cast, login, commission):
    result = make_result(commission, cast.student, mark="12", locked=True)
    client = login(cast.teacher)
    client.post(url(commission, cast.student), {"reason": "Erreur"})
    prefix = f"c{cast.student.pk}"
    data = {f"{prefix}-status": "mark", f"{prefix}-mark": "13", f"{prefix}-version": str(result.version)}
    assert client.post(reverse("certification:profiles", args=[commission.pk]), data).status_code == 302
    result.refresh_from_db()
    assert str(result.mark) == "13.0"
