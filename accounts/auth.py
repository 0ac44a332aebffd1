from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from accounts import throttle
from accounts.permissions import home_establishment_id
from audit.services import log_action


class ThrottledModelBackend(ModelBackend):
    """Log in with the username or the email address; refuse while the account or the IP is throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if throttle.is_locked(username, throttle.client_ip(request)):
            raise PermissionDenied("throttled")
        user_model = get_user_model()
        try:
            if "@" in username:
                user = user_model._default_manager.get(email__iexact=username)
            else:
                user = user_model._default_manager.get(username__iexact=username)
        except (user_model.DoesNotExist, user_model.MultipleObjectsReturned):
            user_model().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("username", "") or ""
    ip = throttle.client_ip(request)
    throttle.record_failure(identifier, ip)
    # Never the text typed (a password typed in the wrong field would land in the log): the account it names, if any.
    account = get_user_model()._default_manager.filter(username=throttle.account_key(identifier)).first()
    log_action(
        "login.failed",
        obj=account,
        establishment_id=home_establishment_id(account) if account else None,
        changes={"account": account.username if account else "inconnu", "ip": ip},
    )


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    throttle.clear_failures(user.username)
    log_action(
        "login.succeeded",
        actor=user,
        obj=user,
        establishment_id=home_establishment_id(user),
        changes={"ip": throttle.client_ip(request)},
    )


@receiver(user_logged_out)
def _on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_action("logout", actor=user, obj=user, establishment_id=home_establishment_id(user))
