"""Commissions, their members and dated situation steps, and the official information of the students.

A student never sees a commission page (404); they only reach their own letter and acknowledge their own
information. Every write goes through the services.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Cohort, Role, Student, User
from accounts.permissions import admin_establishment_ids, establishment_ids, is_staff_member
from certification.commissions import pdf as convocation_pdf
from certification.commissions.forms import (
    AddMemberForm,
    CommissionForm,
    RemoveMemberForm,
    StepForm,
    UninformedReasonForm,
)
from certification.commissions.models import Commission, Convocation, SituationStep, UninformedAssessment
from certification.commissions.presenters import mark_in_flight, member_candidates, student_rows
from certification.commissions.services import commissions as commission_services
from certification.commissions.services import convocations as convocation_services
from certification.commissions.services import delivery, informed
from certification.commissions.services.commissions import CommissionError
from certification.evaluation.selectors.progress import commissions_progress
from certification.permissions import (
    can_manage_commission,
    commissions_for_user,
    get_commission_for_user,
    get_convocation_for_user,
    get_step_for_user,
)


def _require_commission_pages(user: User) -> None:
    """Commission pages are for the teaching team and the members: anybody else gets a 404."""
    if not is_staff_member(user) and not commissions_for_user(user).exists():
        raise Http404


def _cohorts_for_creation(user: User) -> QuerySet[Cohort]:
    """Administrators create commissions for their establishment's cohorts, teachers for the cohorts they teach."""
    return Cohort.objects.filter(
        Q(establishment_id__in=admin_establishment_ids(user))
        | Q(teachers=user, establishment_id__in=establishment_ids(user, Role.TEACHER))
    ).distinct()


@login_required
@require_GET
def commission_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_commission_pages(request.user)
    commissions = (
        Commission.objects.filter(pk__in=commissions_for_user(request.user).values("pk"))
        .select_related("session", "exam", "cohort__establishment", "responsible")
        .order_by("-session__year", "cohort__name", "exam__code")
    )
    context = {"commissions": commissions, "can_create": _cohorts_for_creation(request.user).exists()}
    return render(request, "certification/commissions/commission_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def commission_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    cohorts = _cohorts_for_creation(request.user)
    if not cohorts.exists():
        raise Http404
    initial = {"responsible": request.user.pk} if establishment_ids(request.user, Role.TEACHER) else {}
    form = CommissionForm(request.POST or None, cohorts=cohorts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commission = commission_services.create_commission(
                session=data["session"],
                exam_code=data["exam_code"],
                cohort=data["cohort"],
                number=data["number"],
                responsible=data["responsible"],
                actor=request.user,
            )
        except CommissionError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Commission {commission.exam.code} créée, avec ses situations A et B.")
            return redirect("certification:commission_detail", pk=commission.pk)
    return render(request, "certification/commissions/commission_form.html", {"form": form})


@login_required
@require_GET
def commission_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    situations = list(commission.situations.prefetch_related("steps"))
    steps = [step for situation in situations for step in situation.steps.all()]
    rows = student_rows(commission, steps)
    can_manage = can_manage_commission(request.user, commission)
    context = {
        "commission": commission,
        "members": commission.members.select_related("user"),
        "situations": situations,
        "steps": steps,
        "rows": rows,
        "can_manage": can_manage,
        "progress": commissions_progress([commission])[commission.pk],
        "single_assessor": bool(commission.exam.definition and commission.exam.definition.single_assessor),
    }
    for index, step in enumerate(steps):
        convocations = [row.cells[index].convocation for row in rows]
        # Who is still to be informed of this step: the checkboxes of its « inform » form. A convocation whose
        # email was not delivered (« non remise ») is sent again by the same form.
        step.to_inform = [
            row.student
            for row, convocation in zip(rows, convocations, strict=True)
            if convocation is None or convocation.delivery_state == delivery.UNDELIVERED
        ]
        step.undelivered_ids = {
            c.student_id for c in convocations if c is not None and c.delivery_state == delivery.UNDELIVERED
        }
        step.undelivered_count = len(step.undelivered_ids)
        # The progress of a background information: informed (with a proof) so far, out of the class.
        step.informed_count = sum(1 for c in convocations if c is not None and c.delivery_state == delivery.DELIVERED)
        # Sent but without a proof yet: on its way, or « remise incertaine ».
        step.waiting_count = len(rows) - step.informed_count - len(step.to_inform)
    mark_in_flight(steps, rows)
    if can_manage:
        context["member_form"] = AddMemberForm(candidates=member_candidates(commission))
        context["step_form"] = StepForm(situations=[situation.code for situation in situations])
    return render(request, "certification/commissions/commission_detail.html", context)


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return "Formulaire invalide."


@login_required
@require_POST
def commission_members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk, manage=True)
    try:
        if request.POST.get("action") == "remove":
            _remove_member(request, commission)
        else:
            _add_member(request, commission)
    except CommissionError as refusal:
        messages.error(request, refusal.message)
    return redirect(reverse("certification:commission_detail", args=[commission.pk]) + "#membres")


def _add_member(request: AuthenticatedHttpRequest, commission: Commission) -> None:
    form = AddMemberForm(request.POST, candidates=member_candidates(commission))
    if not form.is_valid():
        raise CommissionError(f"Membre non ajouté : {_first_error(form)}")
    member = commission_services.add_member(
        commission=commission, user=form.cleaned_data["user"], role=form.cleaned_data["role"], actor=request.user
    )
    note = "" if member.carries_responsibility else " (ne porte pas la responsabilité formelle de l'évaluation)"
    messages.success(request, f"{member.user.display_name} ajouté·e : {member.get_role_display()}{note}.")


def _remove_member(request: AuthenticatedHttpRequest, commission: Commission) -> None:
    form = RemoveMemberForm(request.POST)
    member = commission.members.select_related("user").filter(pk=form.data.get("member") or 0).first()
    if not form.is_valid() or member is None:
        raise CommissionError("Ce membre n'appartient pas à cette commission.")
    commission_services.remove_member(commission=commission, member=member, actor=request.user)
    messages.success(request, f"{member.user.display_name} ne fait plus partie de la commission.")


@login_required
@require_POST
def step_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk, manage=True)
    form = StepForm(request.POST, situations=list(commission.situations.values_list("code", flat=True)))
    if not form.is_valid():
        messages.error(request, f"Étape non ajoutée : {_first_error(form)}")
    else:
        try:
            step = commission_services.create_step(
                commission=commission,
                situation_code=form.cleaned_data["situation"],
                date=form.cleaned_data["date"],
                label=form.cleaned_data["label"],
                actor=request.user,
            )
        except CommissionError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                f"Étape du {step.date:%d/%m/%Y} ajoutée à la situation {form.cleaned_data['situation']}. "
                "Informez maintenant officiellement les étudiants de cette date.",
            )
    return redirect(reverse("certification:commission_detail", args=[commission.pk]) + "#situations")


def _letter_step_and_student(user: User, pk: int, student_pk: int) -> tuple[SituationStep, Student]:
    """The student reads the letter of a step they were informed of; the commission reads any of its cohort's."""
    student = Student.objects.select_related("user").filter(pk=student_pk).first()
    if student is None:
        raise Http404
    if student.user_id == user.pk:
        if not Convocation.objects.filter(step_id=pk, student=student).exists():
            raise Http404
        return convocation_pdf.load_step(pk), student
    step = get_step_for_user(user, pk)
    if student.cohort_id != step.situation.commission.cohort_id:
        raise Http404
    return convocation_pdf.load_step(pk), student


@login_required
@require_GET
def convocation_letter(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    step, student = _letter_step_and_student(request.user, pk, student_pk)
    response = HttpResponse(convocation_pdf.render_convocation_pdf(step, student), content_type="application/pdf")
    filename = convocation_pdf.letter_filename(step, student)
    response["Content-Disposition"] = cast(str, content_disposition_header(True, filename))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def uninformed_reason(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    step = get_step_for_user(request.user, pk, manage=True)
    commission = step.situation.commission
    student = commission.cohort.students.select_related("user").filter(pk=student_pk).first()
    if student is None:
        raise Http404
    existing = UninformedAssessment.objects.filter(step=step, student=student).first()
    form = UninformedReasonForm(request.POST or None, initial={"reason": existing.reason if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            informed.record_uninformed_reason(
                step=step, student=student, reason=form.cleaned_data["reason"], actor=request.user
            )
        except CommissionError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Motif enregistré : la commission pourra évaluer {student}.")
            return redirect(reverse("certification:commission_detail", args=[commission.pk]) + f"#etape-{step.pk}")
    context = {
        "form": form,
        "step": step,
        "commission": commission,
        "student": student,
        "existing": existing,
        "block_reason": informed.assessment_block_reason(student, step),
    }
    return render(request, "certification/commissions/step_uninformed_reason.html", context)


def _convocation_what(convocation: Convocation) -> str:
    if convocation.step is not None:
        return f"la date du {convocation.step.date:%d/%m/%Y}"
    return f"la convocation du {timezone.localtime(convocation.scheduled_for):%d/%m/%Y à %H:%M}"


@login_required
@require_POST
def convocation_ack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    convocation = get_convocation_for_user(request.user, pk)
    if convocation_services.acknowledge_convocation(convocation=convocation, actor=request.user):
        messages.success(request, f"Merci : réception de {_convocation_what(convocation)} confirmée.")
    else:
        messages.info(request, "Vous aviez déjà accusé réception de cette information.")
    return redirect("home")
