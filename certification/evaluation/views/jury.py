"""The jury's view of a passage on the day (timer, fiche sujet, notes), and the jury member's to-do list.

Jury only: a student never reaches these pages (404), nor anyone outside the commission; an administrator of the
establishment who does not sit on the commission gets a 403 on the day view and its notes (they are the members'
working tools). The notes are never shown to the candidate: the evaluation sheet is the communicable face.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import is_staff_member
from certification.commissions.models import CommissionMember, Passage, PassageNote, SubjectSheet
from certification.commissions.selectors.passages import subject_sheet_of
from certification.commissions.services.subjects import part_rows
from certification.dossiers.models import Dossier
from certification.dossiers.selectors import dossier_fiche_views
from certification.evaluation.context_processors import todo_items
from certification.evaluation.forms.jury import PassageNoteForm
from certification.evaluation.selectors.todo import KIND_LABELS
from certification.evaluation.services.jury_notes import NoteConflict, NoteRefused, passage_note, save_passage_note
from certification.permissions import get_passage_for_user, require_member

SUBJECT_TABLE = "certification/commissions/includes/part_table.html"


# --- The fiche sujet and the fiches -------------------------------------------------------------------------------


def _subject_context(passage: Passage) -> dict:
    sheet = subject_sheet_of(passage)
    if sheet is None:
        return {"sheet": None}
    candidate_rows = part_rows(sheet, "candidate")
    # The jury part (ANNEXE V–3) is optional: shown when the commission wrote it.
    jury_rows = part_rows(sheet, "jury") if (sheet.with_jury_part or sheet.jury) else []
    return {
        "sheet": sheet,
        "candidate_rows": candidate_rows,
        "jury_rows": jury_rows,
        "changed_rows": [
            {**row, "part": part}
            for part, rows in (("partie jury", jury_rows), ("partie candidat", candidate_rows))
            for row in rows
            # A rubric both parts share is one parameter, listed once (with the candidate part).
            if row.get("changed") and not (part == "partie jury" and row.get("shared"))
        ],
        "questions": list(sheet.questions.all()),
        "part_table": SUBJECT_TABLE,
    }


def _dossier_context(passage: Passage, sheet: SubjectSheet | None) -> dict:
    commission = passage.situation.commission
    dossier = (
        Dossier.objects.filter(
            student_id=passage.student_id, exam_id=commission.exam_id, session_id=commission.session_id
        )
        .select_related("exam")
        .first()
    )
    views = dossier_fiche_views(dossier) if dossier is not None else []
    if sheet is not None:
        # E4 situation B: the fiche the commission chose for the fiche sujet, as deposited.
        views = [view for view in views if view.item.pk == sheet.dossier_fiche_id]
    return {"dossier": dossier, "fiche_views": views}


# --- The day view ---------------------------------------------------------------------------------------------------


def _duration_text(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    text = f"{minutes} minute{'s' if minutes > 1 else ''}"
    return f"{text} {rest} s" if rest else text


def _jury_page(
    request: HttpRequest,
    passage: Passage,
    member: CommissionMember,
    form: PassageNoteForm,
    *,
    note: PassageNote | None,
    conflict: NoteConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    commission = passage.situation.commission
    subject = _subject_context(passage)
    seconds = int((passage.ends_at - passage.starts_at).total_seconds())
    context = {
        "passage": passage,
        "commission": commission,
        "situation": passage.situation,
        "student": passage.student,
        "member": member,
        "jurors": passage.jurors.select_related("member__user").order_by("member__pk"),
        "duration_seconds": seconds,
        "duration_text": _duration_text(seconds),
        "form": form,
        "note": note,
        "conflict": conflict,
        **subject,
        **_dossier_context(passage, subject["sheet"]),
    }
    return render(request, "certification/evaluation/jury/jury_view.html", context, status=status)


@login_required
@require_GET
@never_cache
def jury_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    passage = get_passage_for_user(request.user, pk, jury=True)
    member = require_member(request.user, passage.situation.commission)
    note = passage_note(passage, member)
    form = PassageNoteForm(initial={"text": note.text if note else "", "version": note.version if note else 0})
    return _jury_page(request, passage, member, form, note=note)


# --- The notes (autosaved) ------------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get("Accept", "")


def _note_data(request: HttpRequest):
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {}
    return {"text": data.get("text", ""), "version": data.get("version")}


def _saved_payload(note: PassageNote) -> dict:
    saved_at = timezone.localtime(note.updated_at)
    return {
        "status": "saved",
        "version": note.version,
        "saved_at": saved_at.isoformat(),
        "saved_at_display": saved_at.strftime("%H:%M"),
    }


def _conflict_response(request, passage, member, form, conflict: NoteConflict) -> HttpResponse:
    if _wants_json(request):
        payload = {
            "status": "conflict",
            "message": conflict.message,
            "version": conflict.current_version,
            "text": conflict.current_text,
        }
        return JsonResponse(payload, status=409)
    # The member's text stays in the form, now on the stored version: saving again keeps it, knowingly.
    data = {"text": form.cleaned_data["text"], "version": conflict.current_version}
    bound = PassageNoteForm(data)
    bound.is_valid()
    return _jury_page(request, passage, member, bound, note=conflict.current, conflict=conflict, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def jury_notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    passage = get_passage_for_user(request.user, pk, jury=True)
    if request.method == "GET":
        return redirect("certification:jury_view", pk=passage.pk)
    member = require_member(request.user, passage.situation.commission)
    form = PassageNoteForm(_note_data(request))
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        if _wants_json(request):
            return JsonResponse({"status": "error", "message": f"Notes non enregistrées : {message}"}, status=400)
        return _jury_page(request, passage, member, form, note=passage_note(passage, member), status=400)
    try:
        saved = save_passage_note(
            passage=passage,
            member=member,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except NoteConflict as conflict:
        return _conflict_response(request, passage, member, form, conflict)
    except NoteRefused as refusal:
        if _wants_json(request):
            return JsonResponse({"status": "error", "message": refusal.message}, status=400)
        messages.error(request, refusal.message)
        return redirect("certification:jury_view", pk=passage.pk)
    if _wants_json(request):
        return JsonResponse(_saved_payload(saved.note))
    messages.success(request, f"Notes enregistrées à {timezone.localtime(saved.note.updated_at):%H:%M}.")
    return redirect(reverse("certification:jury_view", args=[passage.pk]) + "#notes")


# --- The to-do list -------------------------------------------------------------------------------------------------


def _require_jury_or_staff(user: User) -> None:
    """Teachers and administrators; professionals only when they sit on a commission. Everyone else: 404."""
    if is_staff_member(user):
        return
    if CommissionMember.objects.filter(user=user).exists():
        return
    raise Http404


@login_required
@require_GET
def todo(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_jury_or_staff(request.user)
    items = todo_items(request)
    groups = [(kind, label, [item for item in items if item.kind == kind]) for kind, label in KIND_LABELS.items()]
    return render(request, "certification/evaluation/jury/todo.html", {"items": items, "groups": groups})
