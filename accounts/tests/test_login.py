import pytest
from django.urls import reverse

from accounts.models import LoginFailure
from tests.personas import PASSWORD

LOGIN = "accounts:login"


def _post(client, username, password, ip="10.0.0.1"):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_logs_in_with_username(client, cast):
    response = _post(client, cast.teacher.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_logs_in_with_email_whatever_the_case(client, cast):
    response = _post(client, cast.teacher.email.upper(), PASSWORD)
    assert response.status_code == 302


def test_it_shows_a_french_error_on_a_bad_password(client, cast):
    response = _post(client, cast.teacher.username, "wrong")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_it_throttles_an_account_after_five_failures(client, cast, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _post(client, cast.teacher.username, "wrong", ip="10.0.0.9")
    # Even the right password is refused while the account is throttled, from any address.
    response = _post(client, cast.teacher.username, PASSWORD, ip="10.0.0.77")
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_one_account_leaves_others_alone(client, cast, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _post(client, cast.teacher.username, "wrong")
    assert _post(client, cast.teacher2.username, PASSWORD).status_code == 302


def test_it_throttles_an_ip_address_trying_many_accounts(client, cast, settings):
    settings.LOGIN_FAILURES_PER_IP = 6
    for n in range(6):
        _post(client, f"nobody{n}", "wrong", ip="192.0.2.1")
    response = _post(client, cast.teacher.username, PASSWORD, ip="192.0.2.1")
    assert "Trop de tentatives" in response.content.decode()
    assert _post(client, cast.teacher.username, PASSWORD, ip="192.0.2.2").status_code == 302


def test_a_successful_login_clears_the_account_failures(client, cast):
    _post(client, cast.teacher.username, "wrong")
    _post(client, cast.teacher.username, PASSWORD)
    assert not LoginFailure.objects.filter(username=cast.teacher.username).exists()


def test_failures_expire_after_the_window(client, cast, settings, time_machine):
    time_machine.move_to("2026-11-27 10:00 +0100")
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _post(client, cast.teacher.username, "wrong")
    time_machine.move_to("2026-11-27 10:16 +0100")
    assert _post(client, cast.teacher.username, PASSWORD).status_code == 302


def test_demo_accounts_cannot_log_in_outside_demo_mode(client, cast, settings):
    cast.teacher.is_demo = True
    cast.teacher.save(update_fields=["is_demo"])
    settings.DEMO_MODE = False
    assert _post(client, cast.teacher.username, PASSWORD).status_code == 200
    settings.DEMO_MODE = True
    assert _post(client, cast.teacher.username, PASSWORD).status_code == 302


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("persona", ["admin", "teacher", "professional", "student"])
def test_logout_ends_the_session(client, cast, login, persona):
    client = login(getattr(cast, persona))
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_an_imported_student_without_password_can_ask_for_a_reset_link(client, cast):
    from notifications.models import OutboxMessage

    cast.student.user.set_unusable_password()
    cast.student.user.save(update_fields=["password"])
    response = client.post(reverse("accounts:password_reset"), {"email": cast.student.user.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.recipients == [cast.student.user.email]
