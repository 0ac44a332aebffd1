"""/sante/: the probe for load balancers and monitoring, and the administrators' page of failed background tasks."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from accounts import permissions
from accounts.http import AuthenticatedHttpRequest
from health import selectors
from health.checks import run_checks


@never_cache
@require_safe
def sante(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, 503 otherwise, within 2 s; no login, no session, no personal data.

    It never reads request.user or request.session, so no session row is read or written and the answer does not
    depend on who asks; never_cache sets Cache-Control, so the security middleware does not look at the user either.
    """
    report = run_checks()
    status = 200 if report.ok else 503
    return JsonResponse(report.as_public_dict(), status=status, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def failed_tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_admin(request.user)
    context = {"tasks": selectors.recent_failed_tasks(), "days": selectors.FAILURE_WINDOW.days}
    return render(request, "health/failed_tasks.html", context)
