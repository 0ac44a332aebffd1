"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def activity_create(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def activity_detail(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def activity_edit(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def evidence_upload(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def evidence_download(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def evidence_delete(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
