"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def my_passeport(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def passeport(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def cohort_overview(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
