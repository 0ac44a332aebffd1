from django.http import HttpResponse


def import_upload(request, pk):  # replaced by the student-import work
    return HttpResponse(status=501)


def import_confirm(request, pk):
    return HttpResponse(status=501)
