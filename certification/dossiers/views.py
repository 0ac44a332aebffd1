"""Pages of dossiers: list, edit, submit, late deposit, detail; the conformity check and the NV notification.

The dossier support d'épreuve: the student prepares and deposits it; staff and the commission read it.

Composition defects are shown, never blocking; a deposit freezes the fiches; after the deadline, only an administrator
records a (late) deposit.

The commission's conformity check of a dossier, and the official NV notification (for the candidate).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Student
from accounts.permissions import admin_establishment_ids, staff_establishment_ids
from certification.dossiers import selectors
from certification.dossiers.forms import ConformityForm, DossierSelectionForm, LateDepositForm
from certification.dossiers.models import ConformityCheck, ConformityDecision, Dossier, DossierState
from certification.dossiers.pdf import load_check, nv_filename, render_nv_pdf
from certification.dossiers.selectors import deposit_deadline, is_late
from certification.dossiers.services import dossiers as services
from certification.dossiers.services.composition import NOT_BLOCKING, composition_defects
from certification.dossiers.services.conformity import (
    ConformityError,
    conformity_history,
    dossier_nv_definition,
    record_conformity,
    suggested_reasons,
)
from certification.permissions import get_dossier_for_user, get_own_student
from passeport.selectors_internships import internship_summary
from referentiel.models import Exam

# --- views -----------------------------------------------------------------------------------------------------------


LATE_ADMIN_ONLY = "Seule l'administration de l'établissement enregistre un dépôt tardif."


@login_required
def dossier_list(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    student = get_own_student(request.user, student_pk)
    context = {
        "student": student,
        "cards": selectors.dossier_cards(student),
        "is_owner": student.user_id == request.user.pk,
        "not_blocking": NOT_BLOCKING,
    }
    return render(request, "certification/dossiers/dossier_list.html", context)


def _exam(student: Student, exam_code: str) -> Exam:
    exam = selectors.ccf_exam(student.cohort.exam_session, exam_code)
    if exam is None:
        raise Http404
    return exam


@login_required
@require_http_methods(["GET", "POST"])
def dossier_edit(request: AuthenticatedHttpRequest, student_pk: int, exam_code: str) -> HttpResponse:
    student = get_own_student(request.user, student_pk)
    exam = _exam(student, exam_code)
    dossier = selectors.student_dossier(student, exam)
    is_owner = student.user_id == request.user.pk
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Seul·e l'étudiant·e prépare son dossier.")
        if dossier is not None and dossier.state == DossierState.SUBMITTED:
            messages.error(request, services.READ_ONLY)
            return redirect("certification:dossier_edit", student.pk, exam.code)
        form = DossierSelectionForm(request.POST, student=student, exam=exam)
        if form.is_valid():
            return _save_selection(request, student, exam, form)
    else:
        form = DossierSelectionForm(initial=DossierSelectionForm.initial_for(dossier), student=student, exam=exam)
    return _render_edit(request, student, exam, dossier, form if is_owner else None)


def _save_selection(
    request: AuthenticatedHttpRequest, student: Student, exam: Exam, form: DossierSelectionForm
) -> HttpResponse:
    try:
        dossier = services.save_dossier_selection(
            student=student,
            exam=exam,
            author=request.user,
            fiches=form.selection(),
            internships=list(form.cleaned_data["internships"]),
        )
    except services.DossierError as error:
        messages.error(request, error.message)
    else:
        defects = composition_defects(dossier)
        note = (
            f" {len(defects)} défaut(s) de composition signalé(s) ci-dessous, sans bloquer le dépôt." if defects else ""
        )
        messages.success(request, f"Dossier {exam.code} enregistré (en préparation).{note}")
    return redirect("certification:dossier_edit", student.pk, exam.code)


def _render_edit(
    request: HttpRequest, student: Student, exam: Exam, dossier: Dossier | None, form: DossierSelectionForm | None
) -> HttpResponse:
    rule = selectors.exam_rule(student.cohort.exam_session_id, exam)
    deadline = rule.deposit_deadline if rule is not None else None
    submitted = dossier is not None and dossier.state == DossierState.SUBMITTED
    context = {
        "student": student,
        "exam": exam,
        "rule": rule,
        "dossier": dossier,
        "deadline": deadline,
        "deadline_passed": selectors.deadline_passed(deadline),
        "late": dossier is not None and selectors.is_late(dossier, deadline=deadline),
        "submitted": submitted,
        "form": None if submitted else form,
        "is_owner": student.user_id == request.user.pk,
        "defects": composition_defects(
            dossier or Dossier(student=student, exam=exam, session=student.cohort.exam_session)
        ),
        "not_blocking": NOT_BLOCKING,
        "fiche_views": selectors.dossier_fiche_views(dossier) if dossier is not None else [],
        "attestations": _attestations(dossier),
    }
    return render(request, "certification/dossiers/dossier_edit.html", context)


def _attestations(dossier: Dossier | None) -> list:
    if dossier is None:
        return []
    return [a.internship for a in dossier.attestations.select_related("internship").order_by("internship__start_date")]


@login_required
@require_POST
def dossier_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, pk, write=True)
    try:
        result = services.submit_dossier(dossier=dossier, actor=request.user)
    except services.DossierError as error:
        messages.error(request, error.message)
    else:
        if result.status == services.ALREADY_SUBMITTED:
            messages.info(request, "Ce dossier était déjà déposé : rien n'a été modifié.")
        else:
            messages.success(
                request,
                f"Dossier {dossier.exam.code} déposé. Le texte de vos fiches est figé tel que déposé : "
                "vos modifications ultérieures des fiches ne changeront pas le dossier.",
            )
    return redirect("certification:dossier_edit", dossier.student_id, dossier.exam.code)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_late_deposit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, pk)
    if dossier.student.establishment_id not in admin_establishment_ids(request.user):
        raise PermissionDenied(LATE_ADMIN_ONLY)
    if dossier.state == DossierState.SUBMITTED:
        messages.info(request, "Ce dossier est déjà déposé : il n'y a pas de dépôt tardif à enregistrer.")
        return redirect("certification:dossier_detail", dossier.pk)
    form = LateDepositForm(request.POST or None, initial={"deposit_date": selectors.paris_today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_late_deposit(dossier=dossier, actor=request.user, **form.cleaned_data)
        except services.DossierError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Dépôt tardif enregistré : le dossier est déposé et signalé « dépôt tardif ».")
            return redirect("certification:dossier_detail", dossier.pk)
    context = {"dossier": dossier, "form": form, "deadline": selectors.deposit_deadline(dossier)}
    return render(request, "certification/dossiers/dossier_late_deposit.html", context)


@login_required
def dossier_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, pk)
    deadline = selectors.deposit_deadline(dossier)
    establishment_id = dossier.student.establishment_id
    context = {
        "dossier": dossier,
        "student": dossier.student,
        "deadline": deadline,
        "late": selectors.is_late(dossier, deadline=deadline),
        "submitted": dossier.state == DossierState.SUBMITTED,
        "defects": composition_defects(dossier),
        "not_blocking": NOT_BLOCKING,
        "fiche_views": selectors.dossier_fiche_views(dossier),
        "attestations": _attestations(dossier),
        "is_staff": establishment_id in staff_establishment_ids(request.user),
        "is_admin": establishment_id in admin_establishment_ids(request.user),
        "is_owner": dossier.student.user_id == request.user.pk,
    }
    return render(request, "certification/dossiers/dossier_detail.html", context)


# --- views_conformity ------------------------------------------------------------------------------------------------


RECORDED: dict[str, str] = {
    ConformityDecision.CONFORME: "Contrôle enregistré : dossier conforme.",
    ConformityDecision.NOT_VALID: "Contrôle enregistré : mention NV. La notification au candidat est disponible "
    "dans l'historique des contrôles.",
    ConformityDecision.RESERVED: "Contrôle enregistré : note réservée. Enregistrez un nouveau contrôle une fois le "
    "doute levé.",
}


@login_required
@require_http_methods(["GET", "POST"])
def conformity_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def nv_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
    response["Content-Disposition"] = cast(str, content_disposition_header(True, nv_filename(check)))
    response["Cache-Control"] = "private, no-store"
    return response
