"""The official attestation de stage through HTTP: the student prepares it, the tutor signs it (account or one-time
link), the link is single-use and expiring, outsiders get 404, every step is audited, the summary follows."""

import datetime
import email
import email.policy
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from certification.dossiers.services.conformity import suggested_reasons
from notifications.models import OutboxMessage
from passeport.attestation import count_duration
from passeport.models import AttestationState, InternshipAttestation, InternshipPeriod
from passeport.selectors_internships import internship_summary
from passeport.services.attestations import link_digest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _period(student, **overrides) -> InternshipPeriod:
    values = {
        "organisation": "Maisons Rhône",
        "start_date": datetime.date(2026, 1, 5),
        "end_date": datetime.date(2026, 2, 27),
        "weeks": Decimal(6),
        "tutor_name": "Mme Martin",
    }
    values.update(overrides)
    return InternshipPeriod.objects.create(student=student, **values)


def _draft(**overrides) -> dict:
    data = {
        "host_name": "Maisons Rhône",
        "host_sector": "Immobilier",
        "host_city": "Lyon",
        "activities": "Prospection téléphonique, accueil des clients",
        "start_date": "2026-01-05",
        "end_date": "2026-02-27",
        "presence_hours": "280",
        "gratification": "0",
        "tutor_user": "",
        "tutor_email": "tuteur@maisons-rhone.fr",
    }
    data.update(overrides)
    return data


def _sign_data(**overrides) -> dict:
    data = {
        "start_date": "2026-01-05",
        "end_date": "2026-02-27",
        "activities": "Prospection téléphonique, accueil des clients",
        "presence_hours": "280",
        "gratification": "1250.50",
        "signer_name": "Claire Martin",
        "signer_function": "Directrice d'agence",
        "signed_place": "Lyon",
        "confirm": "on",
    }
    data.update(overrides)
    return data


def _send(client, period, **overrides):
    return client.post(reverse("passeport:attestation_edit", args=[period.pk]), {**_draft(**overrides), "send": "1"})


def _link_from_outbox() -> str:
    row = OutboxMessage.objects.filter(kind="attestation_request").latest("pk")
    raw = bytes(row.raw_message)
    text = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()
    return re.search(r"/attestation-de-stage/[\w-]+/", text).group(0)


def test_the_official_rule_counts_7_hours_a_day_and_5_days_a_week():
    duration = count_duration(Decimal("280"), 2025)
    assert (duration.days, duration.weeks, duration.months, duration.remaining_days) == (40, Decimal(8), 1, 18)
    # An unfinished 7 hours is not a day; weeks go down to the half-week (13 days: 2,5 weeks; 12 days: 2).
    assert count_duration(Decimal("90.9"), 2025).days == 12
    assert count_duration(Decimal("91"), 2025).weeks == Decimal("2.5")
    assert count_duration(Decimal("90.9"), 2025).weeks == Decimal(2)


def test_the_tutor_signs_from_the_one_time_link_and_the_summary_and_conformity_follow(cast, client, login):
    period = _period(cast.student)
    assert internship_summary(cast.student)["missing_attestations"] == 1
    response = _send(login(cast.student), period)
    assert response.status_code == 302
    record = InternshipAttestation.objects.get(period=period)
    assert record.state == AttestationState.SENT
    row = OutboxMessage.objects.get(kind="attestation_request")
    assert row.recipients == ["tuteur@maisons-rhone.fr"]
    link = _link_from_outbox()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in record.link_hash and record.link_hash == link_digest(token)

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Maisons Rhône" in page.content.decode()
    response = client.post(link, _sign_data())
    assert response.status_code == 200
    assert "Attestation de stage signée" in response.content.decode()

    record.refresh_from_db()
    period.refresh_from_db()
    assert record.state == AttestationState.SIGNED and record.signed_via == "link" and record.link_used_at
    assert record.gratification == Decimal("1250.50") and record.pdf.name.startswith("attestations/")
    assert period.weeks == Decimal(8)  # 280 h = 40 days = 8 weeks, not the 6 the student typed
    summary = internship_summary(cast.student)
    assert summary["missing_attestations"] == 0 and summary["signed_attestations"] == 1
    assert summary["total_weeks"] == Decimal(8)
    entry = AuditEntry.objects.get(action="attestation.signed", object_id=str(record.pk))
    assert entry.changes["via"] == "link" and entry.changes["weeks"] == "8"
    assert AuditEntry.objects.filter(action="attestation.sent", object_id=str(record.pk)).exists()

    # The student, the staff and the following professional download the signed PDF.
    pdf = login(cast.teacher).get(reverse("passeport:attestation_pdf", args=[period.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_conformity_suggests_no_attestation_until_the_tutor_signs(cast, login):
    from tests.factories_certification_dossiers import make_dossier

    period = _period(cast.student, weeks=Decimal(16))
    dossier = make_dossier(cast.student)
    assert "no_attestation" in [s.code for s in suggested_reasons(dossier)]
    _send(login(cast.student), period)
    from django.test import Client

    Client().post(_link_from_outbox(), _sign_data(presence_hours="560"))
    assert "no_attestation" not in [s.code for s in suggested_reasons(dossier)]


def test_a_used_link_is_refused_in_french(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    link = _link_from_outbox()
    client.logout()
    assert client.post(link, _sign_data()).status_code == 200
    again = client.get(link)
    assert again.status_code == 410
    assert "Ce lien de signature a déjà servi" in again.content.decode()
    assert client.post(link, _sign_data(gratification="9999")).status_code == 410
    assert InternshipAttestation.objects.get(period=period).gratification == Decimal("1250.50")
    assert AuditEntry.objects.filter(action="attestation.link_refused", changes__reason="used").exists()


def test_an_expired_link_is_refused_in_french(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    link = _link_from_outbox()
    InternshipAttestation.objects.filter(period=period).update(link_expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.post(link, _sign_data())
    assert response.status_code == 410
    assert "Ce lien de signature a expiré" in response.content.decode()
    assert InternshipAttestation.objects.get(period=period).state == AttestationState.SENT


def test_sending_again_replaces_the_link(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    first = _link_from_outbox()
    _send(client, period)
    second = _link_from_outbox()
    assert first != second
    client.logout()
    response = client.get(first)
    assert response.status_code == 404 and "Ce lien de signature n&#x27;est pas valable" in response.content.decode()
    assert client.get(second).status_code == 200


def test_the_student_cannot_sign_their_own_attestation(cast, client, login):
    period = _period(cast.student)
    own = _send(login(cast.student), period, tutor_email=cast.student.user.email)
    assert own.status_code == 200
    assert "Cette adresse est la vôtre" in own.content.decode()
    assert not InternshipAttestation.objects.filter(period=period).exists()

    _send(client, period)
    link = _link_from_outbox()
    response = client.post(link, _sign_data())
    assert response.status_code == 403
    assert InternshipAttestation.objects.get(period=period).state == AttestationState.SENT
    # The account route: the student is not the tutor.
    record = InternshipAttestation.objects.get(period=period)
    assert client.get(reverse("passeport:attestation_sign", args=[record.pk])).status_code == 404


def test_the_tutor_account_signs_after_typing_the_password_again(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period, tutor_email="", tutor_user=str(cast.professional.pk))
    record = InternshipAttestation.objects.get(period=period)
    assert record.link_hash == ""
    assert OutboxMessage.objects.get(kind="attestation_request").recipients == [cast.professional.email]
    url = reverse("passeport:attestation_sign", args=[record.pk])
    login(cast.professional)
    wrong = client.post(url, {**_sign_data(), "password": "pas-le-bon"})
    assert "Mot de passe incorrect" in wrong.content.decode()
    record.refresh_from_db()
    assert record.state == AttestationState.SENT
    assert AuditEntry.objects.filter(action="attestation.reauth_failed", object_id=str(record.pk)).exists()
    from tests.personas import PASSWORD

    client.post(url, {**_sign_data(), "password": PASSWORD})
    record.refresh_from_db()
    assert record.state == AttestationState.SIGNED and record.signed_by == cast.professional
    assert record.signed_via == "account"


def test_another_tutor_or_another_establishment_gets_404(cast, client, login):
    from accounts.models import Membership, Role
    from tests.personas import make_user

    period = _period(cast.student)
    _send(login(cast.student), period, tutor_email="", tutor_user=str(cast.professional.pk))
    record = InternshipAttestation.objects.get(period=period)
    url = reverse("passeport:attestation_sign", args=[record.pk])
    other_pro = make_user("pierre", "Pierre", "Autre")
    Membership.objects.create(user=other_pro, establishment=cast.establishment, role=Role.PROFESSIONAL)
    cast.student.professionals.add(other_pro)
    for who in (other_pro, cast.teacher, cast.other_teacher, cast.student2):
        login(who)
        assert client.get(url).status_code == 404, who
        assert client.post(url, {**_sign_data(), "password": "x"}).status_code == 404, who
    # A professional no longer following the student can no longer sign.
    cast.student.professionals.remove(cast.professional)
    login(cast.professional)
    assert client.get(url).status_code == 404
    login(cast.other_teacher)
    assert client.get(reverse("passeport:attestation_pdf", args=[period.pk])).status_code == 404
    assert client.get(reverse("passeport:attestation_edit", args=[period.pk])).status_code == 404


def test_a_signed_attestation_can_no_longer_be_changed_by_the_student(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    link = _link_from_outbox()
    client.logout()
    client.post(link, _sign_data())
    login(cast.student)
    response = client.post(reverse("passeport:attestation_edit", args=[period.pk]), _draft(host_name="Autre"))
    assert response.status_code == 200
    assert InternshipAttestation.objects.get(period=period).host_name == "Maisons Rhône"


def test_a_scanned_paper_attestation_still_counts_and_is_marked_as_such(cast, login):
    period = _period(cast.student, attestation="attestations/x/scan.pdf", attestation_name="scan.pdf")
    summary = internship_summary(cast.student)
    assert summary["missing_attestations"] == 0 and summary["paper_attestations"] == 1
    page = login(cast.student).get(reverse("passeport:internship_create", args=[cast.student.pk]))
    assert "Attestation papier numérisée" in page.content.decode()
    assert period.has_attestation


def test_signing_refuses_a_presence_under_half_a_week(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    link = _link_from_outbox()
    client.logout()
    response = client.post(link, _sign_data(presence_hours="14"))
    assert response.status_code == 200
    assert "au moins une demi-semaine" in response.content.decode()
    assert InternshipAttestation.objects.get(period=period).state == AttestationState.SENT


def test_an_attestation_waiting_for_the_tutor_is_still_missing(cast, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    assert InternshipAttestation.objects.get(period=period).state == AttestationState.SENT
    summary = internship_summary(cast.student)
    assert summary["missing_attestations"] == 1
    waiting = "1 période n'a pas son attestation (1 en attente de la signature du tuteur)"
    assert waiting in summary["attestation_message"]
    assert not InternshipPeriod.objects.get(pk=period.pk).has_attestation


def test_the_student_cannot_change_the_signed_dates_or_weeks(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    link = _link_from_outbox()
    client.logout()
    client.post(link, _sign_data())
    login(cast.student)
    response = client.post(
        reverse("passeport:internship_edit", args=[period.pk]),
        {
            "kind": "stage",
            "organisation": "Maisons Rhône",
            "start_date": "2026-01-05",
            "end_date": "2026-02-27",
            "weeks": "7",
            "tutor_name": "Mme Martin",
        },
    )
    assert response.status_code == 200
    assert "ses dates et sa durée ne se modifient plus" in response.content.decode()
    period.refresh_from_db()
    assert period.weeks == Decimal(8)
    # The tutor's name is still the student's to correct.
    client.post(
        reverse("passeport:internship_edit", args=[period.pk]),
        {
            "kind": "stage",
            "organisation": "Maisons Rhône",
            "start_date": "2026-01-05",
            "end_date": "2026-02-27",
            "weeks": "8",
            "tutor_name": "Claire Martin",
        },
    )
    period.refresh_from_db()
    assert period.tutor_name == "Claire Martin"


def test_changing_the_tutor_kills_the_link_sent_to_the_previous_one(cast, client, login):
    period = _period(cast.student)
    _send(login(cast.student), period)
    link = _link_from_outbox()
    client.post(reverse("passeport:attestation_edit", args=[period.pk]), _draft(tutor_email="autre@maisons-rhone.fr"))
    record = InternshipAttestation.objects.get(period=period)
    assert record.state == AttestationState.DRAFT and record.link_hash == ""
    client.logout()
    assert client.get(link).status_code == 404


def test_the_tutor_account_cannot_sign_before_the_student_sends(cast, client, login):
    period = _period(cast.student)
    login(cast.student).post(
        reverse("passeport:attestation_edit", args=[period.pk]),
        _draft(tutor_email="", tutor_user=str(cast.professional.pk)),
    )
    record = InternshipAttestation.objects.get(period=period)
    assert record.state == AttestationState.DRAFT
    login(cast.professional)
    assert client.get(reverse("passeport:attestation_sign", args=[record.pk])).status_code == 404
