"""The official PDF of a fiche, the same on the national Word model, and the « does it fit its two pages? » check
(advice only: it never blocks)."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from audit.services import log_action
from passeport.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from passeport.docx import docx_filename, render_fiche_docx
from passeport.models import Fiche, FicheVerso
from passeport.pdf import analyse_fiche_layout, chosen_verso, pdf_filename, render_fiche_pdf
from passeport.permissions import get_fiche_for_user


def _verso_from_query(request: HttpRequest, fiche: Fiche) -> FicheVerso | None:
    """``?verso=N`` picks the verso of order N (E4); none given: the first one."""
    order = request.GET.get("verso")
    if order is None:
        return chosen_verso(fiche)
    if not order.isdigit():
        raise Http404
    verso = fiche.versos.filter(order=int(order)).first()
    if verso is None:
        raise Http404
    return verso


@login_required
@require_GET
def fiche_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fiche = get_fiche_for_user(request.user, pk)
    verso = _verso_from_query(request, fiche)
    response = HttpResponse(render_fiche_pdf(fiche, verso), content_type="application/pdf")
    response["Content-Disposition"] = cast(str, content_disposition_header(True, pdf_filename(fiche, verso)))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def fiche_fit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fiche = get_fiche_for_user(request.user, pk)
    verso = _verso_from_query(request, fiche)
    in_editor = bool(request.headers.get("HX-Request"))
    context = {
        "fiche": fiche,
        "verso": verso,
        "layout": analyse_fiche_layout(fiche, verso),
        # htmx swaps the fragment into the editor, whose fields the links then reach on the same page;
        # without JavaScript the same words come as a page of their own, linking back to the editor.
        "frame": "passeport/pdf/includes/partial.html" if in_editor else "base.html",
        "in_editor": in_editor,
        "editor_url": "" if in_editor else reverse("passeport:fiche_edit", args=[fiche.pk]),
    }
    return render(request, "passeport/fiche_fit.html", context)


@login_required
@require_GET
def fiche_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The fiche on the national Word model (ANNEXE V–1 / VII–1), for whoever may read it; audited."""
    fiche = get_fiche_for_user(request.user, pk)
    verso = _verso_from_query(request, fiche)
    content = render_fiche_docx(fiche, verso)
    filename = docx_filename(fiche, verso)
    with transaction.atomic():
        log_action(
            "fiche.word_downloaded",
            actor=request.user,
            obj=fiche,
            changes={"filename": filename, "verso": verso.order if verso is not None else None},
        )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = cast(str, content_disposition_header(True, filename))
    response["Cache-Control"] = "private, no-store"
    return response
