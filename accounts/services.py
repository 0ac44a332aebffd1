"""Writes on people and organisation: one function per action, each in a transaction with its audit entry."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Establishment, Invitation, Membership, Role, Student, User
from audit.services import log_action

INVITATION_DAYS = 14


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_professional(
    *,
    establishment: Establishment,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    students: list[Student],
    base_url: str,
) -> Invitation:
    """Create (or reuse) the professional's limited account and email them a link to choose a password."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(username=_free_username(email), email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(
            user=user, establishment=establishment, role=Role.PROFESSIONAL, defaults={"invited_by": invited_by}
        )
        for student in students:
            student.professionals.add(user)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            user=user,
            establishment=establishment,
            invited_by=invited_by,
            token_hash=_hash(token),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        log_action(
            "professional.invited",
            actor=invited_by,
            obj=user,
            establishment_id=establishment.pk,
            changes={"email": email, "students": [s.pk for s in students]},
        )
        link = base_url + reverse("accounts:accept_invitation", args=[token])
        _send_invitation(user, establishment, invited_by, link)
    return invitation


def _free_username(email: str) -> str:
    base = email.split("@")[0].lower()[:100] or "pro"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _send_invitation(user: User, establishment: Establishment, invited_by: User, link: str) -> None:
    context = {
        "user": user,
        "establishment": establishment,
        "invited_by": invited_by,
        "link": link,
        "days": INVITATION_DAYS,
    }
    subject = render_to_string("accounts/email/invitation-subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email/invitation-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"X-NDRC-Establishment": str(establishment.pk)},
    )
    message.attach_alternative(render_to_string("accounts/email/invitation-body.html", context), "text/html")
    message.send()


def find_invitation(token: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("user", "establishment").filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.accepted_at or invitation.expires_at < timezone.now():
        return None
    return invitation


def accept_invitation(*, invitation: Invitation, password: str) -> User:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValueError("Cette invitation a déjà été utilisée.")
        user = invitation.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        log_action(
            "professional.invitation_accepted", actor=user, obj=user, establishment_id=invitation.establishment_id
        )
    return user
