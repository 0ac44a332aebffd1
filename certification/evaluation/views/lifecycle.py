"""The candidate's lifecycle page: readiness, information, dossier, absences, result — and what remains.

Jury and establishment administrators read it (a student gets a 404). Recording readiness or an absence is the
commission's act: its responsible, a member carrying the responsibility, or an administrator of the establishment
(the exam office); a professional member reads only (403). « Absence de dépôt » creates the empty dossier of a
student who never opened one and leads to the conformity check, where the NV is recorded.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from audit.services import log_action
from certification.commissions.models import Commission, Passage, Readiness
from certification.commissions.services.planning import presence_situations
from certification.dossiers.services.conformity import ConformityError, ensure_dossier
from certification.evaluation.forms.lifecycle import AbsenceForm, ReadinessForm
from certification.evaluation.models import Absence, CandidateResult, ResultStatus
from certification.evaluation.services import absences as absence_services
from certification.evaluation.services import freezing, lifecycle
from certification.permissions import can_manage_commission, get_commission_student, member_of
from lib.french import de
from lib.refusals import Refused
from passeport.views_activities import private_file_response

DECIDERS_ONLY = (
    "Seuls le ou la responsable, les membres qui portent la responsabilité de l'évaluation et l'administration "
    "enregistrent les décisions de la commission."
)


def _require_decider(user: User, commission: Commission) -> None:
    if can_manage_commission(user, commission):
        return
    seat = member_of(user, commission)
    if seat is None or not seat.carries_responsibility:
        raise PermissionDenied(DECIDERS_ONLY)


def _page_url(commission: Commission, student_pk: int) -> str:
    return reverse("certification:candidate_lifecycle", args=[commission.pk, student_pk])


def _situation_rows(commission: Commission, student) -> list[dict]:
    readiness = {r.situation_id: r for r in Readiness.objects.filter(situation__commission=commission, student=student)}
    passages = {p.situation_id: p for p in Passage.objects.filter(situation__commission=commission, student=student)}
    rows = []
    for situation in commission.situations.order_by("code"):
        rows.append(
            {
                "situation": situation,
                "readiness": readiness.get(situation.pk),
                "passage": passages.get(situation.pk),
                "uninformed": lifecycle.situation_uninformed_reason(situation, student),
            }
        )
    return rows


def _context(commission: Commission, student, user: User, *, readiness_form=None, absence_form=None) -> dict:
    situations = commission.situations.order_by("code")
    present = presence_situations(commission)
    dossier = lifecycle.dossier_of(commission, student)
    absences = list(
        Absence.objects.filter(situation__commission=commission, student=student).select_related("situation")
    )
    for absence in absences:
        absence.waits_new_date = absence_services.pending_new_date(absence)
    result = CandidateResult.objects.filter(commission=commission, student=student).first()
    try:
        _require_decider(user, commission)
        can_decide = True
    except PermissionDenied:
        can_decide = False
    return {
        "commission": commission,
        "student": student,
        "rows": _situation_rows(commission, student),
        "dossier": dossier,
        "conformity": lifecycle.conformity_of(dossier),
        "absences": absences,
        "result": result,
        "mark_blocked": lifecycle.mark_block_reason(commission, student, ResultStatus.MARK),
        "final_missing": lifecycle.final_status_reason(result, student, any(a.waits_new_date for a in absences)),
        "deliberation": freezing.deliberation_of(commission),
        "reopening": freezing.open_reopening(commission, student),
        "frozen": freezing.frozen_reason(commission, student),
        "can_decide": can_decide,
        "readiness_form": readiness_form or ReadinessForm(situations=situations),
        "absence_form": absence_form or (AbsenceForm(situations=present) if present.exists() else None),
    }


@login_required
@require_GET
def candidate_lifecycle(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    return render(
        request, "certification/evaluation/candidate_lifecycle.html", _context(commission, student, request.user)
    )


@login_required
@require_POST
def readiness_record(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    _require_decider(request.user, commission)
    form = ReadinessForm(request.POST, situations=commission.situations.order_by("code"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "withdraw":
                lifecycle.withdraw_readiness(situation=data["situation"], student=student, actor=request.user)
                messages.success(request, f"Décision retirée pour la situation {data['situation'].code}.")
            else:
                lifecycle.record_readiness(
                    situation=data["situation"],
                    student=student,
                    decided_on=data["decided_on"],
                    grounds=data["grounds"],
                    actor=request.user,
                )
                messages.success(
                    request, f"{student} est jugé·e prêt·e à être évalué·e en situation {data['situation'].code}."
                )
            return redirect(_page_url(commission, student.pk))
        except Refused as refusal:
            form.add_error(None, refusal.message)
    context = _context(commission, student, request.user, readiness_form=form)
    return render(request, "certification/evaluation/candidate_lifecycle.html", context, status=400)


@login_required
@require_POST
def absence_record(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    _require_decider(request.user, commission)
    form = AbsenceForm(request.POST, request.FILES, situations=presence_situations(commission))
    if form.is_valid():
        data = form.cleaned_data
        try:
            absence = absence_services.record_absence(
                situation=data["situation"],
                student=student,
                absent_on=data["absent_on"],
                kind=data["kind"],
                reason=data["reason"],
                document=data.get("document"),
                actor=request.user,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            if absence.kind == "justified":
                messages.success(
                    request,
                    "Absence justifiée enregistrée : fixez une nouvelle date (modifier le passage) ; la nouvelle "
                    "convocation part avec elle.",
                )
            else:
                rule = commission.session.get_unjustified_absence_display().lower()
                messages.success(
                    request, f"Absence non justifiée enregistrée : conséquence prévue par la session, {rule}."
                )
            return redirect(_page_url(commission, student.pk))
    context = _context(commission, student, request.user, absence_form=form)
    return render(request, "certification/evaluation/candidate_lifecycle.html", context, status=400)


@login_required
@require_GET
def absence_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The justification of an absence: private like evidence, for the commission and the administration only."""
    absence = Absence.objects.select_related("situation__commission").filter(pk=pk).first()
    if absence is None or not absence.document:
        raise Http404
    commission = absence.situation.commission
    get_commission_student(request.user, commission.pk, absence.student_id)
    log_action(
        "absence.document_downloaded",
        actor=request.user,
        obj=absence,
        establishment_id=commission.cohort.establishment_id,
        changes={"student_id": absence.student_id},
    )
    return private_file_response(absence.document, absence.document_name, absence.document_type)


@login_required
@require_POST
def no_deposit(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """A student who never opened a dossier: create the empty dossier, then record the NV on the conformity page."""
    commission, student = get_commission_student(request.user, pk, student_pk)
    _require_decider(request.user, commission)
    try:
        dossier = ensure_dossier(student, commission.exam, commission.session, actor=request.user)
    except ConformityError as refusal:
        messages.error(request, refusal.message)
        return redirect(_page_url(commission, student.pk))
    messages.info(
        request, f"Dossier {de(student)} : aucun dépôt. Enregistrez la décision NV (« absence de dépôt ») ci-dessous."
    )
    return redirect("certification:conformity_check", pk=dossier.pk)
