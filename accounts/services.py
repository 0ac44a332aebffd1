"""Writes on people and organisation: one function per action, each in a transaction with its audit entry."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Cohort, Establishment, Invitation, Membership, Role, Student, User
from audit.services import changed_fields, log_action

INVITATION_DAYS = 14


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_person(
    *,
    establishment: Establishment,
    invited_by: User | None,
    role: str,
    email: str,
    first_name: str,
    last_name: str,
    base_url: str,
    students: Sequence[Student] = (),
) -> Invitation:
    """Email the person with ``email`` (an account created if new) a link that grants ``role`` in
    ``establishment`` when accepted — not before: until then the role and the followed students are only on the
    invitation, and the inviter sees the address and the names as typed, never an existing account's name or state.

    A person who already has a password keeps it; the link then simply confirms the new role.
    """
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(username=_free_username(email), email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            user=user,
            establishment=establishment,
            invited_by=invited_by,
            token_hash=_hash(token),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
            role=role,
            email=email,
            first_name=first_name,
            last_name=last_name,
            student_ids=[student.pk for student in students],
        )
        log_action(
            f"{role}.invited",
            actor=invited_by,
            obj=user,
            establishment_id=establishment.pk,
            changes={"email": email, "role": role, "students": [s.pk for s in students]},
        )
        link = base_url + reverse("accounts:accept_invitation", args=[token])
        _send_invitation(user, establishment, invited_by, role, link)
    return invitation


def _free_username(email: str) -> str:
    base = email.split("@")[0].lower()[:100] or "pro"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _send_invitation(user: User, establishment: Establishment, invited_by: User | None, role: str, link: str) -> None:
    context = {
        "role": role,
        "role_label": Role(role).label,
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
        headers={"X-NDRC-Establishment": str(establishment.pk), "X-NDRC-Kind": "invitation"},
    )
    message.attach_alternative(render_to_string("accounts/email/invitation-body.html", context), "text/html")
    message.send()


def find_invitation(token: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("user", "establishment").filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.accepted_at or invitation.expires_at < timezone.now():
        return None
    return invitation


def accept_invitation(*, invitation: Invitation, password: str | None) -> User:
    """Activate the invited account; ``password`` is None for a person who already has one."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValueError("Cette invitation a déjà été utilisée.")
        user = invitation.user
        if password is not None:
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if invitation.role:
            Membership.objects.get_or_create(
                user=user,
                establishment=invitation.establishment,
                role=invitation.role,
                defaults={"invited_by": invitation.invited_by},
            )
        for student in Student.objects.filter(
            pk__in=invitation.student_ids, cohort__establishment=invitation.establishment
        ):
            student.professionals.add(user)
        log_action(
            "professional.invitation_accepted", actor=user, obj=user, establishment_id=invitation.establishment_id
        )
    return user


def save_cohort(*, cohort: Cohort | None, data: dict[str, Any], actor: User) -> Cohort:
    """Create or update a cohort and its teachers, with the changed fields in the audit log."""
    teachers = list(data.pop("teachers", []))
    with transaction.atomic():
        if cohort is None:
            cohort = Cohort.objects.create(**data)
            changes: dict[str, list[Any]] = {name: [None, str(value)] for name, value in data.items()}
            action = "cohort.created"
        else:
            # Compare with the stored row: a bound ModelForm has already copied the new values onto ``cohort``.
            changes = changed_fields(Cohort.objects.get(pk=cohort.pk), data)
            for name, value in data.items():
                setattr(cohort, name, value)
            cohort.save(update_fields=list(data))
            action = "cohort.updated"
        before = set(cohort.teachers.values_list("pk", flat=True))
        cohort.teachers.set(teachers)
        after = {t.pk for t in teachers}
        if before != after:
            changes["teachers"] = [sorted(before), sorted(after)]
        log_action(action, actor=actor, obj=cohort, changes=changes)
    return cohort
