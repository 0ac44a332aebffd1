"""Periods in a company (internship, apprenticeship, work experience) and their attestations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Student
from audit.services import log_action
from passeport.forms_activities import InternshipForm
from passeport.models import InternshipPeriod
from passeport.permissions import get_internship_for_user, get_passeport_student_for_user
from passeport.selectors_internships import internship_summary
from passeport.services import evidence as evidence_services
from passeport.services import internships as internship_services
from passeport.services.evidence import EvidenceRefused
from passeport.views_activities import private_file_response


@login_required
@require_http_methods(["GET", "POST"])
def internship_create(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    student = get_passeport_student_for_user(request.user, student_pk, write=True)
    bound = request.method == "POST"
    form = InternshipForm(request.POST if bound else None, request.FILES if bound else None)
    if bound and form.is_valid():
        try:
            internship_services.create_internship(
                student=student,
                actor=request.user,
                data=form.cleaned_data,
                attestation=form.cleaned_data["attestation"],
            )
        except EvidenceRefused as refusal:
            form.add_error("attestation", refusal.message)
        else:
            messages.success(request, "Période en entreprise enregistrée.")
            return redirect("passeport:internship_create", student_pk=student.pk)
    return _render_form(request, form, student, None)


@login_required
@require_http_methods(["GET", "POST"])
def internship_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_internship_for_user(request.user, pk, write=True)
    bound = request.method == "POST"
    initial = {name: getattr(period, name) for name in internship_services.FIELDS}
    form = InternshipForm(request.POST if bound else None, request.FILES if bound else None, initial=initial)
    if bound and form.is_valid():
        try:
            internship_services.update_internship(
                period=period, actor=request.user, data=form.cleaned_data, attestation=form.cleaned_data["attestation"]
            )
        except EvidenceRefused as refusal:
            form.add_error("attestation", refusal.message)
        except internship_services.InternshipLocked as locked:
            form.add_error(None, locked.message)
        else:
            messages.success(request, "Période en entreprise modifiée.")
            return redirect("passeport:internship_create", student_pk=period.student_id)
    return _render_form(request, form, period.student, period)


def _render_form(
    request: HttpRequest, form: InternshipForm, student: Student, period: InternshipPeriod | None
) -> HttpResponse:
    context = {
        "form": form,
        "student": student,
        "period": period,
        "periods": student.internships.select_related("official_attestation"),
        "summary": internship_summary(student),
    }
    return render(request, "passeport/internship_form.html", context)


@login_required
@require_GET
def internship_attestation(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    period = get_internship_for_user(request.user, pk)
    if not period.attestation:
        raise Http404
    log_action(
        "attestation.downloaded",
        actor=request.user,
        obj=period,
        changes={"student_id": period.student_id},
    )
    name = evidence_services.name_for_type(period.attestation_name, period.attestation_content_type)
    return private_file_response(period.attestation, name, period.attestation_content_type)
