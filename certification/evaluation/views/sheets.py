"""The « fiche d'évaluation » (verso), its electronic signatures, the jury's deliberation and the release.

Members write and sign the verso; the establishment's administrators read it, record the deliberation and, on a
formal request only, disclose a candidate's grid (logged). The student sees their own verso and mark after the
deliberation, never before and never any grid content. Outside scope: 404; in scope but not allowed: 403.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Student, User
from accounts.permissions import admin_establishment_ids
from certification.commissions.models import Commission
from certification.evaluation.forms.sheets import DeliberationForm, EvaluationSheetForm, GridDisclosureForm, SignForm
from certification.evaluation.models import Deliberation, Reopening
from certification.evaluation.pdf import sheet as sheet_pdf
from certification.evaluation.presenters import candidate_flow
from certification.evaluation.presenters import sheets as sheets_presenters
from certification.evaluation.services import freezing, lifecycle
from certification.evaluation.services import sheets as sheet_services
from certification.evaluation.services.freezing import LifecycleRefused
from certification.evaluation.services.locking import Locked, is_locked
from certification.evaluation.services.sheets import (
    SIGNATURE_REFUSED,
    TOO_MANY_TRIES,
    DisclosureRequest,
    SheetError,
    StaleSheet,
)
from certification.permissions import (
    get_commission_for_user,
    get_commission_student,
    get_own_student,
    member_of,
    require_member,
)
from lib.collation import by_name
from lib.refusals import Refused

ADMIN_ONLY = "Seule l'administration de l'établissement peut faire cela."
# The refusals that are about the password typed: shown under the field (aria-invalid, aria-describedby).
PASSWORD_REFUSALS = (SIGNATURE_REFUSED, TOO_MANY_TRIES)
SIGN_PREFIX = "signature"  # the signature field inside the sheet's form (« Enregistrer et signer »)
SAVE_AND_SIGN = "signer"


def _require_admin_of(user: User, commission: Commission) -> None:
    """In scope (a member) but not an administrator of the commission's establishment: 403."""
    if commission.cohort.establishment_id not in admin_establishment_ids(user):
        raise PermissionDenied(ADMIN_ONLY)


def _pdf_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = cast(str, content_disposition_header(attachment, filename))
    response["Cache-Control"] = "private, no-store"
    return response


def _sheet_page(request, commission, student, form, *, conflict=None, sign_form=None) -> HttpResponse:
    member = member_of(request.user, commission)
    view = sheets_presenters.sheet_view(commission, student)
    context = {
        "commission": commission,
        "student": student,
        "view": view,
        "form": form,
        "conflict": conflict,
        "member": member,
        "locked": is_locked(commission, student),
        "released": sheet_services.is_released(commission),
        "is_admin": commission.cohort.establishment_id in admin_establishment_ids(request.user),
        "flow": candidate_flow.candidate_flow(
            commission, student, "certification:evaluation_sheet", member=member is not None
        ),
        # Sign on the same page: the password under the sheet, « Enregistrer et signer » saves then signs.
        "sign_form": (sign_form or SignForm(prefix=SIGN_PREFIX)) if form is not None and member else None,
        "may_sign": member is not None and view.may_sign(member),
    }
    return render(request, "certification/evaluation/sheet_edit.html", context)


def _sign(request, commission, student, member, form: SignForm):
    """The signature service; a refusal is added to the form (under the password when it is about the password)."""
    try:
        outcome = sheet_services.sign_sheet(
            commission=commission,
            student=student,
            member=member,
            password=form.cleaned_data["password"],
            actor=request.user,
        )
    except Refused as refusal:
        form.add_error("password" if refusal.message in PASSWORD_REFUSALS else None, refusal.message)
        return None
    if outcome.already:
        messages.info(request, "Vous aviez déjà signé cette version de la fiche d'évaluation.")
    else:
        messages.success(request, "Fiche d'évaluation signée électroniquement.")
    if outcome.locked:
        messages.info(request, "Toutes les signatures requises sont données : la grille et la note sont verrouillées.")
    return outcome


def _sheet_url(commission, student) -> str:
    return (
        reverse("certification:evaluation_sheet", args=[commission.pk, student.pk]) + candidate_flow.MESSAGES_FRAGMENT
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_sheet(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    editable = (
        member_of(request.user, commission) is not None
        and not is_locked(commission, student)
        and not freezing.frozen_reason(commission, student)
    )
    view = sheets_presenters.sheet_view(commission, student)
    if request.method == "GET":
        return _sheet_page(request, commission, student, EvaluationSheetForm(view=view) if editable else None)
    member = require_member(request.user, commission)
    form = EvaluationSheetForm(request.POST, view=view)
    signing = request.POST.get("suite") == SAVE_AND_SIGN
    sign_form = SignForm(request.POST if signing else None, prefix=SIGN_PREFIX)
    if not form.is_valid() or (signing and not sign_form.is_valid()):
        return _sheet_page(request, commission, student, form, sign_form=sign_form)
    try:
        sheet_services.save_sheet(
            commission=commission,
            student=student,
            version=form.cleaned_data["version"],
            entries=form.entries(),
            actor=request.user,
        )
    except Locked as refusal:
        messages.error(request, refusal.message)
        return redirect(_sheet_url(commission, student))
    except StaleSheet as conflict:
        # Keep the member's texts; the form now carries the current version, shown beside each field.
        current = sheets_presenters.sheet_view(commission, student)
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = EvaluationSheetForm(data, view=current)
        form.is_valid()
        form.add_error(None, conflict.message)
        return _sheet_page(request, commission, student, form, conflict=current)
    except SheetError as refusal:
        form.add_error(None, refusal.message)
        return _sheet_page(request, commission, student, form)
    messages.success(
        request, "Fiche d'évaluation enregistrée. Les signatures données avant cette version sont à renouveler."
    )
    if signing and _sign(request, commission, student, member, sign_form) is None:
        # Saved but not signed: the page again (the saved sheet), the reason under the password.
        fresh = EvaluationSheetForm(view=sheets_presenters.sheet_view(commission, student))
        return _sheet_page(request, commission, student, fresh, sign_form=sign_form)
    return redirect(_sheet_url(commission, student))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_sign(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    member = require_member(request.user, commission)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _sign(request, commission, student, member, form) is not None:
            return redirect(_sheet_url(commission, student))
    view = sheets_presenters.sheet_view(commission, student)
    context = {
        "commission": commission,
        "student": student,
        "view": view,
        "form": form,
        "member": member,
        "may_sign": view.may_sign(member),
        "flow": candidate_flow.candidate_flow(commission, student, "certification:evaluation_sign", member=True),
    }
    return render(request, "certification/evaluation/sheet_sign.html", context)


def _sheet_for_pdf(user: User, pk: int, student_pk: int) -> tuple[Commission, Student]:
    """The student reads their own verso once the jury has deliberated (404 before); members and admins any time."""
    student = Student.objects.select_related("user").filter(pk=student_pk).first()
    if student is not None and user.is_authenticated and student.user_id == user.pk:
        commission = (
            Commission.objects.select_related("exam", "session", "cohort")
            .filter(pk=pk, cohort_id=student.cohort_id, deliberation__isnull=False)
            .first()
        )
        if commission is None or not freezing.is_released_to(commission, student):
            raise Http404
        return commission, student
    return get_commission_student(user, pk, student_pk)


@login_required
@require_GET
def evaluation_sheet_pdf(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = _sheet_for_pdf(request.user, pk, student_pk)
    content = sheet_pdf.render_sheet_pdf(commission, student)
    return _pdf_response(content, sheet_pdf.sheet_filename(commission, student), attachment=False)


@login_required
@require_http_methods(["GET", "POST"])
def deliberation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    _require_admin_of(request.user, commission)
    existing = Deliberation.objects.filter(commission=commission).select_related("recorded_by").first()
    form = DeliberationForm(request.POST or None)
    blockers: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            recorded, created = lifecycle.record_deliberation(
                commission=commission, deliberated_on=form.cleaned_data["deliberated_on"], actor=request.user
            )
        except LifecycleRefused as refusal:
            form.add_error(None, refusal.message)
            blockers = refusal.messages
        else:
            if created and existing is None:
                messages.success(
                    request,
                    f"Délibération du {recorded.deliberated_on:%d/%m/%Y} enregistrée : chaque candidat voit désormais "
                    "sa fiche d'évaluation et sa note.",
                )
            elif created:
                messages.success(
                    request,
                    f"Nouvelle délibération du {form.cleaned_data['deliberated_on']:%d/%m/%Y} enregistrée : les "
                    "résultats rouverts sont de nouveau communiqués aux candidats concernés.",
                )
            else:
                messages.info(
                    request,
                    f"La délibération du {recorded.deliberated_on:%d/%m/%Y} était déjà enregistrée : rien n'a changé.",
                )
            return redirect("certification:deliberation", pk=commission.pk)
    reopened = list(
        Reopening.objects.filter(commission=commission, closed_on__isnull=True).select_related("student__user")
    )
    if not blockers and (existing is None or reopened):
        students = [r.student for r in reopened] if existing is not None else None
        blockers = lifecycle.deliberation_blockers(commission, None, students=students)
    context = {
        "commission": commission,
        "deliberation": existing,
        "form": form,
        "blockers": blockers,
        "reopened": reopened,
        "history": Reopening.objects.filter(commission=commission, closed_on__isnull=False).select_related(
            "student__user", "reopened_by"
        ),
        "last_date": lifecycle.last_situation_date(commission),
        "students": commission.cohort.students.select_related("user").order_by(*by_name()),
    }
    return render(request, "certification/evaluation/sheet_deliberation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grid_disclosure(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    _require_admin_of(request.user, commission)
    released = sheet_services.is_released(commission)
    form = GridDisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            content, filename = sheet_services.disclose_grid(
                commission=commission,
                student=student,
                request=DisclosureRequest(
                    requested_on=data["requested_on"],
                    requester=data["requester"],
                    requester_name=data["requester_name"].strip(),
                    reference=data["reference"].strip(),
                ),
                actor=request.user,
                render=sheet_pdf.grid_disclosure_pdf,
            )
        except SheetError as refusal:
            form.add_error(None, refusal.message)
        else:
            return _pdf_response(content, filename, attachment=True)
    context = {"commission": commission, "student": student, "form": form, "released": released}
    return render(request, "certification/evaluation/sheet_grid_disclosure.html", context)


@login_required
@require_GET
def student_results(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    student = get_own_student(request.user, student_pk)
    # get_own_student lets the staff read dossiers; results are the student's own page only (staff use commissions).
    if student.user_id != request.user.pk:
        raise Http404
    commissions = (
        Commission.objects.filter(cohort_id=student.cohort_id)
        .select_related("exam", "session", "cohort", "deliberation")
        .order_by("exam__code")
    )
    results = []
    for commission in commissions:
        try:
            released = commission.deliberation
        except Deliberation.DoesNotExist:
            released = None
        reopening = freezing.open_reopening(commission, student) if released else None
        view = sheets_presenters.sheet_view(commission, student) if released and reopening is None else None
        results.append({"commission": commission, "deliberation": released, "view": view, "reopening": reopening})
    return render(request, "certification/evaluation/student_results.html", {"student": student, "results": results})
