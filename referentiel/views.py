from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from referentiel.models import ReferentielVersion
from referentiel.selectors import current_version, referentiel_tree


@login_required
def referentiel_detail(request: HttpRequest) -> HttpResponse:
    """The référentiel is public knowledge: every logged-in person may read every version of it."""
    code = request.GET.get("version")
    version = get_object_or_404(ReferentielVersion, code=code) if code else current_version()
    context = referentiel_tree(version) if version is not None else {"version": None}
    return render(request, "referentiel/detail.html", context)
