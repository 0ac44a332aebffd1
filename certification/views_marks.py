"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def profiles(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def result_edit(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def result_reopen(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
