"""Issue 13, findings 8 and 10, through HTTP: one throttle counter per account, a throttled current-password check,
rate-limited password resets that answer after the same work for any address, and the connections audited."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import tasks
from audit.models import AuditEntry
from notifications.models import OutboxMessage
from tests.factories import make_activity
from tests.personas import PASSWORD

WRONG = "pas-le-bon-mot-de-passe"


def _login(client, identifier, password):
    return client.post(reverse("accounts:login"), {"username": identifier, "password": password})


def test_the_username_and_the_email_share_one_counter(cast, client, settings):
    user = cast.student.user
    for attempt in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        identifier = user.username if attempt % 2 else user.email
        assert _login(client, identifier, WRONG).status_code == 200
    # Five guesses in all, typed either way: the right password is now refused too, whatever is typed.
    for identifier in (user.username, user.email):
        response = _login(client, identifier, PASSWORD)
        assert response.status_code == 200
        assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_current_password_check_is_throttled(cast, login, settings):
    client = login(cast.student)
    url = reverse("accounts:password_change")
    new = {"new_password1": "Un-nouveau-mot-de-passe-2027", "new_password2": "Un-nouveau-mot-de-passe-2027"}
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        assert client.post(url, {"old_password": WRONG, **new}).status_code == 200
    response = client.post(url, {"old_password": PASSWORD, **new})
    assert "Trop de tentatives" in response.content.decode()
    cast.student.user.refresh_from_db()
    assert cast.student.user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="password_change.refused").count() == settings.LOGIN_FAILURES_PER_ACCOUNT


def test_reset_requests_are_limited_per_account(cast, client, django_capture_on_commit_callbacks):
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": cast.student.user.email})
        assert response.status_code == 302  # the same answer every time
    assert OutboxMessage.objects.filter(kind="password_reset").count() == 3
    assert AuditEntry.objects.filter(action="password_reset.throttled").count() == 3


@pytest.mark.parametrize("known", [True, False])
def test_a_reset_does_the_same_work_for_a_known_and_an_unknown_address(cast, client, known):
    address = cast.student.user.email if known else "personne@example.org"
    with mock.patch.object(tasks, "send_password_reset") as task:
        response = client.post(reverse("accounts:password_reset"), {"email": address})
    enqueue = task.enqueue
    assert response.status_code == 302
    enqueue.assert_called_once()  # the writing is the task's, for either address
    assert enqueue.call_args.args[0] == address
    assert not OutboxMessage.objects.exists()


def test_logins_failures_logouts_and_password_changes_are_audited(cast, client, login):
    _login(client, cast.teacher.username, WRONG)
    failed = AuditEntry.objects.get(action="login.failed")
    assert failed.changes["account"] == cast.teacher.username and WRONG not in str(failed.changes)
    _login(client, "mot-de-passe-tape-au-mauvais-endroit", WRONG)
    unknown = AuditEntry.objects.filter(action="login.failed").latest("pk")
    assert unknown.changes["account"] == "inconnu" and "mauvais-endroit" not in str(unknown.changes)
    _login(client, cast.teacher.username, PASSWORD)
    assert AuditEntry.objects.get(action="login.succeeded").actor == cast.teacher
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.get(action="logout").actor == cast.teacher
    client = login(cast.student)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Un-autre-mot-de-passe-2027",
            "new_password2": "Un-autre-mot-de-passe-2027",
        },
    )
    assert AuditEntry.objects.get(action="password_change.done").actor == cast.student.user


def test_evidence_downloads_are_audited(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(cast.student)
    client = login(cast.student)
    client.post(
        reverse("passeport:evidence_upload", args=[activity.pk]),
        {"files": [SimpleUploadedFile("preuve.pdf", b"%PDF-1.4\n%%EOF\n")]},
    )
    evidence = activity.evidence.get()
    assert client.get(reverse("passeport:evidence_download", args=[evidence.pk])).status_code == 200
    entry = AuditEntry.objects.get(action="evidence.downloaded")
    assert entry.actor == cast.student.user and entry.establishment_id == cast.establishment.pk
