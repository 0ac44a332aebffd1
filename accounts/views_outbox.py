from django.http import HttpResponse


def outbox_list(request):  # replaced by the outbox work
    return HttpResponse(status=501)
