"""One-time codes for a first login without email (« Première connexion »).

SIECLE exports carry no email address, so an imported student cannot use « Mot de passe oublié ». A teacher of the
class (or the establishment's administration) prints a sheet of slips, one code per student; the student types
their username and the code once, chooses a password that follows the product's rules, and is logged in.

- A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 49 bits: guessing it online
  is hopeless under the login throttle, which it shares (a wrong code counts as a failed login for the account).
- Only a keyed hash is stored: HMAC-SHA-256 of the account's id and the code under the secret key. The codes in clear
  exist only in the PDF returned by the request that issued them, which is not stored anywhere; a lost sheet is simply
  issued again. Not Django's password hasher: at ~0.5 s a hash, a class of 35 would take 20 s to print and each
  attempt would cost seconds. A keyed hash is safe here because the code is random (not a chosen password) and
  reversing the table needs the secret key, which already lets its holder reset any account.
- One live code per account (a database constraint): issuing a new one marks the previous one replaced.
- A code expires after ``settings.ACCESS_CODE_DAYS``, is used once, and dies when the account logs in after it was
  issued (whoever holds the slip may no longer take an account that is already in use).
- Every issue, use and refusal is in the audit log. The visitor is told « wrong », « expired », « used » or
  « replaced » only when the code typed is one really issued for that username; otherwise a single message that
  never says whether the username exists.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts import throttle
from accounts.models import AccessCode, Establishment, Student, User
from accounts.permissions import home_establishment_id
from audit.services import log_action

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10
KEY_SALT = "accounts.access_codes"


class CodeRefused(Exception):
    """The code cannot be used; ``message`` is the French text for the visitor, ``reason`` goes to the audit log."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


UNKNOWN = "Identifiant ou code incorrect. Vérifiez la saisie, ou demandez un nouveau code à votre enseignant·e."
MESSAGES = {
    "wrong": UNKNOWN,
    "expired": "Ce code a expiré. Demandez une nouvelle fiche de connexion à votre enseignant·e.",
    "used": "Ce code a déjà servi. Connectez-vous avec le mot de passe choisi, ou demandez un nouveau code.",
    "replaced": "Ce code a été remplacé par un plus récent. Utilisez le dernier code reçu.",
    "account_used": (
        "Ce compte a déjà été utilisé depuis l'impression de ce code : connectez-vous avec votre mot de passe, "
        "ou demandez un nouveau code."
    ),
    "inactive": "Ce compte n'est pas actif. Adressez-vous à l'administration de votre établissement.",
    "throttled": "Trop de tentatives échouées. Réessayez dans quelques minutes.",
}


@dataclass(frozen=True)
class IssuedCode:
    """A code in clear, for the sheet printed now: never kept."""

    user: User
    code: str
    expires_at: datetime
    student: Student | None = None

    @property
    def grouped(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"


def digest(user_id: int, code: str, secret: str | bytes | None = None) -> str:
    return salted_hmac(KEY_SALT, f"{user_id}:{normalize(code)}", secret=secret, algorithm="sha256").hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(typed: str) -> str:
    """What a person types: spaces, dashes and lower case are forgiven."""
    return "".join(c for c in (typed or "").upper() if c.isalnum())[: LENGTH * 2]


def issue_codes(*, users: list[User], establishment: Establishment, issued_by: User, context: str) -> list[IssuedCode]:
    """A fresh code for each of ``users`` (their previous live code replaced), each issue in the audit log."""
    now = timezone.now()
    expires_at = now + timedelta(days=settings.ACCESS_CODE_DAYS)
    issued = []
    with transaction.atomic():
        for user in users:
            replaced = AccessCode.objects.filter(user=user, used_at__isnull=True, replaced_at__isnull=True).update(
                replaced_at=now
            )
            code = new_code()
            AccessCode.objects.create(
                user=user,
                establishment=establishment,
                issued_by=issued_by,
                code_hash=digest(user.pk, code),
                created_at=now,
                expires_at=expires_at,
            )
            log_action(
                "access_code.issued",
                actor=issued_by,
                obj=user,
                establishment_id=establishment.pk,
                changes={"for": context, "expires": expires_at.date().isoformat(), "replaced": bool(replaced)},
            )
            issued.append(IssuedCode(user=user, code=code, expires_at=expires_at))
    return issued


def issue_cohort_codes(*, students: list[Student], issued_by: User) -> list[IssuedCode]:
    """One code per student of one class (``students`` all of the same cohort, checked by the caller)."""
    if not students:
        return []
    cohort = students[0].cohort
    issued = issue_codes(
        users=[s.user for s in students],
        establishment=cohort.establishment,
        issued_by=issued_by,
        context=f"classe {cohort.name}",
    )
    pairs = zip(issued, students, strict=True)
    return [IssuedCode(user=i.user, code=i.code, expires_at=i.expires_at, student=s) for i, s in pairs]


def check_code(*, username: str, code: str, ip: str | None) -> AccessCode:
    """The live code ``code`` of ``username``, or ``CodeRefused`` (every refusal audited and counted for throttling).

    Read-only apart from the refusal's records: the code is consumed by ``use_code`` once the password is valid.
    """
    username = (username or "").strip()
    if throttle.is_locked(username, ip):
        _refuse(username, None, "throttled", ip)
    user = User.objects.filter(username__iexact=username).first() if username else None
    match = None
    if user is not None:
        # Codes issued before a change of SECRET_KEY still work while the old key is in SECRET_KEY_FALLBACKS.
        secrets_in_use = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        digests = [digest(user.pk, code, secret) for secret in secrets_in_use]
        match = user.access_codes.filter(code_hash__in=digests).select_related("user").first()
    if match is None:
        _refuse(username, user, "wrong", ip)
    reason = _why_not_live(match)
    if reason:
        _refuse(username, user, reason, ip)
    return match


def _why_not_live(access_code: AccessCode) -> str:
    if access_code.used_at:
        return "used"
    if access_code.replaced_at:
        return "replaced"
    if access_code.expires_at <= timezone.now():
        return "expired"
    user = access_code.user
    if not user.is_active or (user.is_demo and not settings.DEMO_MODE):
        return "inactive"
    if user.last_login and user.last_login > access_code.created_at:
        return "account_used"
    return ""


def _refuse(username: str, user: User | None, reason: str, ip: str | None) -> NoReturn:
    with transaction.atomic():
        if reason != "throttled":
            throttle.record_failure(username, ip)
        log_action(
            "access_code.refused",
            obj=user,
            establishment_id=home_establishment_id(user) if user else None,
            changes={"account": user.username if user else "inconnu", "reason": reason, "ip": ip},
        )
    raise CodeRefused(reason, MESSAGES[reason])


def use_code(*, access_code: AccessCode, password: str, ip: str | None) -> User:
    """Consume the code and set the account's password (already validated by the caller's form)."""
    with transaction.atomic():
        access_code = AccessCode.objects.select_for_update().select_related("user").get(pk=access_code.pk)
        reason = _why_not_live(access_code)
        if reason:
            # Two tabs, one slip: the other one won.
            transaction.set_rollback(True)
        else:
            user = access_code.user
            user.set_password(password)
            user.save(update_fields=["password"])
            access_code.used_at = timezone.now()
            access_code.save(update_fields=["used_at"])
            log_action(
                "access_code.used",
                actor=user,
                obj=user,
                establishment_id=access_code.establishment_id,
                changes={"ip": ip},
            )
    if reason:
        _refuse(access_code.user.username, access_code.user, reason, ip)
    return user
