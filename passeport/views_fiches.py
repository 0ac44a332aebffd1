"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def fiche_create(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def fiche_edit(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def fiche_autosave(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def fiche_add_verso(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def fiche_versions(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def fiche_version_diff(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
