"""Importing a cohort's students: upload and preview, then confirm (see ``accounts.imports``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import imports, permissions


class StudentImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier des étudiants (CSV ou XLSX)",
        help_text=(
            "Une ligne d'intitulés puis un étudiant par ligne. Colonnes obligatoires : Nom, Prénom, Email ; "
            "facultatives : N° candidat, Voie (scolaire, apprenti ou formation continue ; à défaut, la voie de "
            "la classe). CSV séparé par des points-virgules ou des virgules, ou classeur Excel (XLSX)."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.cleaned_data["rows"] = imports.parse_student_file(uploaded)
        except imports.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_admin(request.user, pk)
    bound = request.method == "POST"  # an empty POST (no file chosen) must still show « obligatoire »
    form = StudentImportForm(request.POST if bound else None, request.FILES if bound else None)
    if bound and form.is_valid():
        file_name = form.cleaned_data["file"].name
        rows = form.cleaned_data["rows"]
        preview = imports.preview_student_import(cohort=cohort, rows=rows, actor=request.user)
        imports.discard_pending_imports(request.session, cohort=cohort)
        token = ""
        if preview.is_valid:
            token = imports.store_pending_import(request.session, cohort=cohort, file_name=file_name, rows=rows)
        context = {"cohort": cohort, "preview": preview, "token": token, "file_name": file_name}
        return render(request, "accounts/student_import_preview.html", context)
    limits = {"rows": imports.MAX_ROWS, "lines": imports.MAX_LINES, "columns": imports.MAX_COLUMNS}
    return render(request, "accounts/student_import.html", {"cohort": cohort, "form": form, "limits": limits})


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_admin(request.user, pk)
    token = request.POST.get("token", "")
    pending = imports.pop_pending_import(request.session, cohort=cohort, token=token)
    if pending is None:
        messages.error(request, imports.ALREADY_DONE_MESSAGE)
        return redirect("accounts:student_import", pk=cohort.pk)
    try:
        result = imports.apply_student_import(
            cohort=cohort, rows=pending.rows, actor=request.user, file_name=pending.file_name, import_id=token
        )
    except imports.ImportStale as exc:
        messages.error(request, str(exc))
        return redirect("accounts:student_import", pk=cohort.pk)
    messages.success(request, _summary(pending.file_name, result))
    return redirect("accounts:cohort_detail", pk=cohort.pk)


def _summary(file_name: str, result: imports.ImportResult) -> str:
    def s(n: int) -> str:
        return "s" if n > 1 else ""

    summary = (
        f"Import de « {file_name} » terminé : {result.created} étudiant{s(result.created)} "
        f"créé{s(result.created)}, {result.updated} mis à jour, {result.unchanged} inchangé{s(result.unchanged)}."
    )
    if result.refused:
        summary += (
            f" {result.refused} ligne{s(result.refused)} ignorée{s(result.refused)} : "
            f"étudiant{s(result.refused)} d'une classe que vous n'enseignez pas."
        )
    if result.emails_kept:
        summary += (
            f" {result.emails_kept} adresse{s(result.emails_kept)} non modifiée{s(result.emails_kept)} : "
            "seule l'administration peut changer l'adresse d'un compte existant."
        )
    return summary
