"""Administration pages that lower apps own (the audit log, the outbox), served here behind the admin check.

``audit`` and ``notifications`` know no domain app (dependencies point one way), so their views take the
establishments to show as an argument; this wrapper checks the role and passes them. It lives in a view module so
scripts/mutate_access_checks.py proves both checks matter.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from accounts import permissions
from accounts.http import AuthenticatedHttpRequest


def admin_scoped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` for establishment administrators only, called with ``establishment_ids``: those they administer."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        permissions.require_admin(request.user)
        return view(request, *args, establishment_ids=permissions.admin_establishment_ids(request.user), **kwargs)

    return wrapper
