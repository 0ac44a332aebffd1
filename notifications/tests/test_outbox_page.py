"""The administrators' page of outgoing email (accounts:outbox)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage, OutboxState

URL = reverse("accounts:outbox")


def _row(establishment_id, subject, **fields) -> OutboxMessage:
    fields.setdefault("next_attempt_at", timezone.now())
    return OutboxMessage.objects.create(
        establishment_id=establishment_id,
        kind="password_reset",
        subject=subject,
        from_email="ne-pas-repondre@example.org",
        recipients=["emma@example.org"],
        raw_message=b"Subject: x\r\n\r\nx\r\n",
        **fields,
    )


def test_an_admin_sees_their_establishments_messages_and_not_anothers(cast, login):
    _row(cast.establishment.pk, "Chez nous")
    _row(cast.other_establishment.pk, "Ailleurs")
    _row(None, "Sans établissement")

    response = login(cast.admin).get(URL)

    assert response.status_code == 200
    assert "Chez nous" in response.text
    assert "Ailleurs" not in response.text
    assert "Sans établissement" not in response.text


def test_it_shows_the_state_the_attempts_and_the_reason_of_a_failure(cast, login):
    _row(
        cast.establishment.pk,
        "Convocation",
        state=OutboxState.FAILED,
        attempts=8,
        next_attempt_at=None,
        last_error="Serveur SMTP injoignable : ConnectionRefusedError",
    )

    response = login(cast.admin).get(URL)

    assert '<span class="tag tag-err">Échec définitif</span>' in response.text
    assert "Serveur SMTP injoignable : ConnectionRefusedError" in response.text
    assert "Réinitialisation du mot de passe" in response.text


def test_it_filters_by_state(cast, login):
    _row(cast.establishment.pk, "Parti", state=OutboxState.SENT, sent_at=timezone.now())
    _row(cast.establishment.pk, "Bloqué", state=OutboxState.FAILED, next_attempt_at=None)

    response = login(cast.admin).get(URL, {"etat": "failed"})

    assert "Bloqué" in response.text
    assert "Parti" not in response.text


def test_an_unknown_state_filter_shows_everything(cast, login):
    _row(cast.establishment.pk, "Parti", state=OutboxState.SENT, sent_at=timezone.now())

    response = login(cast.admin).get(URL, {"etat": "n'importe quoi"})

    assert "Parti" in response.text


def test_the_number_of_queries_does_not_grow_with_the_messages(cast, login, django_assert_max_num_queries):
    client = login(cast.admin)
    for i in range(3):
        _row(cast.establishment.pk, f"Message {i}")
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    for i in range(60):
        _row(cast.establishment.pk, f"Autre {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert "Page 1 sur 2" in response.text


@pytest.mark.parametrize("who", ["teacher", "outsider", "professional"])
def test_it_does_not_exist_for_staff_who_are_not_admins(cast, login, who):
    assert login(getattr(cast, who)).get(URL).status_code == 404


def test_it_does_not_exist_for_a_student(cast, login):
    assert login(cast.student).get(URL).status_code == 404


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_admin_cannot_retry_a_delivered_message(cast, login):
    row = _row(
        cast.establishment.pk, "Convocation", state=OutboxState.SENT, next_attempt_at=None, sent_at=timezone.now()
    )

    response = login(cast.admin).post(reverse("accounts:outbox_retry", args=[row.pk]), follow=True)

    assert "Ce courriel a déjà été remis au serveur de messagerie le" in response.text
    row.refresh_from_db()
    assert row.state == OutboxState.SENT


def test_a_refused_message_can_be_retried_and_the_retry_is_audited(cast, login):
    from audit.models import AuditEntry

    row = _row(cast.establishment.pk, "Convocation", state=OutboxState.REFUSED, attempts=1, next_attempt_at=None)

    response = login(cast.admin).post(reverse("accounts:outbox_retry", args=[row.pk]), follow=True)

    assert "Nouvel envoi demandé pour « Convocation »" in response.text
    row.refresh_from_db()
    assert row.state == OutboxState.QUEUED
    assert AuditEntry.objects.filter(action="outbox.retried", object_id=str(row.pk)).count() == 1


def test_another_establishments_message_cannot_be_retried(cast, login):
    row = _row(cast.other_establishment.pk, "Ailleurs", state=OutboxState.FAILED, next_attempt_at=None)

    assert login(cast.admin).post(reverse("accounts:outbox_retry", args=[row.pk])).status_code == 404
    assert login(cast.teacher).post(reverse("accounts:outbox_retry", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.state == OutboxState.FAILED


def test_the_failed_messages_offer_a_retry_button_and_the_sent_ones_do_not(cast, login):
    _row(cast.establishment.pk, "Parti", state=OutboxState.SENT, next_attempt_at=None, sent_at=timezone.now())
    failed = _row(cast.establishment.pk, "Bloqué", state=OutboxState.FAILED, next_attempt_at=None)

    page = login(cast.admin).get(URL).text

    assert page.count("Renvoyer<span") == 1
    assert reverse("accounts:outbox_retry", args=[failed.pk]) in page
