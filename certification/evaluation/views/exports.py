"""Commission exports: the summary spreadsheet (marks and statuses, never a level) and the evaluation packs.

Members of the commission and the establishment's administrators only (a student gets a 404 everywhere).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import log_action
from certification.evaluation import exports
from certification.evaluation.services import packs
from certification.permissions import get_commission_for_user, get_commission_student
from lib.french import de


@login_required
@require_GET
def commission_export(request, pk: int, fmt: str) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    if fmt not in exports.FORMATS:
        raise Http404
    export = exports.export_commission(commission, fmt)
    with transaction.atomic():
        log_action(
            "commission.exported",
            actor=request.user,
            obj=commission,
            establishment_id=commission.cohort.establishment_id,
            changes={"format": fmt, "filename": export.filename},
        )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_packs(request, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    redo = request.GET.get("refaire") == "1" or request.POST.get("refaire") == "1"
    if request.method == "POST":
        count = packs.request_packs(commission, actor=request.user, redo=redo)
        if count:
            messages.success(request, f"Construction lancée pour {count} dossier(s) d'évaluation.")
        else:
            messages.info(request, "Tous les dossiers d'évaluation sont prêts ou déjà en cours de construction.")
        return redirect("certification:evaluation_packs", pk=commission.pk)
    statuses = packs.pack_statuses(commission)
    context = {"commission": commission, "progress": packs.pack_progress(statuses), "statuses": statuses}
    return render(request, "certification/evaluation/packs.html", context)


@login_required
@require_GET
def evaluation_pack_download(request, pk: int, student_pk: int) -> HttpResponseBase:
    commission, student = get_commission_student(request.user, pk, student_pk)
    pack = packs.ready_pack(commission, student)
    if pack is None:
        if not packs.has_pack(commission, student):
            raise Http404("Ce dossier d'évaluation n'est pas encore construit.")
        # Never an empty or unchecked file behind a 200: the page says what happened and offers the rebuild.
        messages.error(
            request,
            f"Le dossier d'évaluation {de(student)} n'est pas prêt (construction en cours, interrompue ou en échec, "
            "ou fichier altéré) : il n'a pas été téléchargé. « Construire les dossiers manquants » le reconstruit.",
        )
        return redirect("certification:evaluation_packs", pk=commission.pk)
    log_action(
        "evaluation_pack.downloaded",
        actor=request.user,
        obj=commission,
        establishment_id=commission.cohort.establishment_id,
        changes={"student": str(student), "student_id": student.pk},
    )
    return FileResponse(
        default_storage.open(packs.pack_path(commission.pk, student.pk), "rb"),
        as_attachment=True,
        filename=packs.pack_filename(commission, student),
        content_type="application/pdf",
    )
