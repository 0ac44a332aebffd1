"""The administrators' view of outgoing email: what is waiting, what left, what failed and why."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions
from notifications.models import OutboxState
from notifications.selectors import outbox_for_establishments

PAGE_SIZE = 50


@login_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    permissions.require_admin(request.user)
    state = request.GET.get("etat", "")
    if state not in OutboxState.values:
        state = ""
    messages = outbox_for_establishments(permissions.admin_establishment_ids(request.user), state=state)
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {"etat": state} if state else {}
    context = {"page": page, "filters": filters, "state": state, "states": OutboxState.choices}
    return render(request, "notifications/outbox_list.html", context)
