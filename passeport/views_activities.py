"""Activities on a student's passeport and the evidence files attached to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_follow_student
from audit.services import log_action
from lib.collation import by_name
from passeport.forms_activities import ActivityForm, group_criteria
from passeport.models import Activity
from passeport.permissions import (
    get_activity_for_user,
    get_evidence_for_user,
    get_passeport_student_for_user,
)
from passeport.services import activities as activity_services
from passeport.services import evidence as evidence_services

# The tag of the messages shown under the evidence file field (templates/passeport/includes/evidence_upload.html).
EVIDENCE_FIELD_TAG = "champ-preuves"


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    student = get_passeport_student_for_user(request.user, student_pk, write=True)
    form = ActivityForm(request.POST if request.method == "POST" else None, student=student)
    if request.method == "POST" and form.is_valid():
        activity = activity_services.create_activity(student=student, actor=request.user, data=form.cleaned_data)
        messages.success(request, "Activité enregistrée. Vous pouvez maintenant y joindre des preuves.")
        return redirect("passeport:activity_detail", pk=activity.pk)
    return render(request, "passeport/activity_form.html", {"form": form, "student": student, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, write=True)
    initial = {
        **{name: getattr(activity, name) for name in activity_services.SCALAR_FIELDS},
        "criteria": list(activity.criteria.values_list("pk", flat=True)),
        "participants": list(activity.participants.values_list("pk", flat=True)),
    }
    form = ActivityForm(request.POST if request.method == "POST" else None, initial=initial, student=activity.student)
    if request.method == "POST" and form.is_valid():
        activity_services.update_activity(activity=activity, actor=request.user, data=form.cleaned_data)
        messages.success(request, "Activité modifiée.")
        return redirect("passeport:activity_detail", pk=activity.pk)
    context = {"form": form, "student": activity.student, "activity": activity}
    return render(request, "passeport/activity_form.html", context)


@login_required
@require_GET
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    criteria = activity.criteria.select_related("competency__block__exam").order_by(
        "competency__block__number", "competency__order", "number"
    )
    context = {
        "activity": activity,
        "student": activity.student,
        "criteria_groups": group_criteria(criteria),
        "participants": activity.participants.select_related("user").order_by(*by_name()),
        "evidence_list": activity.evidence.all(),
        "fiches": activity.fiches.select_related("exam", "kind").order_by("exam__code", "number"),
        "can_write": activity.student.user_id == request.user.pk,
        "can_follow": can_follow_student(request.user, activity.student),
        "evidence_accept": evidence_services.EVIDENCE_ACCEPT,
        "evidence_types": evidence_services.EVIDENCE_TYPES_TEXT,
        "evidence_max": evidence_services.human_size(evidence_services.max_upload_bytes()),
    }
    return render(request, "passeport/activity_detail.html", context)


@login_required
@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, write=True)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, "Choisissez au moins un fichier à ajouter.", extra_tags=EVIDENCE_FIELD_TAG)
    added = [name for uploaded in files if (name := _add_one(request, activity, uploaded))]
    if added:
        names = ", ".join(f"« {name} »" for name in added)
        messages.success(
            request, f"Preuve{'s' if len(added) > 1 else ''} ajoutée{'s' if len(added) > 1 else ''} : {names}."
        )
    # A refusal is shown under the file field (evidence_upload.html): the page opens on that field.
    fragment = "#id_files" if len(added) < len(files) or not files else ""
    return redirect(reverse("passeport:activity_detail", args=[activity.pk]) + fragment)


def _add_one(request: AuthenticatedHttpRequest, activity: Activity, uploaded) -> str:
    """Each file is accepted or refused on its own; a refusal is told, and nothing of that file is kept."""
    try:
        evidence = evidence_services.add_evidence(activity=activity, uploaded_file=uploaded, actor=request.user)
    except evidence_services.EvidenceRefused as refusal:
        messages.error(request, refusal.message, extra_tags=EVIDENCE_FIELD_TAG)
        return ""
    return evidence.original_name


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evidence = get_evidence_for_user(request.user, pk)
    if evidence_services.file_cut_short(evidence):
        # A file cut short on disk (written before writes were checked, or damaged since) is never served as if whole.
        messages.error(
            request,
            f"Le fichier de la preuve « {evidence.original_name} » est incomplet ou absent sur le serveur : "
            "il ne peut pas être téléchargé. Déposez-le à nouveau ou prévenez l'administrateur.",
        )
        return redirect("passeport:activity_detail", pk=evidence.activity_id)
    log_action(
        "evidence.downloaded",
        actor=request.user,
        obj=evidence,
        changes={"activity": evidence.activity_id, "name": evidence.original_name},
    )
    # Names stored before names followed the detected type are offered with the type's extension too.
    return private_file_response(
        evidence.file,
        evidence_services.name_for_type(evidence.original_name, evidence.content_type),
        evidence.content_type,
    )


def private_file_response(field_file, filename: str, content_type: str) -> FileResponse:
    """Always an attachment with the checked content type: a browser never renders an uploaded file in our origin."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_for_user(request.user, pk, write=True)
    activity_pk, name = evidence.activity_id, evidence.original_name
    evidence_services.delete_evidence(evidence=evidence, actor=request.user)
    messages.success(request, f"Preuve « {name} » supprimée.")
    return redirect("passeport:activity_detail", pk=activity_pk)
