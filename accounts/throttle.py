"""Login throttling per account and per IP address, stored in the database so every worker agrees."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import LoginFailure

# Password reset requests share the table, under this prefix: kept as briefly, never counted as login failures.
RESET = "reset:"
RESET_PER_ACCOUNT = 3
RESET_PER_IP = 20


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)


def account_key(identifier: str) -> str:
    """One counter per account, whatever was typed: an email address counts for the account it belongs to."""
    identifier = (identifier or "").strip().lower()
    if "@" in identifier:
        username = (
            get_user_model()._default_manager.filter(email__iexact=identifier).values_list("username", flat=True)[:2]
        )
        if len(username) == 1:
            return username[0].lower()
    return identifier[: 150 - len(RESET)]


def _logins():
    return LoginFailure.objects.filter(at__gte=_window_start()).exclude(username__startswith=RESET)


def is_locked(username: str, ip: str | None) -> bool:
    recent = _logins()
    key = account_key(username)
    if key and recent.filter(username=key).count() >= settings.LOGIN_FAILURES_PER_ACCOUNT:
        return True
    return bool(ip) and recent.filter(ip_address=ip).count() >= settings.LOGIN_FAILURES_PER_IP


def record_failure(username: str, ip: str | None) -> None:
    """A failed login, or a wrong current password when changing it: both are guesses at the same password."""
    LoginFailure.objects.create(username=account_key(username), ip_address=ip)
    # Keep the table small: older rows no longer count for anything.
    LoginFailure.objects.filter(at__lt=_window_start() - timedelta(days=1)).delete()


def reset_allowed(email: str, ip: str | None) -> bool:
    """At most RESET_PER_ACCOUNT reset emails per account (or address) and RESET_PER_IP requests per IP address."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(username=RESET + account_key(email)).count() >= RESET_PER_ACCOUNT:
        return False
    return not (ip and recent.filter(username__startswith=RESET, ip_address=ip).count() >= RESET_PER_IP)


def record_reset(email: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=RESET + account_key(email), ip_address=ip)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(Q(username=username.lower())).delete()
