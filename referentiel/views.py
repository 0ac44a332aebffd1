from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def referentiel_detail(request):  # replaced by the référentiel work
    return HttpResponse(status=501)
