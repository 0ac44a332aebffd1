"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def grid_member(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def grid_agreed(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def grid_evidence(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def grid_pdf(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
