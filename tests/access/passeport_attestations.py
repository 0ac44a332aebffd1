"""Access rows for the official attestation de stage (ANNEXE III-2).

The student prepares it; only the tutor named on it (a professional account following the student) signs from
their account; the one-time link is a bearer link for a tutor without an account (anyone holding it may open it,
except the student whose attestation it is); the signed PDF is read like the period.
"""

import datetime
import secrets
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from passeport.models import AttestationState, InternshipAttestation
from passeport.services.attestations import link_digest
from tests.access import Row, everyone, logged_in
from tests.access.passeport_activities import READ, WRITE, _period, _stored


def _attestation(cast, **values) -> InternshipAttestation:
    period_pk = _period(cast.student)
    return InternshipAttestation.objects.create(
        period_id=period_pk,
        host_name="Maisons Rhône",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 2, 27),
        presence_hours=Decimal(280),
        **values,
    )


def _to_sign(cast) -> int:
    return _attestation(cast, state=AttestationState.SENT, tutor_user=cast.professional).pk


def _link(cast) -> str:
    token = secrets.token_urlsafe(32)
    _attestation(
        cast,
        state=AttestationState.SENT,
        tutor_email="tuteur@maisons-rhone.fr",
        link_hash=link_digest(token),
        link_expires_at=timezone.now() + timedelta(days=1),
    )
    return token


def _signed(cast) -> int:
    record = _attestation(
        cast,
        state=AttestationState.SIGNED,
        signed_at=timezone.now(),
        signed_via="link",
        pdf=_stored("attestations/access-matrix/attestation.pdf"),
    )
    return record.period_id


ROWS: dict[str, list[Row]] = {
    "passeport:attestation_edit": [Row(WRITE, args=lambda c: [_period(c.student)])],
    "passeport:attestation_pdf": [Row(READ, args=lambda c: [_signed(c)])],
    "passeport:attestation_sign": [
        Row(logged_in(404, professional=200), args=lambda c: [_to_sign(c)]),
    ],
    # Public like a password-reset link, but never for the student whose attestation it is.
    "passeport:attestation_link": [
        Row(everyone(200, student=403), args=lambda c: [_link(c)]),
        Row(everyone(404), args=lambda c: ["lien-inconnu"]),
    ],
}
