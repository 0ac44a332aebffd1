"""The commission's conformity check of a dossier, and the official NV notification (for the candidate)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from certification.dossiers.forms_conformity import ConformityForm
from certification.dossiers.pdf import load_check, nv_filename, render_nv_pdf
from certification.dossiers.selectors import deposit_deadline, is_late
from certification.dossiers.services.conformity import (
    ConformityError,
    conformity_history,
    dossier_nv_definition,
    record_conformity,
    suggested_reasons,
)
from certification.models import ConformityCheck, ConformityDecision
from certification.permissions import get_dossier_for_user
from passeport.selectors_internships import internship_summary

RECORDED = {
    ConformityDecision.CONFORME: "Contrôle enregistré : dossier conforme.",
    ConformityDecision.NOT_VALID: "Contrôle enregistré : mention NV. La notification au candidat est disponible "
    "dans l'historique des contrôles.",
    ConformityDecision.RESERVED: "Contrôle enregistré : note réservée. Enregistrez un nouveau contrôle une fois le "
    "doute levé.",
}


@login_required
@require_http_methods(["GET", "POST"])
def conformity_check(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, pk, check=True)
    nv_definition = dossier_nv_definition(dossier)
    summary = internship_summary(dossier.student)
    suggestions = suggested_reasons(dossier, summary)
    bound = request.method == "POST"
    form = ConformityForm(
        request.POST if bound else None,
        nv_definition=nv_definition,
        initial={"nv_reasons": [s.code for s in suggestions]},
    )
    if bound and form.is_valid():
        try:
            check = record_conformity(dossier=dossier, actor=request.user, **form.cleaned_data)
        except ConformityError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, RECORDED[check.decision])
            return redirect("certification:conformity_check", pk=dossier.pk)
    why = {s.code: s.why for s in suggestions}
    deadline = deposit_deadline(dossier)
    context = {
        "dossier": dossier,
        "student": dossier.student,
        "form": form,
        "deadline": deadline,
        "late": is_late(dossier, deadline=deadline),
        "summary": summary,
        "suggestions": [(nv_definition.reason_label(s.code), s.why) for s in suggestions],
        "reason_rows": [(widget, why.get(widget.data["value"], "")) for widget in form["nv_reasons"]],
        "history": [
            (check, [nv_definition.reason_label(c) for c in check.nv_reasons]) for check in conformity_history(dossier)
        ],
    }
    return render(request, "certification/dossiers/conformity_check.html", context)


@login_required
@require_GET
def nv_notification(request: HttpRequest, pk: int) -> HttpResponse:
    dossier_id = ConformityCheck.objects.filter(pk=pk).values_list("dossier_id", flat=True).first()
    if dossier_id is None:
        raise Http404
    # The notification is addressed to the candidate: they read it, as does the commission that decided it.
    dossier = get_dossier_for_user(request.user, dossier_id)
    if dossier.student.user_id != request.user.pk:
        get_dossier_for_user(request.user, dossier_id, check=True)
    check = load_check(pk)
    if check.decision != ConformityDecision.NOT_VALID:
        raise Http404
    response = HttpResponse(render_nv_pdf(check), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, nv_filename(check))
    response["Cache-Control"] = "private, no-store"
    return response
