"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def internship_create(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def internship_edit(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def internship_attestation(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
