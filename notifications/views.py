"""The administrators' view of outgoing email: what is waiting, what left, what failed and why; and a retry.

Each view receives the establishments it may show (``establishment_ids``) from the caller's access wrapper
(``accounts.views_admin.admin_scoped``), so notifications never imports a domain app.
"""

from collections.abc import Iterable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from notifications import services
from notifications.models import OutboxMessage, OutboxState
from notifications.selectors import outbox_for_establishments

PAGE_SIZE = 50


@require_GET
def outbox_list(request: HttpRequest, *, establishment_ids: Iterable[int]) -> HttpResponse:
    state = request.GET.get("etat", "")
    if state not in OutboxState.values:
        state = ""
    messages_ = outbox_for_establishments(establishment_ids, state=state)
    page = Paginator(messages_, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {"etat": state} if state else {}
    context = {"page": page, "filters": filters, "state": state, "states": OutboxState.choices}
    return render(request, "notifications/outbox_list.html", context)


@require_POST
def outbox_retry(request: HttpRequest, pk: int, *, establishment_ids: Iterable[int]) -> HttpResponse:
    establishment_ids = list(establishment_ids)
    user = request.user
    if (
        not user.is_authenticated
        or not OutboxMessage.objects.filter(pk=pk, establishment_id__in=establishment_ids).exists()
    ):
        raise Http404
    try:
        message = services.retry_message(message_id=pk, actor=user, establishment_ids=establishment_ids)
    except services.OutboxRefusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Nouvel envoi demandé pour « {message.subject} » : il part dans quelques secondes.")
    return redirect(reverse("accounts:outbox") + f"#courriel-{pk}")
