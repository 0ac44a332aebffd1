"""The official « attestation de stage » (ANNEXE III-2): the student prepares it, the tutor checks and signs it.

- The student fills what they know (organisation, their own details, activities, dates, what they expect of the
  duration and the gratification) and names the tutor: a professional account that follows them, or an email.
- Sending it to a tutor without an account files an email in the outbox with a one-time link. Only a keyed hash of
  the link's token is stored (HMAC-SHA-256 under the secret key, as for the first-access codes of accounts): the
  link in clear exists only in the email. It expires after ``LINK_DAYS``, is used once, and sending again replaces
  it (the old link then reads as unknown).
- The tutor checks dates, activities, hours of presence and gratification and signs: from their account by typing
  their password again, or from the link by typing their name and confirming. The signature records who, when and
  how; the signed PDF is written through ``lib.files`` (atomic, verified) and the period takes the dates and the
  weeks counted by the official rule.
- Every step, and every refused link, is in the audit log.
"""

import secrets
from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from audit.services import log_action
from lib.files import pdf_check, save_field_file
from passeport.attestation import attestation_filename, count_duration, forms_session_of, render_attestation_pdf
from passeport.models import AttestationState, InternshipAttestation, InternshipPeriod, SignedVia

LINK_DAYS = 30
KEY_SALT = "passeport.attestations.link"
EMAIL_TEMPLATE = "passeport/email/attestation-request"

STUDENT_FIELDS = (
    "host_name",
    "host_sector",
    "host_address",
    "host_postal_code",
    "host_city",
    "host_phone",
    "host_email",
    "trainee_sex",
    "trainee_birth_date",
    "trainee_address",
    "trainee_postal_code",
    "trainee_city",
    "trainee_phone",
    "trainee_email",
    "activities",
    "start_date",
    "end_date",
    "presence_hours",
    "gratification",
    "tutor_user",
    "tutor_email",
)
TUTOR_FIELDS = (
    "start_date",
    "end_date",
    "activities",
    "presence_hours",
    "gratification",
    "signer_name",
    "signer_function",
    "signed_place",
)

LINK_MESSAGES = {
    "unknown": (
        "Ce lien de signature n'est pas valable : il a pu être remplacé par un envoi plus récent. Vérifiez "
        "l'adresse reçue par courriel ou demandez un nouveau lien à l'étudiant·e."
    ),
    "expired": "Ce lien de signature a expiré. Demandez à l'étudiant·e de vous envoyer un nouveau lien.",
    "used": "Ce lien de signature a déjà servi : l'attestation est signée. Un lien ne sert qu'une seule fois.",
}


class AttestationRefused(Exception):
    """The action cannot be done; ``message`` is the French text for the user."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason


def link_digest(token: str) -> str:
    return salted_hmac(KEY_SALT, token, algorithm="sha256").hexdigest()


def initial_for(period: InternshipPeriod) -> dict[str, Any]:
    """What the student's form starts from: the attestation if any, else what the period already says."""
    record = getattr(period, "official_attestation", None)
    if record is not None:
        return {name: getattr(record, name) for name in STUDENT_FIELDS}
    user = period.student.user
    return {
        "host_name": period.organisation,
        "start_date": period.start_date,
        "end_date": period.end_date,
        "trainee_email": user.email,
    }


def save_draft(*, period: InternshipPeriod, actor: User, data: dict[str, Any]) -> InternshipAttestation:
    """Create or change the student's part; refused once signed."""
    record: InternshipAttestation | None = getattr(period, "official_attestation", None)
    if record is not None and record.state == AttestationState.SIGNED:
        raise AttestationRefused("L'attestation est déjà signée : elle ne peut plus être modifiée.")
    values = {name: data.get(name) for name in STUDENT_FIELDS}
    values["tutor_email"] = (values["tutor_email"] or "").strip().lower()
    with transaction.atomic():
        created = record is None
        if record is None:
            record = InternshipAttestation(period=period)
        tutor_before = (record.tutor_user_id, record.tutor_email)
        for name, value in values.items():
            setattr(record, name, "" if value is None and name not in _NULLABLE else value)
        if not created and (record.tutor_user_id, record.tutor_email) != tutor_before:
            # Another tutor: what was sent to the previous one no longer opens anything.
            record.state = AttestationState.DRAFT
            record.link_hash, record.link_expires_at, record.link_used_at = "", None, None
        record.save()
        log_action(
            "attestation.drafted" if created else "attestation.draft_updated",
            actor=actor,
            obj=record,
            establishment_id=period.student.cohort.establishment_id,
            changes={"period_id": period.pk, "tutor_user_id": record.tutor_user_id, "tutor_email": record.tutor_email},
        )
    return record


_NULLABLE = {"trainee_birth_date", "presence_hours", "gratification", "tutor_user", "start_date", "end_date"}


def request_signature(*, record: InternshipAttestation, actor: User, site_url: str) -> InternshipAttestation:
    """Send the attestation to the tutor: an account is told by email (if it has one); an email address gets a
    one-time link. Sending again replaces the previous link."""
    if record.state == AttestationState.SIGNED:
        raise AttestationRefused("L'attestation est déjà signée.")
    student = record.period.student
    tutor = record.tutor_user
    to = (tutor.email if tutor else record.tutor_email).strip()
    if tutor is None and not to:
        raise AttestationRefused(
            "Indiquez le compte ou l'adresse électronique du tuteur avant d'envoyer l'attestation."
        )
    token = ""
    with transaction.atomic():
        record = InternshipAttestation.objects.select_for_update().get(pk=record.pk)
        record.state = AttestationState.SENT
        if tutor is None:
            token = secrets.token_urlsafe(32)
            record.link_hash = link_digest(token)
            record.link_expires_at = timezone.now() + timedelta(days=LINK_DAYS)
            record.link_used_at = None
            url = site_url + reverse("passeport:attestation_link", args=[token])
        else:
            record.link_hash, record.link_expires_at, record.link_used_at = "", None, None
            url = site_url + reverse("passeport:attestation_sign", args=[record.pk])
        record.save(update_fields=["state", "link_hash", "link_expires_at", "link_used_at", "updated_at"])
        if to:
            _send_request_email(record, to, url, with_link=tutor is None)
        log_action(
            "attestation.sent",
            actor=actor,
            obj=record,
            establishment_id=student.cohort.establishment_id,
            changes={
                "to": to,
                "tutor_user_id": tutor.pk if tutor else None,
                "one_time_link": tutor is None,
                "expires_at": record.link_expires_at.isoformat() if record.link_expires_at else "",
            },
        )
    return record


def _send_request_email(record: InternshipAttestation, to: str, url: str, *, with_link: bool) -> None:
    """The « attestation à signer » email, filed in the outbox by this transaction (sent after commit)."""
    student = record.period.student
    context = {
        "record": record,
        "student": student,
        "establishment": student.cohort.establishment,
        "url": url,
        "with_link": with_link,
        "days": LINK_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=" ".join(render_to_string(f"{EMAIL_TEMPLATE}-subject.txt", context).split()),
        body=render_to_string(f"{EMAIL_TEMPLATE}-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"X-NDRC-Establishment": str(student.cohort.establishment_id), "X-NDRC-Kind": "attestation_request"},
    )
    message.attach_alternative(render_to_string(f"{EMAIL_TEMPLATE}-body.html", context), "text/html")
    message.send()


def find_by_link(token: str) -> InternshipAttestation:
    """The attestation a link opens, or ``AttestationRefused`` (audited) with the French reason."""
    digest = link_digest(token or "")
    record = (
        InternshipAttestation.objects.select_related("period__student__cohort__establishment", "period__student__user")
        .filter(link_hash=digest)
        .exclude(link_hash="")
        .first()
    )
    if record is None or not constant_time_compare(record.link_hash, digest):
        _refuse_link(None, "unknown")
    if record.link_used_at is not None or record.state == AttestationState.SIGNED:
        _refuse_link(record, "used")
    if record.link_expires_at is None or record.link_expires_at < timezone.now():
        _refuse_link(record, "expired")
    return record


def _refuse_link(record: InternshipAttestation | None, reason: str) -> NoReturn:
    log_action(
        "attestation.link_refused",
        obj=record,
        changes={"reason": reason},
    )
    raise AttestationRefused(LINK_MESSAGES[reason], reason)


def sign(
    *, record: InternshipAttestation, data: dict[str, Any], signer: User | None, via: str
) -> InternshipAttestation:
    """The tutor's checked values and signature; the signed PDF is written and the period takes the counted weeks."""
    duration = count_duration(data["presence_hours"], forms_session_of(record))
    if duration is None or duration.weeks <= 0:
        raise AttestationRefused("La présence déclarée doit représenter au moins une demi-semaine de stage.")
    period = record.period
    saved = None
    try:
        with transaction.atomic():
            locked = InternshipAttestation.objects.select_for_update().get(pk=record.pk)
            if locked.state == AttestationState.SIGNED or locked.link_hash != record.link_hash:
                already = LINK_MESSAGES["used"] if via == SignedVia.LINK else "L'attestation est déjà signée."
                raise AttestationRefused(already)
            for name in TUTOR_FIELDS:
                setattr(record, name, data[name])
            record.state = AttestationState.SIGNED
            record.signed_at = timezone.now()
            record.signed_by = signer
            record.signed_via = via
            if via == SignedVia.LINK:
                record.link_used_at = record.signed_at
            content = render_attestation_pdf(record)
            saved = save_field_file(record.pdf, attestation_filename(record), content, check=pdf_check())
            record.save()
            before = {
                "start_date": str(period.start_date),
                "end_date": str(period.end_date),
                "weeks": str(period.weeks),
            }
            period.start_date, period.end_date, period.weeks = record.start_date, record.end_date, duration.weeks
            period.save(update_fields=["start_date", "end_date", "weeks"])
            log_action(
                "attestation.signed",
                actor=signer,
                obj=record,
                establishment_id=period.student.cohort.establishment_id,
                changes={
                    "via": via,
                    "signer_name": record.signer_name,
                    "signer_function": record.signer_function,
                    "presence_hours": str(record.presence_hours),
                    "days": duration.days,
                    "weeks": str(duration.weeks),
                    "gratification": str(record.gratification or 0),
                    "period_before": before,
                    "pdf_sha256": saved.sha256,
                },
            )
    except BaseException:
        # After the rollback: the deletion of the orphan file is recorded on its own (lib.storage).
        if saved is not None:
            record.pdf.storage.delete(saved.name)
        raise
    return record
