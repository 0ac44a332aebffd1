"""Placeholder views: replaced by the work on this area."""

from django.http import HttpResponse


def evaluation_sheet(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def evaluation_sheet_pdf(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def evaluation_sign(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def deliberation(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def grid_disclosure(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


def student_results(request, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
