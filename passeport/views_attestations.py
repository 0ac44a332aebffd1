"""The official attestation de stage (ANNEXE III-2): the student prepares it, the tutor signs it, everyone who may
see the period downloads the signed PDF."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import throttle
from accounts.http import AuthenticatedHttpRequest
from audit.services import log_action
from passeport.attestation import attestation_context, attestation_filename, count_duration, forms_session_of
from passeport.forms_attestations import AccountSignForm, AttestationDraftForm, TutorSignForm
from passeport.models import AttestationState, InternshipAttestation, InternshipKind, SignedVia
from passeport.permissions import get_attestation_to_sign, get_internship_for_user
from passeport.services import attestations as attestation_services
from passeport.services.attestations import AttestationRefused
from passeport.views_activities import private_file_response

OWN_ATTESTATION = "Vous ne pouvez pas signer votre propre attestation de stage : seul le tuteur peut la signer."


def _site_url(request: HttpRequest) -> str:
    return settings.SITE_URL or request.build_absolute_uri("/")[:-1]


@login_required
@require_http_methods(["GET", "POST"])
def attestation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The student fills what they know and sends the attestation to the tutor."""
    period = get_internship_for_user(request.user, pk, write=True)
    if period.kind != InternshipKind.STAGE:
        raise Http404
    record = getattr(period, "official_attestation", None)
    bound = request.method == "POST" and (record is None or record.state != AttestationState.SIGNED)
    initial = attestation_services.initial_for(period)
    form = AttestationDraftForm(request.POST if bound else None, initial=initial, student=period.student)
    if bound and form.is_valid():
        try:
            record = attestation_services.save_draft(period=period, actor=request.user, data=form.cleaned_data)
            if "send" in request.POST:
                attestation_services.request_signature(record=record, actor=request.user, site_url=_site_url(request))
                messages.success(request, "Attestation envoyée au tuteur pour vérification et signature.")
            else:
                messages.success(request, "Attestation enregistrée.")
        except AttestationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("passeport:attestation_edit", pk=period.pk)
    context = {"form": form, "period": period, "record": record, "student": period.student}
    return render(request, "passeport/attestation_form.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def attestation_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The tutor's account: check, correct and sign, typing the password again."""
    record = get_attestation_to_sign(request.user, pk)
    if record.state == AttestationState.SIGNED:
        return _render_signed(request, record)
    bound = request.method == "POST"
    ip = throttle.client_ip(request)
    form = AccountSignForm(request.POST if bound else None, initial=_tutor_initial(record), user=request.user)
    if bound and throttle.is_locked(request.user.username, ip):
        form.is_valid()
        form.add_error(None, "Trop de tentatives échouées. Réessayez dans quelques minutes.")
    elif bound and form.is_valid():
        return _sign(request, form, record, signer=request.user, via=SignedVia.ACCOUNT)
    elif bound and "password" in form.errors:
        throttle.record_failure(request.user.username, ip)
        log_action(
            "attestation.reauth_failed",
            actor=request.user,
            obj=record,
        )
    return _render_sign(request, form, record, via=SignedVia.ACCOUNT)


@never_cache
@require_http_methods(["GET", "POST"])
def attestation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The tutor without an account, from the one-time link of the email: check, correct, confirm and sign."""
    try:
        record = attestation_services.find_by_link(token)
    except AttestationRefused as refusal:
        status = 404 if refusal.reason == "unknown" else 410
        return render(request, "passeport/attestation_link_refused.html", {"message": refusal.message}, status=status)
    if request.user.is_authenticated and record.period.student.user_id == request.user.pk:
        raise PermissionDenied(OWN_ATTESTATION)
    bound = request.method == "POST"
    form = TutorSignForm(request.POST if bound else None, initial=_tutor_initial(record))
    if bound and form.is_valid():
        signer = request.user if request.user.is_authenticated else None
        return _sign(request, form, record, signer=signer, via=SignedVia.LINK)
    return _render_sign(request, form, record, via=SignedVia.LINK)


def _tutor_initial(record: InternshipAttestation) -> dict:
    return {name: getattr(record, name) for name in attestation_services.TUTOR_FIELDS}


def _sign(request: HttpRequest, form, record: InternshipAttestation, *, signer, via: str) -> HttpResponse:
    try:
        record = attestation_services.sign(record=record, data=form.cleaned_data, signer=signer, via=via)
    except AttestationRefused as refusal:
        form.add_error(None, refusal.message)
        return _render_sign(request, form, record, via=via)
    return _render_signed(request, record)


def _render_sign(request: HttpRequest, form, record: InternshipAttestation, *, via: str) -> HttpResponse:
    context = {
        **attestation_context(record),
        "form": form,
        "via": via,
        "counting": count_duration(record.presence_hours, forms_session_of(record)),
    }
    return render(request, "passeport/attestation_sign.html", context)


def _render_signed(request: HttpRequest, record: InternshipAttestation) -> HttpResponse:
    return render(request, "passeport/attestation_signed.html", attestation_context(record))


@login_required
@require_GET
def attestation_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The signed attestation, for the student, their establishment's staff and the professionals who follow them."""
    period = get_internship_for_user(request.user, pk)
    record = period.signed_attestation
    if record is None or not record.pdf:
        raise Http404
    log_action(
        "attestation.pdf_downloaded",
        actor=request.user,
        obj=record,
        establishment_id=period.student.cohort.establishment_id,
        changes={"student_id": period.student_id},
    )
    return private_file_response(record.pdf, attestation_filename(record), "application/pdf")
