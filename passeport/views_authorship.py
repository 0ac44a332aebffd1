"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def cohort_authorship(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def fiche_compare(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
