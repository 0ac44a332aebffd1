"""The commission's progress candidate by candidate: states of every step, a filter, a search, sorting by links.

Everything works without JavaScript: the filter and the search are a GET form, the column headers are links with a
``tri`` parameter. Members and the establishment's administration see the page; a professional member sees the
candidates whose passage jury they sit on.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from certification.evaluation.selectors import candidates
from certification.permissions import get_commission_for_user, member_of

SORTS = {"nom": "Nom", "etape": "Prochaine étape"}
FILTERS = [("", "Tous les candidats"), (candidates.TODO, "Seulement ce qui reste à faire")] + [
    (key, f"Étape : {label}") for key, label in candidates.STEPS
]


def _filter(rows: list[candidates.Row], step: str, query: str) -> list[candidates.Row]:
    if step == candidates.TODO:
        rows = [row for row in rows if row.missing]
    elif step:
        rows = [row for row in rows if step in row.missing]
    words = query.casefold().split()
    return [row for row in rows if all(word in str(row.student).casefold() for word in words)]


def _sort(rows: list[candidates.Row], sort: str) -> list[candidates.Row]:
    key = sort.lstrip("-")
    if key == "etape":
        rows = sorted(rows, key=lambda row: row.rank)  # stable: French name order within a step
    return list(reversed(rows)) if sort.startswith("-") else rows


@login_required
@require_GET
def commission_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    seat = member_of(request.user, commission)
    step = request.GET.get("etape", "")
    step = step if step in dict(FILTERS) else ""
    sort = request.GET.get("tri", "nom")
    sort = sort if sort.lstrip("-") in SORTS else "nom"
    query = request.GET.get("q", "").strip()[:100]
    rows = candidates.commission_rows(commission, seat)
    shown = _sort(_filter(rows, step, query), sort)
    headers = [
        {
            "label": label,
            "key": key,
            "current": sort.lstrip("-") == key,
            "descending": sort == f"-{key}",
            "url": "?" + urlencode({"etape": step, "q": query, "tri": f"-{key}" if sort == key else key}),
        }
        for key, label in SORTS.items()
    ]
    context = {
        "commission": commission,
        "seat": seat,
        "rows": shown,
        "total": len(rows),
        "todo_count": sum(1 for row in rows if row.missing),
        "filters": FILTERS,
        "step": step,
        "query": query,
        "sort": sort,
        "headers": {header["key"]: header for header in headers},
    }
    return render(request, "certification/evaluation/progress.html", context)
