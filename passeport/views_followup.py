"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def fiche_comment(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def activity_validate(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def formative_create(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
