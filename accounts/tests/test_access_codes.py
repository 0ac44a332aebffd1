"""First login without email: code sheets printed by the teaching team, « Première connexion » for the student."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.access_codes import digest
from accounts.models import AccessCode, User
from audit.models import AuditEntry
from tests.personas import PASSWORD

NEW_PASSWORD = "Nouveau-mot-2-passe!"
CODE = re.compile(r"Code\s*([A-Z2-9]{5}-[A-Z2-9]{5})")


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def _codes_by_username(text: str, usernames: list[str]) -> dict[str, str]:
    """The code printed on each person's slip, read from the PDF as a person would."""
    found = {}
    for username in usernames:
        after = text[text.index(username) :]
        found[username] = CODE.search(after).group(1)
    return found


def _without_password(*students):
    for student in students:
        student.user.set_unusable_password()
        student.user.save(update_fields=["password"])


def _print_sheet(client, cohort, students=None):
    data = {"students": [s.pk for s in students]} if students else {}
    return client.post(reverse("accounts:cohort_codes", args=[cohort.pk]), data)


def _first_access(client, username, code, password=NEW_PASSWORD, confirm=None, ip="10.0.0.1"):
    data = {"username": username, "code": code, "password1": password, "password2": confirm or password}
    return client.post(reverse("accounts:first_access"), data, REMOTE_ADDR=ip)


@pytest.fixture
def sheet(client, cast, login):
    """A teacher of the class prints the codes of both students; the client is logged out afterwards."""
    _without_password(cast.student, cast.student2)
    login(cast.teacher)
    response = _print_sheet(client, cast.cohort, [cast.student, cast.student2])
    assert response.status_code == 200
    text = _pdf_text(response)
    client.logout()
    return _codes_by_username(text, [cast.student.user.username, cast.student2.user.username])


def test_the_page_checks_by_default_the_students_without_a_password(client, cast, login):
    _without_password(cast.student2)
    login(cast.teacher)
    response = client.get(reverse("accounts:cohort_codes", args=[cast.cohort.pk]))
    html = response.content.decode()
    assert f'value="{cast.student2.pk}" id="code-{cast.student2.pk}" checked' in html
    assert f'value="{cast.student.pk}" id="code-{cast.student.pk}">' in html


def test_a_sheet_has_one_slip_per_student_with_username_class_address_and_code(client, cast, login):
    _without_password(cast.student, cast.student2)
    login(cast.teacher)
    response = _print_sheet(client, cast.cohort, [cast.student, cast.student2])

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    text = _pdf_text(response)
    for student in (cast.student, cast.student2):
        assert student.user.username in text
        assert student.user.last_name.upper() in text
    assert "Classe NDRC 2" in text
    assert "testserver/premiere-connexion/" in text
    assert "Première connexion" in text
    codes = _codes_by_username(text, [cast.student.user.username, cast.student2.user.username])
    assert codes[cast.student.user.username] != codes[cast.student2.user.username]
    assert not re.search(r"[01ILO]", "".join(codes.values()).replace("-", ""))


def test_codes_are_stored_hashed_only(client, cast, sheet):
    code = sheet[cast.student.user.username]
    stored = AccessCode.objects.get(user=cast.student.user)
    assert code.replace("-", "") not in stored.code_hash
    assert stored.code_hash == digest(cast.student.user.pk, code)
    assert digest(cast.student2.user.pk, code) != stored.code_hash  # tied to one account


def test_the_site_url_setting_is_printed_when_set(client, cast, login, settings):
    settings.SITE_URL = "https://ccf.lycee-exemple.fr"
    login(cast.teacher)
    text = _pdf_text(_print_sheet(client, cast.cohort, [cast.student]))
    assert "ccf.lycee-exemple.fr/premiere-connexion/" in text


def test_printing_with_nothing_checked_explains_and_prints_nothing(client, cast, login):
    login(cast.teacher)
    response = _print_sheet(client, cast.cohort, [])
    assert response.status_code == 302
    assert "Cochez au moins un étudiant" in client.get(response.url).content.decode()
    assert not AccessCode.objects.exists()


def test_a_code_sets_the_password_and_logs_the_student_in(client, cast, sheet):
    response = _first_access(client, "EMMA", sheet["emma"].lower())

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(cast.student.user.pk)
    cast.student.user.refresh_from_db()
    assert cast.student.user.check_password(NEW_PASSWORD)
    assert AccessCode.objects.get(user=cast.student.user).used_at is not None
    entry = AuditEntry.objects.get(action="access_code.used")
    assert entry.object_id == str(cast.student.user.pk)
    assert entry.establishment_id == cast.establishment.pk


def test_a_used_code_is_refused_with_its_reason(client, cast, sheet):
    assert _first_access(client, "emma", sheet["emma"]).status_code == 302
    client.logout()

    response = _first_access(client, "emma", sheet["emma"], password="Encore-un-autre-9!")

    assert response.status_code == 200
    assert "Ce code a déjà servi" in response.content.decode()
    cast.student.user.refresh_from_db()
    assert cast.student.user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="access_code.refused", changes__reason="used").count() == 1


def test_an_expired_code_is_refused(client, cast, sheet, settings):
    later = timezone.now() + timedelta(days=settings.ACCESS_CODE_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = _first_access(client, "emma", sheet["emma"])

    assert response.status_code == 200
    assert "Ce code a expiré" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not cast.student.user.__class__.objects.get(pk=cast.student.user.pk).has_usable_password()
    assert AuditEntry.objects.filter(action="access_code.refused", changes__reason="expired").exists()


def test_a_code_is_still_good_the_day_before_it_expires(client, cast, sheet, settings):
    later = timezone.now() + timedelta(days=settings.ACCESS_CODE_DAYS - 1)
    with time_machine.travel(later, tick=False):
        assert _first_access(client, "emma", sheet["emma"]).status_code == 302


def test_the_expiry_follows_the_setting(client, cast, login, settings):
    settings.ACCESS_CODE_DAYS = 3
    login(cast.teacher)
    _print_sheet(client, cast.cohort, [cast.student])
    code = AccessCode.objects.get(user=cast.student.user)
    assert (code.expires_at - code.created_at).days == 3


def test_a_wrong_code_and_an_unknown_username_get_the_same_message(client, cast, sheet):
    wrong = _first_access(client, "emma", "AAAAA-AAAAA").content.decode()
    unknown = _first_access(client, "personne", sheet["emma"]).content.decode()

    message = "Identifiant ou code incorrect"
    assert message in wrong
    assert message in unknown
    assert "expiré" not in unknown and "déjà servi" not in unknown
    refusals = AuditEntry.objects.filter(action="access_code.refused", changes__reason="wrong")
    assert sorted(e.changes["account"] for e in refusals) == ["emma", "inconnu"]


def test_wrong_codes_are_throttled_like_logins(client, cast, sheet, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _first_access(client, "emma", "AAAAA-AAAAA", ip="10.0.0.9")

    # Even the right code is refused while the account is throttled, from any address.
    response = _first_access(client, "emma", sheet["emma"], ip="10.0.0.77")

    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessCode.objects.get(user=cast.student.user).used_at is None
    assert AuditEntry.objects.filter(action="access_code.refused", changes__reason="throttled").exists()


def test_wrong_codes_count_against_the_password_login_too(client, cast, sheet, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _first_access(client, "lucas", "AAAAA-AAAAA")
    response = client.post(reverse("accounts:login"), {"username": "lucas", "password": PASSWORD})
    assert "Trop de tentatives" in response.content.decode()


def test_reissuing_invalidates_the_old_code(client, cast, login, sheet):
    login(cast.teacher)
    text = _pdf_text(_print_sheet(client, cast.cohort, [cast.student]))
    client.logout()
    new = _codes_by_username(text, ["emma"])["emma"]
    assert new != sheet["emma"]

    old_response = _first_access(client, "emma", sheet["emma"])
    assert "remplacé par un plus récent" in old_response.content.decode()
    assert _first_access(client, "emma", new).status_code == 302
    issued = AuditEntry.objects.filter(action="access_code.issued", object_id=str(cast.student.user.pk))
    assert [e.changes["replaced"] for e in issued.order_by("pk")] == [False, True]


def test_a_weak_password_is_refused_and_the_code_stays_usable(client, cast, sheet):
    response = _first_access(client, "emma", sheet["emma"], password="court")

    assert response.status_code == 200
    assert "au moins 12 caractères" in response.content.decode()
    assert AccessCode.objects.get(user=cast.student.user).used_at is None
    assert _first_access(client, "emma", sheet["emma"]).status_code == 302


def test_mismatched_passwords_are_refused(client, cast, sheet):
    response = _first_access(client, "emma", sheet["emma"], confirm="Autre-chose-encore-1!")
    assert "ne correspondent pas" in response.content.decode()
    assert AccessCode.objects.get(user=cast.student.user).used_at is None


def test_a_code_dies_once_the_account_has_logged_in_after_it_was_printed(client, cast, login, sheet):
    cast.student.user.set_password(PASSWORD)
    cast.student.user.save(update_fields=["password"])
    login(cast.student)
    client.logout()

    response = _first_access(client, "emma", sheet["emma"])

    assert "Ce compte a déjà été utilisé" in response.content.decode()
    cast.student.user.refresh_from_db()
    assert cast.student.user.check_password(PASSWORD)


def test_an_inactive_account_is_not_reopened_by_a_code(client, cast, sheet):
    User.objects.filter(pk=cast.student.user.pk).update(is_active=False)
    response = _first_access(client, "emma", sheet["emma"])
    assert "compte n&#x27;est pas actif" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_each_issue_is_audited_with_the_establishment(client, cast, sheet):
    entries = AuditEntry.objects.filter(action="access_code.issued")
    assert entries.count() == 2
    assert {e.actor_id for e in entries} == {cast.teacher.pk}
    assert {e.establishment_id for e in entries} == {cast.establishment.pk}
    assert {e.changes["for"] for e in entries} == {"classe NDRC 2"}


def test_another_class_student_cannot_be_printed(client, cast, login):
    login(cast.teacher)
    response = _print_sheet(client, cast.cohort, [cast.student, cast.other_student])
    assert response.status_code == 404
    assert not AccessCode.objects.exists()


def test_a_student_of_the_establishment_in_another_class_cannot_be_printed(client, cast, login):
    login(cast.admin)
    moved = cast.student2
    moved.cohort = cast.first_year
    moved.save(update_fields=["cohort"])
    response = _print_sheet(client, cast.cohort, [moved])
    assert response.status_code == 404


def test_another_establishment_class_is_out_of_scope(client, cast, login):
    login(cast.teacher)
    response = _print_sheet(client, cast.other_cohort, [cast.other_student])
    assert response.status_code == 404
    assert not AccessCode.objects.exists()


def test_a_teacher_who_does_not_teach_the_class_is_refused(client, cast, login):
    login(cast.teacher)
    assert _print_sheet(client, cast.first_year, []).status_code == 403


def test_the_administration_prints_any_class_of_the_establishment(client, cast, login):
    login(cast.admin)
    response = _print_sheet(client, cast.cohort, [cast.student])
    assert response.status_code == 200
    assert "emma" in _pdf_text(response)


@pytest.mark.parametrize("persona", ["student", "professional"])
def test_students_and_professionals_cannot_print_sheets(client, cast, login, persona):
    login(getattr(cast, persona))
    assert _print_sheet(client, cast.cohort, [cast.student]).status_code == 404
    assert client.get(reverse("accounts:cohort_codes", args=[cast.cohort.pk])).status_code == 404
    assert not AccessCode.objects.exists()


def test_the_login_page_links_to_the_first_access_page(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:first_access") in html


def test_codes_issued_under_a_previous_secret_key_still_work_from_the_fallbacks(client, cast, sheet, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-test-only-secret-key-" + "z" * 40
    assert _first_access(client, "emma", sheet["emma"]).status_code == 302


def test_a_code_used_in_another_tab_meanwhile_is_refused(client, cast, sheet):
    """Two submissions of one slip: the first one to commit wins, the other is told the code served."""
    from accounts import access_codes

    checked = access_codes.check_code(username="emma", code=sheet["emma"], ip=None)
    assert _first_access(client, "emma", sheet["emma"]).status_code == 302
    with pytest.raises(access_codes.CodeRefused) as refusal:
        access_codes.use_code(access_code=checked, password="Autre-mot-de-passe-4!", ip=None)
    assert refusal.value.reason == "used"
    cast.student.user.refresh_from_db()
    assert cast.student.user.check_password(NEW_PASSWORD)
