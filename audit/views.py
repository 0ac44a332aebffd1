"""The administrators' audit log: who did what, filtered by action, actor or object.

The view receives the establishments it may show (``establishment_ids``) from the caller's access wrapper
(``accounts.views_admin.admin_scoped``), so the audit app never imports a domain app.
"""

from collections.abc import Iterable

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import AuditEntry

PAGE_SIZE = 50


def audit_log(request: HttpRequest, *, establishment_ids: Iterable[int]) -> HttpResponse:
    entries = AuditEntry.objects.filter(establishment_id__in=establishment_ids)
    filters = {
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "object": request.GET.get("object", "").strip(),
    }
    if filters["action"]:
        entries = entries.filter(action__icontains=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_repr__icontains=filters["actor"])
    if filters["object"]:
        entries = entries.filter(object_repr__icontains=filters["object"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/audit_log.html", {"page": page, "filters": filters})
