"""record_conformity, ensure_dossier and the reads other pages rely on."""

import pytest

from audit.models import AuditEntry
from certification.dossiers.services.conformity import (
    REASONS_REFUSED,
    REASONS_REQUIRED,
    ConformityError,
    conformity_history,
    conformity_status,
    conformity_statuses,
    ensure_dossier,
    latest_conformity,
    record_conformity,
)
from certification.models import ConformityCheck, Dossier
from tests.factories import exam
from tests.factories_certification_conformity import CHECKED_ON, good_dossier, make_dossier


def _record(dossier, actor, decision, reasons=(), comment=""):
    return record_conformity(
        dossier=dossier,
        decision=decision,
        nv_reasons=list(reasons),
        comment=comment,
        checked_on=CHECKED_ON,
        actor=actor,
    )


@pytest.mark.parametrize("decision", ["conforme", "reserve"])
def test_it_records_a_decision_without_reasons(cast, decision):
    dossier = good_dossier(cast.student)
    check = _record(dossier, cast.teacher, decision, comment="  Vérifié en commission.  ")
    assert (check.decision, check.nv_reasons, check.checked_on) == (decision, [], CHECKED_ON)
    assert check.decided_by == cast.teacher
    assert check.comment == "Vérifié en commission."


def test_it_records_an_nv_decision_with_its_reasons_in_the_official_order(cast):
    dossier = good_dossier(cast.student)
    check = _record(dossier, cast.teacher, "nv", ["unsigned", "late_deposit", "late_deposit"])
    assert check.nv_reasons == ["late_deposit", "unsigned"]


def test_it_audits_every_decision(cast):
    dossier = good_dossier(cast.student)
    first = _record(dossier, cast.teacher, "reserve")
    second = _record(dossier, cast.admin, "nv", ["no_attestation"])
    entries = list(AuditEntry.objects.filter(action="conformity.recorded").order_by("id"))
    assert len(entries) == 2
    assert entries[0].changes["decision"] == [None, "reserve"]
    assert entries[0].changes["check"] == first.pk
    assert entries[1].changes["decision"] == ["reserve", "nv"]
    assert entries[1].changes["nv_reasons"] == ["no_attestation"]
    assert entries[1].actor == cast.admin
    assert entries[1].object_id == str(dossier.pk)
    assert entries[1].establishment_id == cast.establishment.pk
    assert second.pk != first.pk


def test_nv_requires_at_least_one_reason(cast):
    dossier = good_dossier(cast.student)
    with pytest.raises(ConformityError) as refusal:
        _record(dossier, cast.teacher, "nv", [])
    assert refusal.value.message == REASONS_REQUIRED
    assert not ConformityCheck.objects.exists()
    assert not AuditEntry.objects.filter(action="conformity.recorded").exists()


@pytest.mark.parametrize("decision", ["conforme", "reserve"])
def test_it_refuses_reasons_for_a_decision_other_than_nv(cast, decision):
    dossier = good_dossier(cast.student)
    with pytest.raises(ConformityError) as refusal:
        _record(dossier, cast.teacher, decision, ["late_deposit"])
    assert refusal.value.message == REASONS_REFUSED
    assert not ConformityCheck.objects.exists()


def test_it_refuses_an_unknown_reason_or_decision(cast):
    dossier = good_dossier(cast.student)
    with pytest.raises(ConformityError):
        _record(dossier, cast.teacher, "nv", ["retard"])
    with pytest.raises(ConformityError):
        _record(dossier, cast.teacher, "peut-etre")


def test_reserved_then_conforme_keeps_the_history_and_the_latest_counts(cast):
    dossier = good_dossier(cast.student)
    assert latest_conformity(dossier) is None
    assert conformity_status(dossier) is None
    reserved = _record(dossier, cast.teacher, "reserve", comment="Signature du tuteur à vérifier.")
    assert conformity_status(dossier) == "reserve"
    conforme = _record(dossier, cast.teacher, "conforme")
    assert latest_conformity(dossier) == conforme
    assert conformity_status(dossier) == "conforme"
    assert conformity_history(dossier) == [conforme, reserved]


def test_statuses_of_many_dossiers_come_in_one_query(cast, django_assert_num_queries):
    first, second = good_dossier(cast.student), make_dossier(cast.student2)
    unchecked = make_dossier(cast.student, "E6")
    _record(first, cast.teacher, "reserve")
    _record(first, cast.teacher, "nv", ["unsigned"])
    _record(second, cast.teacher, "conforme")
    with django_assert_num_queries(1):
        statuses = conformity_statuses([first, second.pk, unchecked])
    assert statuses == {first.pk: "nv", second.pk: "conforme"}


def test_ensure_dossier_creates_an_empty_draft_once_and_audits_it(cast):
    e4, session = exam("E4", cast.student), cast.student.cohort.exam_session
    dossier = ensure_dossier(cast.student, e4, session, actor=cast.teacher)
    assert dossier.state == "draft" and dossier.submitted_at is None
    assert not dossier.items.exists()
    assert ensure_dossier(cast.student, e4, session, actor=cast.teacher) == dossier
    assert Dossier.objects.filter(student=cast.student).count() == 1
    assert AuditEntry.objects.filter(action="dossier.created_for_conformity").count() == 1
    # « Absence de dépôt » can then be recorded on it.
    check = _record(dossier, cast.teacher, "nv", ["no_deposit"])
    assert check.dossier == dossier


def test_ensure_dossier_keeps_an_existing_dossier(cast):
    dossier = good_dossier(cast.student)
    assert ensure_dossier(cast.student, dossier.exam, dossier.session) == dossier
    assert not AuditEntry.objects.filter(action="dossier.created_for_conformity").exists()


def test_ensure_dossier_refuses_an_exam_not_in_ccf(cast):
    e5 = exam("E5", cast.student)
    with pytest.raises(ConformityError):
        ensure_dossier(cast.student, e5, cast.student.cohort.exam_session)
    assert not Dossier.objects.exists()
