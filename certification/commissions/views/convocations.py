"""Actions on one convocation whose email was refused or stayed without answer: send it again (maybe to a
corrected address) or record the printed letter handed over. Only who manages the commission may act."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from certification.commissions.forms import ResendConvocationForm
from certification.commissions.models import Convocation, Situation
from certification.commissions.services import convocations as convocation_services
from certification.commissions.services.commissions import CommissionError
from certification.permissions import get_commission_for_user


def _situation_of(convocation: Convocation) -> Situation:
    """The situation of the convocation's step, else of its passage (the model's constraint: exactly one is set)."""
    informed_of = convocation.step or convocation.passage
    if informed_of is None:
        raise Http404
    return informed_of.situation


def _convocation_to_manage(user: User, pk: int) -> Convocation:
    """The convocation, if ``user`` manages its commission (404 outside their commissions, 403 for a member)."""
    convocation = (
        Convocation.objects.select_related("step__situation", "passage__situation", "student__user")
        .filter(pk=pk)
        .first()
    )
    if convocation is None:
        raise Http404
    situation = _situation_of(convocation)
    get_commission_for_user(user, situation.commission_id, manage=True)
    return convocation


def _back(request: HttpRequest, convocation: Convocation) -> HttpResponse:
    situation = _situation_of(convocation)
    if convocation.passage_id:
        return redirect(reverse("certification:convocation_proofs", args=[situation.commission_id]))
    anchor = f"#etudiant-{convocation.student_id}"
    return redirect(reverse("certification:commission_detail", args=[situation.commission_id]) + anchor)


@login_required
@require_POST
def convocation_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    convocation = _convocation_to_manage(request.user, pk)
    form = ResendConvocationForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Convocation non renvoyée : {form.errors['email'][0]}")
        return _back(request, convocation)
    try:
        convocation_services.resend_convocation(
            convocation=convocation, email=form.cleaned_data["email"], actor=request.user
        )
    except CommissionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, f"Convocation de {convocation.student} renvoyée à {form.cleaned_data['email']} : envoi en cours."
        )
    return _back(request, convocation)


@login_required
@require_POST
def convocation_letter_handed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    convocation = _convocation_to_manage(request.user, pk)
    try:
        convocation_services.record_letter_handed(convocation=convocation, actor=request.user)
    except CommissionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Lettre remise en main propre à {convocation.student} : enregistré.")
    return _back(request, convocation)
