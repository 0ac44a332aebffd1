"""Importing a cohort's students: upload, then preview with the importer's choices (column mapping or SIECLE
divisions), then confirm. See ``accounts.imports``, ``accounts.siecle`` and ``accounts.import_staging``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import import_staging, imports, permissions
from accounts.forms import ImportChoicesForm, StudentImportForm
from accounts.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_admin(request.user, pk)
    bound = request.method == "POST"  # an empty POST (no file chosen) must still show « obligatoire »
    form = StudentImportForm(request.POST if bound else None, request.FILES if bound else None)
    if bound and form.is_valid():
        try:
            staged = import_staging.stage_upload(cohort=cohort, actor=request.user, parsed=form.cleaned_data["parsed"])
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("accounts:student_import_preview", pk=cohort.pk, token=staged.token)
    limits = {"rows": imports.MAX_ROWS, "lines": imports.MAX_LINES, "columns": imports.MAX_COLUMNS}
    return render(request, "accounts/student_import.html", {"cohort": cohort, "form": form, "limits": limits})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: AuthenticatedHttpRequest, pk: int, token: str) -> HttpResponse:
    cohort = permissions.get_cohort_for_admin(request.user, pk)
    staged = import_staging.get_staged(user=request.user, cohort=cohort, token=token)
    if staged is None:
        messages.error(request, imports.ALREADY_DONE_MESSAGE)
        return redirect("accounts:student_import", pk=cohort.pk)
    described = import_staging.describe(staged, actor=request.user)
    form = ImportChoicesForm(
        request.POST if request.method == "POST" else None, columns=described.columns, divisions=described.divisions
    )
    if request.method == "POST" and form.is_valid():
        import_staging.update_choices(staged, mapping=form.chosen_mapping(), divisions=form.chosen_divisions())
        return redirect("accounts:student_import_preview", pk=cohort.pk, token=staged.token)
    context = {"cohort": cohort, "described": described, "form": form, "staged": staged}
    return render(request, "accounts/student_import_preview.html", context)


@login_required
@require_POST
def import_confirm(request: AuthenticatedHttpRequest, pk: int, token: str) -> HttpResponse:
    cohort = permissions.get_cohort_for_admin(request.user, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        file_name, result = import_staging.confirm_staged_import(
            cohort=cohort, token=token, actor=request.user, version=version
        )
    except imports.ImportAlreadyApplied as exc:
        messages.error(request, str(exc))
        return redirect("accounts:student_import", pk=cohort.pk)
    except imports.ImportStale as exc:  # the choices or the data changed: the preview shows what would happen now
        messages.error(request, str(exc))
        return redirect("accounts:student_import_preview", pk=cohort.pk, token=token)
    messages.success(request, _summary(file_name, result))
    return redirect("accounts:cohort_detail", pk=cohort.pk)


def _summary(file_name: str, result: imports.ImportResult) -> str:
    def s(n: int) -> str:
        return "s" if n > 1 else ""

    summary = (
        f"Import de « {file_name} » terminé : {result.created} étudiant{s(result.created)} "
        f"créé{s(result.created)}, {result.updated} mis à jour, {result.unchanged} inchangé{s(result.unchanged)}."
    )
    if result.archived:
        summary += (
            f" {result.archived} étudiant{s(result.archived)} parti{s(result.archived)} archivé{s(result.archived)} "
            "(leur travail est conservé)."
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
