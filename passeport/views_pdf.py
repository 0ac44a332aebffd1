"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def fiche_pdf(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def fiche_fit(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
