"""Electronic signature of the evaluation sheet: the member re-enters their password; all signers → locked.

Situation A is signed by the members carrying the responsibility, situation B (run on the fiche sujet) by the jury of
the candidate's passage: a member on neither list cannot sign, and no planned passage means no complete signature.
"""

from django.urls import reverse

from audit.models import AuditEntry
from certification.evaluation.services.sheets import MAX_FAILED_SIGNATURES
from certification.models import CandidateResult, MemberRole, ResultStatus, Signature
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_jury import make_passage
from tests.factories_certification_sheets import make_result, make_sheet
from tests.personas import PASSWORD


def _url(commission, student):
    return reverse("certification:evaluation_sign", args=[commission.pk, student.pk])


def _ready(cast, exam_code="E4"):
    commission = make_commission(cast, exam_code)
    make_result(commission, cast.student)
    sheet = make_sheet(commission, cast.student)
    return commission, sheet


def _with_passage(commission, student, *users):
    """The student's situation B passage, its jury the seats of ``users`` (every member when none given)."""
    jurors = [commission.members.get(user=user) for user in users] if users else None
    return make_passage(commission, student, jurors=jurors)


def _locked(commission, student) -> bool:
    return CandidateResult.objects.get(commission=commission, student=student).locked_at is not None


def test_a_wrong_password_signs_nothing(cast, login):
    commission, sheet = _ready(cast)
    response = login(cast.teacher).post(_url(commission, cast.student), {"password": "pas le bon"})
    assert response.status_code == 200
    assert "Mot de passe incorrect" in response.content.decode()
    assert not Signature.objects.exists()
    assert not _locked(commission, cast.student)
    assert AuditEntry.objects.filter(action="evaluation_sheet.sign_refused", actor=cast.teacher).count() == 1


def test_the_right_password_records_the_signature_on_this_version_and_mark(cast, login):
    commission, sheet = _ready(cast)
    add_member(commission, cast.teacher2)
    response = login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert response.status_code == 302
    signature = Signature.objects.get(sheet=sheet, member__user=cast.teacher)
    assert signature.sheet_version == sheet.version
    assert signature.mark_repr == "14,5"
    assert AuditEntry.objects.filter(action="evaluation_sheet.signed", actor=cast.teacher).exists()
    # teacher2 also carries the responsibility and has not signed yet.
    assert not _locked(commission, cast.student)


def test_the_last_responsible_signature_locks_grid_and_result(cast, login):
    commission, sheet = _ready(cast)
    add_member(commission, cast.teacher2)
    _with_passage(commission, cast.student)
    login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    login(cast.teacher2).post(_url(commission, cast.student), {"password": PASSWORD})
    assert _locked(commission, cast.student)
    assert AuditEntry.objects.filter(action="result.locked").count() == 1


def test_a_professional_of_the_passage_jury_may_sign_but_is_not_required(cast, login):
    commission, sheet = _ready(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    _with_passage(commission, cast.student)
    login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert _locked(commission, cast.student)
    login(cast.professional).post(_url(commission, cast.student), {"password": PASSWORD})
    assert Signature.objects.filter(sheet=sheet).count() == 2


def test_the_single_assessor_of_e6_signs_and_locks(cast, login):
    commission, sheet = _ready(cast, "E6")
    response = login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert response.status_code == 302
    assert _locked(commission, cast.student)


def test_a_signature_is_void_when_the_mark_changes_after_it(cast, login):
    commission, sheet = _ready(cast)
    add_member(commission, cast.teacher2)
    _with_passage(commission, cast.student)
    client = login(cast.teacher)
    client.post(_url(commission, cast.student), {"password": PASSWORD})
    CandidateResult.objects.filter(commission=commission).update(mark="15.0")
    html = client.get(reverse("certification:evaluation_sheet", args=[commission.pk, cast.student.pk])).content
    assert "signature à renouveler" in html.decode()
    # teacher2 signs the new mark: teacher's void signature still keeps the sheet unlocked.
    login(cast.teacher2).post(_url(commission, cast.student), {"password": PASSWORD})
    assert not _locked(commission, cast.student)
    login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert _locked(commission, cast.student)
    assert Signature.objects.get(member__user=cast.teacher).mark_repr == "15"


def test_a_pending_mark_cannot_be_signed(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student, None)
    make_sheet(commission, cast.student)
    response = login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert "pas encore fixé la note" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_status_other_than_pending_can_be_signed(cast, login):
    commission = make_commission(cast, "E6")
    make_result(commission, cast.student, None, status=ResultStatus.RESERVED)
    sheet = make_sheet(commission, cast.student)
    login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert Signature.objects.get(sheet=sheet).mark_repr == "Réservée"


def test_a_sheet_never_saved_cannot_be_signed(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student)
    response = login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert "Enregistrez d&#x27;abord la fiche" in response.content.decode()


def test_repeated_wrong_passwords_suspend_signing(cast, login):
    commission, sheet = _ready(cast)
    client = login(cast.teacher)
    for _ in range(MAX_FAILED_SIGNATURES):
        client.post(_url(commission, cast.student), {"password": "faux"})
    response = client.post(_url(commission, cast.student), {"password": PASSWORD})
    assert "Trop de mots de passe erronés" in response.content.decode()
    assert not Signature.objects.exists()


def test_an_administrator_who_does_not_sit_on_the_commission_cannot_sign(cast, login):
    commission, sheet = _ready(cast)
    response = login(cast.admin).post(_url(commission, cast.student), {"password": PASSWORD})
    assert response.status_code == 403


def test_a_member_not_on_the_passage_jury_cannot_sign(cast, login):
    commission, sheet = _ready(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    _with_passage(commission, cast.student, cast.teacher)
    client = login(cast.professional)
    assert "Vous ne figurez parmi les signataires" in client.get(_url(commission, cast.student)).content.decode()
    response = client.post(_url(commission, cast.student), {"password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rien n&#x27;a été signé : vous ne figurez parmi les signataires" in html
    assert "jury du passage (Bob PROF)" in html
    assert not Signature.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="evaluation_sheet.sign").exists()


def test_the_passage_jury_signs_situation_b_and_the_responsible_members_situation_a(cast, login):
    commission, sheet = _ready(cast)
    add_member(commission, cast.teacher2)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    _with_passage(commission, cast.student, cast.teacher, cast.professional)
    login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    html = login(cast.teacher).get(reverse("certification:evaluation_sheet", args=[commission.pk, cast.student.pk]))
    sections = html.content.decode().split("<fieldset")
    situation_a, situation_b = sections[1], sections[2]
    assert cast.teacher2.display_name in situation_a
    assert cast.professional.display_name not in situation_a
    assert cast.professional.display_name in situation_b
    assert cast.teacher2.display_name not in situation_b
    # teacher2 signs situation A only; the professional of the jury is not required.
    assert not _locked(commission, cast.student)
    login(cast.teacher2).post(_url(commission, cast.student), {"password": PASSWORD})
    assert _locked(commission, cast.student)


def test_without_a_planned_passage_the_sheet_says_so_and_is_never_complete(cast, login):
    commission, sheet = _ready(cast)
    html = login(cast.teacher).get(reverse("certification:evaluation_sheet", args=[commission.pk, cast.student.pk]))
    assert "Aucun passage n&#x27;est planifié pour ce candidat dans cette situation" in html.content.decode()
    # The responsible teacher signs situation A; situation B's jury is unknown: nothing is locked.
    response = login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert response.status_code == 302
    assert Signature.objects.filter(sheet=sheet).count() == 1
    assert not _locked(commission, cast.student)


def test_a_passage_without_jury_never_completes_the_sheet(cast, login):
    commission, sheet = _ready(cast)
    make_passage(commission, cast.student, jurors=[])
    login(cast.teacher).post(_url(commission, cast.student), {"password": PASSWORD})
    assert Signature.objects.filter(sheet=sheet).count() == 1
    assert not _locked(commission, cast.student)
