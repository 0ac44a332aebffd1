"""The lifecycle's invariants, each tried through HTTP with a plain POST: a clear French refusal and nothing changed.

A commission of the 2027 session (situation A dated 20 May, B dated 3 June); the clock stands on 10 June 2027.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from certification.evaluation.services import absences, lifecycle
from certification.models import (
    Absence,
    CandidateResult,
    ConformityCheck,
    Convocation,
    Deliberation,
    Dossier,
    EvaluationSheet,
    GridLine,
    MarkRange,
    MemberRole,
    Readiness,
    Reopening,
)
from notifications.models import OutboxMessage
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_grids import grid_post
from tests.factories_certification_marks import make_markable, make_marks_commission
from tests.factories_certification_planning import make_passage
from tests.factories_certification_sheets import make_result, make_sheet, sign
from tests.personas import PASSWORD

PARIS = ZoneInfo("Europe/Paris")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _in_june():
    with time_machine.travel(datetime.datetime(2027, 6, 10, 12, tzinfo=PARIS)):
        yield


def _profiles(commission):
    return reverse("certification:profiles", args=[commission.pk])


def _row(student, *, status="mark", mark="12", version=0) -> dict:
    prefix = f"c{student.pk}"
    return {
        f"{prefix}-status": status,
        f"{prefix}-mark": mark,
        f"{prefix}-absent_reason": "",
        f"{prefix}-version": str(version),
    }


def _lifecycle(commission, student, name="candidate_lifecycle"):
    return reverse(f"certification:{name}", args=[commission.pk, student.pk])


# --- Readiness ----------------------------------------------------------------------------------------------------


def test_the_commission_records_readiness_and_it_is_audited(cast, login):
    commission = make_commission(cast)
    situation = commission.situations.get(code="B")
    response = login(cast.teacher).post(
        _lifecycle(commission, cast.student, "readiness_record"),
        {
            "aptitude-situation": situation.pk,
            "aptitude-decided_on": "2027-05-15",
            "aptitude-grounds": "Deux fiches riches, stage complet.",
        },
    )
    assert response.status_code == 302
    readiness = Readiness.objects.get()
    assert (readiness.situation, readiness.student, readiness.recorded_by) == (situation, cast.student, cast.teacher)
    assert AuditEntry.objects.get(action="readiness.recorded").changes["situation"] == "B"
    html = login(cast.teacher).get(_lifecycle(commission, cast.student)).content.decode()
    assert "Deux fiches riches, stage complet." in html


def test_readiness_without_grounds_or_in_the_future_is_refused(cast, login):
    commission = make_commission(cast)
    situation = commission.situations.get(code="B")
    client = login(cast.teacher)
    url = _lifecycle(commission, cast.student, "readiness_record")
    response = client.post(
        url, {"aptitude-situation": situation.pk, "aptitude-decided_on": "2027-05-15", "aptitude-grounds": "  "}
    )
    assert response.status_code == 400
    assert "Indiquez sur quoi la commission fonde son jugement" in response.content.decode()
    response = client.post(
        url, {"aptitude-situation": situation.pk, "aptitude-decided_on": "2027-12-01", "aptitude-grounds": "Prêt"}
    )
    assert response.status_code == 400
    assert "ne peut pas être dans le futur" in response.content.decode()
    assert not Readiness.objects.exists()


def test_a_professional_member_cannot_record_readiness(cast, login):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    situation = commission.situations.get(code="B")
    response = login(cast.professional).post(
        _lifecycle(commission, cast.student, "readiness_record"),
        {"aptitude-situation": situation.pk, "aptitude-decided_on": "2027-05-15", "aptitude-grounds": "Prêt"},
    )
    assert response.status_code == 403
    assert not Readiness.objects.exists()


def test_the_grid_and_the_planning_warn_while_readiness_is_missing(cast, login):
    commission = make_commission(cast)
    make_markable(commission, cast.student)
    client = login(cast.teacher)
    grid = reverse("certification:grid_member", args=[commission.pk, cast.student.pk])
    assert "pas encore enregistré que Emma ÉTUDIANTE est prêt·e à être évalué·e en situation A" in (
        client.get(grid).content.decode()
    )
    planning = client.get(reverse("certification:planning", args=[commission.pk])).content.decode()
    assert 'id="non-prets"' in planning and "Emma ÉTUDIANTE" in planning
    for situation in commission.situations.all():
        Readiness.objects.create(
            situation=situation,
            student=cast.student,
            decided_on=datetime.date(2027, 5, 1),
            grounds="Prêt",
            recorded_by=cast.teacher,
        )
    assert "est prêt·e à être évalué·e" not in client.get(grid).content.decode()


# --- Before a mark: informed and dossier ----------------------------------------------------------------------------


def test_a_mark_is_refused_before_the_candidate_is_informed(cast, login):
    commission = make_marks_commission(cast)
    make_markable(commission, cast.student)
    Convocation.objects.filter(student=cast.student, step__situation__code="B").delete()
    response = login(cast.teacher).post(_profiles(commission), _row(cast.student))
    assert response.status_code == 409
    assert "n&#x27;a pas été informé·e officiellement" in response.content.decode()
    assert not CandidateResult.objects.exists()


def test_a_mark_is_refused_without_a_deposited_dossier(cast, login):
    commission = make_marks_commission(cast)
    make_markable(commission, cast.student)
    Dossier.objects.filter(student=cast.student).update(state="draft", submitted_at=None)
    result_url = reverse("certification:result_edit", args=[commission.pk, cast.student.pk])
    response = login(cast.teacher).post(
        result_url, {"status": "reserved", "mark": "", "absent_reason": "", "version": "0"}
    )
    assert response.status_code == 409
    assert "aucun dossier déposé" in response.content.decode()
    assert not CandidateResult.objects.exists()


def test_absence_de_depot_for_a_student_who_never_opened_a_dossier(cast, login):
    commission = make_marks_commission(cast)
    make_markable(commission, cast.student)
    Dossier.objects.filter(student=cast.student).delete()
    client = login(cast.teacher)
    response = client.post(_lifecycle(commission, cast.student, "no_deposit"))
    dossier = Dossier.objects.get(student=cast.student, exam=commission.exam, session=commission.session)
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:conformity_check", args=[dossier.pk])
    response = client.post(
        response["Location"],
        {"decision": "nv", "nv_reasons": ["no_deposit"], "comment": "", "checked_on": "2027-04-20"},
    )
    assert response.status_code == 302
    assert ConformityCheck.objects.get(dossier=dossier).nv_reasons == ["no_deposit"]
    refused = client.post(_profiles(commission), _row(cast.student))
    assert refused.status_code == 409
    assert "seul le statut « NV » peut être donné" in refused.content.decode()
    assert not CandidateResult.objects.exists()
    assert client.post(_profiles(commission), _row(cast.student, status="nv", mark="")).status_code == 302
    assert CandidateResult.objects.get().status == "nv"


# --- Absences -----------------------------------------------------------------------------------------------------


def _absence_data(commission, kind, document=None) -> dict:
    data = {
        "absence-situation": commission.situations.get(code="B").pk,
        "absence-absent_on": "2027-06-03",
        "absence-kind": kind,
        "absence-reason": "Malade",
    }
    if document is not None:
        data["absence-document"] = document
    return data


def test_a_justified_absence_needs_its_document(cast, login):
    commission = make_commission(cast)
    url = _lifecycle(commission, cast.student, "absence_record")
    response = login(cast.teacher).post(url, _absence_data(commission, "justified"))
    assert response.status_code == 400
    assert "Joignez le justificatif" in response.content.decode()
    fake = SimpleUploadedFile("certificat.pdf.bat", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = login(cast.teacher).post(url, _absence_data(commission, "justified", fake))
    assert response.status_code == 400
    assert "type accepté" in response.content.decode()
    assert not Absence.objects.exists()


def test_a_justified_absence_waits_for_a_new_date_and_blocks_the_deliberation(cast, login):
    commission = make_commission(cast)
    make_markable(commission, cast.student)
    passage = make_passage(commission, cast.student, datetime.datetime(2027, 6, 3, 10, tzinfo=PARIS))
    document = SimpleUploadedFile("certificat.pdf", PDF, content_type="application/pdf")
    response = login(cast.teacher).post(
        _lifecycle(commission, cast.student, "absence_record"), _absence_data(commission, "justified", document)
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.document_name == "certificat.pdf" and absence.document.name.startswith("absences/")
    assert absences.pending_new_date(absence)
    assert "nouvelle date n&#x27;est pas encore fixée" in (
        login(cast.admin).get(reverse("certification:deliberation", args=[commission.pk])).content.decode()
    )
    # The document is the jury's and the administration's: never the student's.
    document_url = reverse("certification:absence_document", args=[absence.pk])
    assert login(cast.student).get(document_url).status_code == 404
    assert login(cast.teacher).get(document_url).status_code == 200
    # The passage moved after the absence and convoked again: the absence no longer waits.
    passage.starts_at = datetime.datetime(2027, 6, 9, 10, tzinfo=PARIS)
    passage.ends_at = passage.starts_at + datetime.timedelta(minutes=15)
    passage.save()
    Convocation.objects.filter(passage=passage).update(scheduled_for=passage.starts_at)
    assert not absences.pending_new_date(absence)


@pytest.mark.parametrize(
    ("rule", "status", "mark", "cell"), [("absent", "absent", None, "ABS"), ("zero", "mark", 0, 0)]
)
def test_an_unjustified_absence_gives_what_the_session_rules_say(cast, login, rule, status, mark, cell):
    commission = make_commission(cast)
    commission.session.unjustified_absence = rule
    commission.session.save(update_fields=["unjustified_absence"])
    response = login(cast.teacher).post(
        _lifecycle(commission, cast.student, "absence_record"), _absence_data(commission, "unjustified")
    )
    assert response.status_code == 302
    result = CandidateResult.objects.get(student=cast.student)
    assert (result.status, result.mark) == (status, mark)
    csv = login(cast.teacher).get(reverse("certification:commission_export", args=[commission.pk, "csv"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    line = next((line for line in lines if cast.student.user.last_name in line), "\n".join(lines))
    assert line.split(";")[3] == str(cell)
    assert "Malade" not in csv.content.decode("utf-8-sig")


def test_the_same_absence_twice_is_refused(cast, login):
    commission = make_commission(cast)
    url = _lifecycle(commission, cast.student, "absence_record")
    login(cast.teacher).post(url, _absence_data(commission, "unjustified"))
    response = login(cast.teacher).post(url, _absence_data(commission, "unjustified"))
    assert response.status_code == 400
    assert "est déjà enregistrée" in response.content.decode()
    assert Absence.objects.count() == 1


# --- After the deliberation: frozen, then a formal reopening ------------------------------------------------------


def _deliberated(cast):
    """cast.teacher responsible (sole member), cast.professional seated without responsibility; cast.student has a
    signed mark of 14,5, cast.student2 is NV; the administration deliberated on 5 June 2027."""
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    for student in (cast.student, cast.student2):
        make_markable(commission, student)
    # Emma's situation B passage (cast.teacher on its jury: B's signer), convoked in May.
    passage = make_passage(commission, cast.student, datetime.datetime(2027, 6, 3, 10, tzinfo=PARIS))
    passage.convocations.update(informed_at=datetime.datetime(2027, 5, 2, 9, tzinfo=PARIS))
    make_result(commission, cast.student)
    sign(make_sheet(commission, cast.student), commission.members.get(user=cast.teacher))
    from certification.evaluation.services.locking import lock

    lock(commission, cast.student, actor=cast.teacher)
    make_result(commission, cast.student2, mark=None, status="nv")
    Deliberation.objects.create(commission=commission, deliberated_on=datetime.date(2027, 6, 5), recorded_by=cast.admin)
    return commission


def test_after_the_deliberation_no_member_changes_a_mark_a_range_a_grid_or_a_sheet(cast, login):
    commission = _deliberated(cast)
    nv = CandidateResult.objects.get(student=cast.student2)
    client = login(cast.professional)
    response = client.post(_profiles(commission), _row(cast.student2, mark="4", version=nv.version))
    assert response.status_code == 409
    assert "Le jury a délibéré" in response.content.decode()
    response = client.post(
        _profiles(commission), {"plage": "S-S-S-S", "plage-S-S-S-S-low": "10", "plage-S-S-S-S-high": "12"}
    )
    assert not MarkRange.objects.exists()
    grid_url = reverse("certification:grid_agreed", args=[commission.pk, cast.student2.pk])
    response = login(cast.teacher).post(grid_url, grid_post(commission, ["S"] * 11))
    assert "Le jury a délibéré" in response.content.decode()
    assert not GridLine.objects.exists()
    sheet_url = reverse("certification:evaluation_sheet", args=[commission.pk, cast.student2.pk])
    response = login(cast.teacher).post(
        sheet_url, {"version": "0", "date_A": "2027-05-20", "text_A": "Réécrit"}, follow=True
    )
    assert "Le jury a délibéré" in response.content.decode()
    assert not EvaluationSheet.objects.filter(student=cast.student2).exists()
    nv.refresh_from_db()
    assert (nv.status, nv.mark) == ("nv", None)


def test_only_the_responsible_reopens_and_with_a_reason(cast, login):
    commission = _deliberated(cast)
    add_member(commission, cast.teacher2)
    url = reverse("certification:result_reopen", args=[commission.pk, cast.student.pk])
    assert login(cast.teacher2).post(url, {"reason": "Erreur"}).status_code == 403
    response = login(cast.teacher).post(url, {"reason": "  "})
    assert "Indiquez le motif de la réouverture." in response.content.decode()
    assert not Reopening.objects.exists()


def test_a_reopening_tells_the_student_and_needs_a_new_deliberation(cast, login, django_capture_on_commit_callbacks):
    commission = _deliberated(cast)
    results_url = reverse("certification:student_results", args=[cast.student.pk])
    assert "14,5" in login(cast.student).get(results_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.teacher).post(
            reverse("certification:result_reopen", args=[commission.pk, cast.student.pk]),
            {"reason": "Erreur de report de la note"},
        )
    assert response.status_code == 302
    reopening = Reopening.objects.get()
    assert reopening.reason == "Erreur de report de la note" and reopening.closed_on is None
    assert AuditEntry.objects.filter(action="result.reopened_after_deliberation").exists()
    assert OutboxMessage.objects.filter(kind="result_state", recipients=[cast.student.user.email]).exists()
    page = login(cast.student).get(results_url).content.decode()
    assert "a été rouvert par la commission" in page and "14,5" not in page
    # The other candidate stays frozen; this one may change again.
    result = CandidateResult.objects.get(student=cast.student)
    client = login(cast.teacher)
    assert client.post(_profiles(commission), _row(cast.student, mark="15", version=result.version)).status_code == 302
    # A new deliberation waits for the new signature.
    deliberation_url = reverse("certification:deliberation", args=[commission.pk])
    response = login(cast.admin).post(deliberation_url, {"deliberated_on": "2027-06-10"})
    assert "la fiche d&#x27;évaluation n&#x27;est pas signée par le jury" in response.content.decode()
    assert Reopening.objects.get().closed_on is None
    sign_url = reverse("certification:evaluation_sign", args=[commission.pk, cast.student.pk])
    signed = login(cast.teacher).post(sign_url, {"password": PASSWORD})
    assert signed.status_code == 302, signed.content.decode()[-3000:]
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.admin).post(deliberation_url, {"deliberated_on": "2027-06-10"})
    assert response.status_code == 302
    assert Reopening.objects.get().closed_on == datetime.date(2027, 6, 10)
    assert AuditEntry.objects.filter(action="commission.redeliberated").exists()
    assert "15" in login(cast.student).get(results_url).content.decode()
    assert CandidateResult.objects.get(student=cast.student).mark == Decimal("15")


def test_the_rules_before_a_mark_cost_the_same_queries_for_a_class_as_for_one(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories_certification_marks import add_students

    commission = make_marks_commission(cast)
    markable = add_students(cast, 12, commission=commission)

    def count(who) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert lifecycle.mark_block_reasons(commission, {student: "mark" for student in who}) == {}
        return len(queries)

    assert count(markable[:1]) == count(markable)
