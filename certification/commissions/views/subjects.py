"""Fiche sujet of E4 situation B (jury) and the candidate part released to the candidate.

Members of the commission write the fiche sujet; the establishment's administrators read it (403 on writing when they
do not sit on the commission). A student never reaches these pages (404) except their own passage's candidate part,
from its release time (session setting, minutes before the passage) — never the jury part, never the questions.
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Student
from accounts.permissions import staff_establishment_ids
from certification.commissions import pdf as pdfs
from certification.commissions.forms import FicheChoiceForm, SubjectSheetForm, field_name
from certification.commissions.models import Commission, SubjectPart, SubjectSheet
from certification.commissions.selectors.passages import candidate_release_at, subject_sheet_of
from certification.commissions.services import subjects as subject_services
from certification.commissions.services.subject_definition import PART_SLUGS
from certification.commissions.services.subjects import NO_DOSSIER, StaleSubject, SubjectError
from certification.permissions import (
    get_commission_for_user,
    get_commission_student,
    get_own_passage,
    get_subject_sheet_for_user,
    member_of,
    require_member,
)

NO_SHEET_YET = "Choisissez d'abord la fiche du dossier sur laquelle repose la fiche sujet."


def _require_e4(commission: Commission) -> None:
    """The fiche sujet belongs to the exams whose definition has one (E4 situation B): others have no such page."""
    if not subject_services.has_subject_sheet(commission):
        raise Http404


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = cast(str, content_disposition_header(False, filename))
    response["Cache-Control"] = "private, no-store"
    return response


def _sheet_of(commission: Commission, student: Student) -> SubjectSheet | None:
    sheet = SubjectSheet.objects.filter(commission=commission, student=student).select_related("dossier_fiche").first()
    if sheet is not None:
        sheet.commission = commission
        sheet.student = student
    return sheet


@login_required
@require_GET
def subject_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    _require_e4(commission)
    context = {
        "commission": commission,
        "lines": subject_services.subject_lines(commission),
        "member": member_of(request.user, commission),
        "is_staff": commission.cohort.establishment_id in staff_establishment_ids(request.user),
    }
    return render(request, "certification/commissions/subjects/subject_list.html", context)


def _editor_parts(form: SubjectSheetForm, sheet: SubjectSheet, current: SubjectSheet | None = None) -> list[dict]:
    """Both parts as rows (original, text, changed) each with its bound field; ``current``: the version saved by
    someone else meanwhile, shown beside the texts kept in the form."""
    parts = []
    candidate_texts = form.texts(SubjectPart.CANDIDATE) if form.is_bound else sheet.candidate or {}
    for part in (SubjectPart.CANDIDATE, SubjectPart.JURY):
        rows = subject_services.part_rows(sheet, part, texts=form.texts(part) if form.is_bound else None)
        saved = getattr(current, part) if current is not None else {}
        for row in rows:
            row["current"] = None
            if row["shared"]:
                # Not written here: the candidate part's text, as typed in this form.
                row["field"] = None
                row["text"] = candidate_texts.get(row["code"], "")
                continue
            row["field"] = form[field_name(part, row["code"])]
            current_text = (saved or {}).get(row["code"])
            if current is not None and subject_services.normalise(current_text) != subject_services.normalise(
                row["text"]
            ):
                row["current"] = current_text or ""
        parts.append({"code": part, "form": subject_services.form_of(sheet.commission).part(part), "rows": rows})
    return parts


def _edit_page(request, commission, student, *, sheet=None, form=None, choice=None, current=None):
    member = member_of(request.user, commission)
    items = subject_services.dossier_fiches(commission, student)
    if choice is None and member is not None and items:
        choice = FicheChoiceForm(items=items, sheet=sheet)
    if sheet is not None and form is None and member is not None:
        form = SubjectSheetForm(sheet=sheet, form=subject_services.form_of(commission))
    context = {
        "commission": commission,
        "student": student,
        "sheet": sheet,
        "member": member,
        "items": items,
        "no_dossier": NO_DOSSIER,
        "choice": choice,
        "form": form,
        "parts": _editor_parts(form, sheet, current) if form is not None else None,
        "read_parts": _read_parts(sheet) if sheet is not None and form is None else None,
        "analysis": subject_services.analyse_changes(current or sheet) if sheet is not None else None,
        "shared_note": subject_services.SHARED_NOTE,
    }
    return render(request, "certification/commissions/subjects/subject_edit.html", context)


def _read_parts(sheet: SubjectSheet) -> list[dict]:
    form = subject_services.form_of(sheet.commission)
    parts = [{"form": form.candidate, "rows": subject_services.part_rows(sheet, SubjectPart.CANDIDATE)}]
    if sheet.with_jury_part:
        parts.append({"form": form.jury, "rows": subject_services.part_rows(sheet, SubjectPart.JURY)})
    return parts


@login_required
@require_http_methods(["GET", "POST"])
def subject_edit(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    _require_e4(commission)
    sheet = _sheet_of(commission, student)
    if request.method == "GET":
        return _edit_page(request, commission, student, sheet=sheet)
    require_member(request.user, commission)
    if request.POST.get("action") == "choose":
        return _choose_fiche(request, commission, student, sheet)
    if sheet is None:
        messages.error(request, NO_SHEET_YET)
        return redirect("certification:subject_edit", pk=commission.pk, student_pk=student.pk)
    return _save(request, commission, student, sheet)


def _choose_fiche(request, commission, student, sheet) -> HttpResponse:
    items = subject_services.dossier_fiches(commission, student)
    choice = FicheChoiceForm(request.POST, items=items, sheet=sheet)
    if not choice.is_valid():
        return _edit_page(request, commission, student, sheet=sheet, choice=choice)
    try:
        if sheet is None:
            subject_services.start_subject_sheet(
                commission=commission, student=student, dossier_fiche=choice.chosen(), actor=request.user
            )
            messages.success(request, "Fiche sujet créée à partir de la fiche choisie : modifiez-en les paramètres.")
        else:
            subject_services.change_chosen_fiche(
                sheet=sheet,
                dossier_fiche=choice.chosen(),
                expected_version=choice.cleaned_data["version"] or 0,
                actor=request.user,
            )
            messages.success(request, "Fiche choisie changée : les deux parties sont de nouveau pré-remplies.")
    except SubjectError as refusal:
        messages.error(request, refusal.message)
    return redirect("certification:subject_edit", pk=commission.pk, student_pk=student.pk)


def _save(request, commission, student, sheet) -> HttpResponse:
    form = SubjectSheetForm(request.POST, sheet=sheet, form=subject_services.form_of(commission))
    if not form.is_valid():
        return _edit_page(request, commission, student, sheet=sheet, form=form)
    try:
        saved = subject_services.save_subject_sheet(
            sheet=sheet, data=form.service_data(), expected_version=form.cleaned_data["version"], actor=request.user
        )
    except StaleSubject as conflict:
        # Keep the member's texts; the form now carries the current version, shown beside each changed rubric.
        # A fiche sujet is never deleted: the current one is there (the one being saved, should it not be).
        current = _sheet_of(commission, student) or sheet
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = SubjectSheetForm(data, sheet=current, form=subject_services.form_of(commission))
        form.is_valid()
        form.add_error(None, conflict.message)
        return _edit_page(request, commission, student, sheet=current, form=form, current=current)
    analysis = subject_services.analyse_changes(saved)
    messages.success(
        request,
        f"Fiche sujet enregistrée : {analysis.changed} rubrique(s) modifiée(s) sur {analysis.total}, "
        f"{analysis.words} mot(s) modifié(s) ({analysis.percent} % de la partie candidat).",
    )
    for warning in analysis.warnings:
        messages.warning(request, warning)
    return redirect("certification:subject_edit", pk=commission.pk, student_pk=student.pk)


@login_required
@require_GET
def subject_pdf(request: AuthenticatedHttpRequest, pk: int, part: str) -> HttpResponse:
    which = PART_SLUGS.get(part)
    if which is None:
        raise Http404
    sheet = get_subject_sheet_for_user(request.user, pk)
    if which == SubjectPart.JURY and not sheet.with_jury_part:
        raise Http404
    content = pdfs.render_subject_pdf(sheet, which)
    return _pdf_response(content, pdfs.subject_filename(sheet, which))


@login_required
@require_GET
def candidate_subject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    passage = get_own_passage(request.user, pk)
    sheet = subject_sheet_of(passage)
    release_at = candidate_release_at(passage)
    released = timezone.now() >= release_at
    context: dict[str, Any] = {"passage": passage, "sheet": None, "release_at": release_at, "released": released}
    if sheet is not None and released:
        context.update(pdfs.pdf_context(sheet, SubjectPart.CANDIDATE))
        context["sheet"] = sheet
    context["has_sheet"] = sheet is not None
    return render(request, "certification/commissions/subjects/candidate_subject.html", context)


@login_required
@require_GET
def candidate_subject_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    passage = get_own_passage(request.user, pk)
    sheet = subject_sheet_of(passage)
    if sheet is None or timezone.now() < candidate_release_at(passage):
        raise Http404
    content = pdfs.render_subject_pdf(sheet, SubjectPart.CANDIDATE)
    return _pdf_response(content, pdfs.subject_filename(sheet, SubjectPart.CANDIDATE))
