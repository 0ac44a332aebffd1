"""The fiche editor: creation, editing with autosave, versos, version history and conflict recovery."""

import re
from collections import defaultdict
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_follow_student
from passeport import unsaved
from passeport.forms_fiches import FicheCreateForm, FicheEditForm, rubric_field_name, submitted_versos
from passeport.models import Fiche, FicheComment, FicheVersion, FicheVerso
from passeport.permissions import get_activity_for_user, get_fiche_for_user, get_fiche_version_for_user
from passeport.rubrics import FicheDefinition, Rubric, fiche_definition
from passeport.services import fiches as services
from passeport.textdiff import Deadline, opcodes

CONFLICT_MESSAGE = (
    "Cette fiche a été modifiée ailleurs (autre onglet ou autre appareil) depuis que vous l'avez ouverte. "
    "Votre texte n'a pas été perdu : il est conservé comme copie de conflit dans l'historique des versions."
)
NO_VERSO_MESSAGE = "Une fiche E6 n'a pas de verso : seules les fiches E4 peuvent en avoir plusieurs."


def _versos(fiche: Fiche) -> list[FicheVerso]:
    return list(fiche.versos.order_by("order"))


@login_required
@require_http_methods(["GET", "POST"])
def fiche_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, write=True)
    form = FicheCreateForm(request.POST if request.method == "POST" else None, student=activity.student)
    if request.method == "POST" and form.is_valid():
        fiche = services.create_fiche(
            activity=activity,
            author=request.user,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            real_lived=form.cleaned_data["real_lived"],
        )
        messages.success(
            request, f"Fiche {fiche.exam.code} n° {fiche.number} créée : rédigez-la rubrique par rubrique."
        )
        return redirect("passeport:fiche_edit", fiche.pk)
    return render(request, "passeport/fiche_create.html", {"activity": activity, "form": form})


@require_http_methods(["GET", "POST"])
def fiche_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Not @login_required: a text sent after the session expired is kept before the login page (passeport.unsaved).
    if not request.user.is_authenticated:
        if request.method == "POST":
            return unsaved.keep_and_ask_to_log_in(request, pk)
        return redirect_to_login(request.get_full_path())
    if request.method == "GET":
        fiche = get_fiche_for_user(request.user, pk)
        if fiche.student.user_id != request.user.pk:
            return _render_read_only(cast(AuthenticatedHttpRequest, request), fiche)  # signed in: checked above
        versos = _versos(fiche)
        kept = unsaved.take_back(request, fiche)
        if kept is not None:
            form = FicheEditForm(kept, fiche=fiche, versos=submitted_versos(kept, versos))
        else:
            form = FicheEditForm(initial=FicheEditForm.initial_for(fiche, versos), fiche=fiche, versos=versos)
        return _render_editor(request, fiche, form, versos=versos)
    fiche = get_fiche_for_user(request.user, pk, write=True)
    versos = _versos(fiche)
    form = _bound_editor_form(request, fiche, versos)
    if not form.is_valid():
        return _render_editor(request, fiche, form, versos=versos)
    result = services.save_fiche(fiche=fiche, author=request.user, **form.save_kwargs())
    if result.is_conflict:
        return _render_conflict(request, result)
    messages.success(request, f"Fiche enregistrée (version {result.version}).")
    return redirect("passeport:fiche_edit", fiche.pk)


def _bound_editor_form(request: HttpRequest, fiche: Fiche, versos: list[FicheVerso] | None = None) -> FicheEditForm:
    """``versos``: all the fiche's versos, when the caller already has them."""
    if versos is None:
        versos = _versos(fiche)
    return FicheEditForm(request.POST, fiche=fiche, versos=submitted_versos(request.POST, versos))


def _render_editor(
    request: HttpRequest,
    fiche: Fiche,
    form: FicheEditForm,
    *,
    versos: list[FicheVerso] | None = None,
    conflict: FicheVersion | None = None,
    status: int = 200,
) -> HttpResponse:
    """``versos``: all the fiche's versos as they are now (read again when not given)."""
    if versos is None:
        versos = _versos(fiche)
    parts = _editor_parts(fiche, versos, form=form, rejected=conflict)
    context = {
        "fiche": fiche,
        "form": form,
        "versos": versos,
        "parts": parts,
        "empty": _empty_rubrics(fiche, versos),
        "is_writer": True,
        "conflict": conflict,
        "rejected_title": conflict.title if conflict is not None and conflict.title != fiche.title else "",
    }
    return render(request, "passeport/fiche_edit.html", context, status=status)


def _render_conflict(request: HttpRequest, result: services.SaveResult) -> HttpResponse:
    """The current text in the fields, the refused text beside each rubric that differs (HTTP 409)."""
    fiche = result.fiche
    versos = _versos(fiche)
    form = FicheEditForm(initial=FicheEditForm.initial_for(fiche, versos), fiche=fiche, versos=versos)
    return _render_editor(request, fiche, form, versos=versos, conflict=result.snapshot, status=409)


def _render_read_only(request: AuthenticatedHttpRequest, fiche: Fiche) -> HttpResponse:
    versos = _versos(fiche)
    context = {
        "fiche": fiche,
        "versos": versos,
        "parts": _editor_parts(fiche, versos),
        "empty": _empty_rubrics(fiche, versos),
        "comment_form_template": _comment_form_template(request, fiche),
        "is_writer": False,
    }
    return render(request, "passeport/fiche_read.html", context)


@require_POST
def fiche_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    if not request.user.is_authenticated:
        # The editor says it in its status line; « Enregistrer » then keeps the text through the login.
        return JsonResponse({"status": "expired", "message": unsaved.AUTOSAVE_EXPIRED_MESSAGE}, status=401)
    fiche = get_fiche_for_user(request.user, pk, write=True)
    form = _bound_editor_form(request, fiche)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return JsonResponse({"status": "error", "message": f"Enregistrement impossible : {errors}"}, status=400)
    result = services.save_fiche(fiche=fiche, author=request.user, autosave=True, **form.save_kwargs())
    if result.is_conflict and result.snapshot is not None:  # a conflict always keeps its copy
        conflict_url = reverse("passeport:fiche_version_diff", args=[fiche.pk, result.snapshot.pk])
        payload = {"status": "conflict", "message": CONFLICT_MESSAGE, "conflict_url": conflict_url}
        return JsonResponse(payload, status=409)
    saved_at = timezone.localtime(result.fiche.updated_at)
    return JsonResponse(
        {
            "status": "saved",
            "version": result.version,
            "saved_at": saved_at.isoformat(),
            "saved_at_display": saved_at.strftime("%H:%M"),
        }
    )


@login_required
@require_POST
def fiche_add_verso(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Adds an empty verso; when sent from the editor, the text being typed is saved first."""
    fiche = get_fiche_for_user(request.user, pk, write=True)
    if not fiche_definition(fiche.forms_session, fiche.exam.code).has_verso:
        return HttpResponseBadRequest(NO_VERSO_MESSAGE, content_type="text/plain; charset=utf-8")
    if "base_version" in request.POST:
        versos = _versos(fiche)
        form = _bound_editor_form(request, fiche, versos)
        if not form.is_valid():
            return _render_editor(request, fiche, form, versos=versos)
        result = services.save_fiche(fiche=fiche, author=request.user, **form.save_kwargs())
        if result.is_conflict:
            return _render_conflict(request, result)
    verso = services.add_verso(fiche=fiche, author=request.user)
    messages.success(request, f"Verso {verso.order} ajouté : décrivez un autre ciblage et une autre prospection.")
    return redirect(reverse("passeport:fiche_edit", args=[fiche.pk]) + f"#verso-{verso.order}")


@login_required
def fiche_versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fiche = get_fiche_for_user(request.user, pk)
    versions = fiche.versions.select_related("author").order_by("-created_at", "-pk")
    return render(request, "passeport/fiche_versions.html", {"fiche": fiche, "versions": versions})


@login_required
@require_http_methods(["GET", "POST"])
def fiche_version_diff(request: AuthenticatedHttpRequest, pk: int, version_pk: int) -> HttpResponse:
    if request.method == "POST":
        return _restore_version(request, pk, version_pk)
    version = get_fiche_version_for_user(request.user, pk, version_pk)
    fiche = version.fiche
    against_previous = request.GET.get("avec") == "precedente"
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    deadline = Deadline()  # whatever the texts' length, the page answers within a few seconds
    if against_previous:
        previous = _previous_version(version)
        rows = _diff_rows(form, old=previous, new=version, deadline=deadline)
    else:
        rows = _diff_rows(form, old=version, new=fiche, deadline=deadline)
    context = {
        "fiche": fiche,
        "version": version,
        "rows": [row for row in rows if row["changed"]],
        "unchanged_count": sum(1 for row in rows if not row["changed"]),
        "against_previous": against_previous,
        "is_writer": fiche.student.user_id == request.user.pk,
        "coarse": deadline.hit,
    }
    return render(request, "passeport/fiche_version_diff.html", context)


def _restore_version(request: AuthenticatedHttpRequest, pk: int, version_pk: int) -> HttpResponse:
    fiche = get_fiche_for_user(request.user, pk, write=True)
    version = get_fiche_version_for_user(request.user, pk, version_pk)
    try:
        base_version = int(request.POST.get("base_version", ""))
    except ValueError:
        base_version = 0
    result = services.restore_fiche_version(
        fiche=fiche, version=version, author=request.user, base_version=base_version
    )
    if result.is_conflict:
        messages.error(
            request,
            "La fiche a été modifiée depuis l'ouverture de cette page : rien n'a été restauré. "
            "Relisez les différences, puis restaurez de nouveau si vous le souhaitez.",
        )
        return redirect("passeport:fiche_version_diff", fiche.pk, version.pk)
    messages.success(
        request,
        f"Version {version.number} restaurée : elle devient la version {result.version}. "
        "Le texte remplacé reste disponible dans l'historique.",
    )
    return redirect("passeport:fiche_edit", fiche.pk)


# Display helpers: what the editor, the read-only page and the diff show, rubric by rubric.

COMMENT_FORM_INCLUDE = "passeport/includes/rubric_comment_form.html"


def _comment_form_template(request: AuthenticatedHttpRequest, fiche: Fiche) -> str:
    """The follow-up area's comment form under each rubric, for the staff who follow the student."""
    if not can_follow_student(request.user, fiche.student):
        return ""
    try:
        get_template(COMMENT_FORM_INCLUDE)
    except TemplateDoesNotExist:
        return ""
    return COMMENT_FORM_INCLUDE


def _comments_by_rubric(fiche: Fiche) -> dict[tuple[int | None, str], list[FicheComment]]:
    grouped: dict[tuple[int | None, str], list[FicheComment]] = defaultdict(list)
    for comment in fiche.comments.select_related("author").order_by("created_at", "pk"):
        grouped[(comment.verso_id, comment.rubric)].append(comment)
    return grouped


def _editor_parts(
    fiche: Fiche, versos: list[FicheVerso], *, form: FicheEditForm | None = None, rejected: FicheVersion | None = None
) -> list[dict]:
    """The recto then each verso, as official sections of rubrics with their field, text, comments, refused text."""
    definition = fiche_definition(fiche.forms_session, fiche.exam.code)
    comments = _comments_by_rubric(fiche)
    parts = [
        _part(definition, "recto", "Recto", fiche.recto, None, form, comments, rejected.recto if rejected else None)
    ]
    for index, verso in enumerate(versos):
        theirs = rejected.versos[index] if rejected is not None and index < len(rejected.versos) else None
        parts.append(_part(definition, "verso", f"Verso {verso.order}", verso.content, verso, form, comments, theirs))
    return parts


def _part(definition: FicheDefinition, part, title, content, verso, form, comments, rejected) -> dict:
    sections = []
    for section_title, rubrics in definition.sections(part):
        items, previous_group = [], ""
        for rubric in rubrics:
            items.append(_item(rubric, part, content, verso, form, comments, rejected, previous_group))
            previous_group = rubric.group
        sections.append({"title": section_title, "items": items})
    anchor = f"verso-{verso.order}" if verso else "recto"
    return {"title": title, "anchor": anchor, "verso": verso, "sections": sections}


def _item(rubric: Rubric, part, content, verso, form, comments, rejected, previous_group) -> dict:
    name = rubric_field_name(part, rubric.code, verso.order if verso else None)
    text = services.normalise_text(content.get(rubric.code, ""))
    theirs = services.normalise_text(rejected.get(rubric.code, "")) if rejected is not None else None
    return {
        "rubric": rubric,
        "name": name,
        "anchor": f"id_{name}",
        # The follow-up area sends teachers back to #rubric-<code> after a comment.
        "block_id": f"rubric-{rubric.code}"
        if verso is None or verso.order == 1
        else f"rubric-{rubric.code}-{verso.order}",
        "text": text,
        "field": form[name] if form is not None and name in form.fields else None,
        "comments": comments.get((verso.pk if verso else None, rubric.code), []),
        "group_start": bool(rubric.group) and rubric.group != previous_group,
        "rejected": theirs if theirs is not None and theirs != text else None,
    }


def _empty_rubrics(fiche: Fiche, versos: list[FicheVerso]) -> list[dict]:
    """The saved rubrics still empty, with the id of their field (every rubric must be filled on the dossier)."""
    definition = fiche_definition(fiche.forms_session, fiche.exam.code)
    empty = []
    for part, title, content, order in [("recto", "Recto", fiche.recto, None)] + [
        ("verso", f"Verso {v.order}", v.content, v.order) for v in versos
    ]:
        for rubric in definition.part(part):
            if not str(content.get(rubric.code, "")).strip():
                name = rubric_field_name(part, rubric.code, order)
                empty.append({"part": title, "label": rubric.label, "anchor": f"id_{name}"})
    return empty


def _content_of(obj: Fiche | FicheVersion | None) -> tuple[str, dict, list[dict]]:
    if obj is None:
        return "", {}, []
    if isinstance(obj, Fiche):
        return obj.title, obj.recto, [v.content for v in obj.versos.order_by("order")]
    return obj.title, obj.recto, obj.versos


def _previous_version(version: FicheVersion) -> FicheVersion | None:
    earlier = Q(created_at__lt=version.created_at) | Q(created_at=version.created_at, pk__lt=version.pk)
    return (
        FicheVersion.objects.filter(fiche_id=version.fiche_id, is_conflict=False)
        .filter(earlier)
        .order_by("-created_at", "-pk")
        .first()
    )


def _diff_rows(definition: FicheDefinition, *, old, new, deadline: Deadline | None = None) -> list[dict]:
    old_title, old_recto, old_versos = _content_of(old)
    new_title, new_recto, new_versos = _content_of(new)
    rows = [_diff_row("En-tête", "TITRE", old_title, new_title, deadline)]
    rows += [
        _diff_row("Recto", r.label, old_recto.get(r.code, ""), new_recto.get(r.code, ""), deadline)
        for r in definition.part("recto")
    ]
    for index in range(max(len(old_versos), len(new_versos))):
        before = old_versos[index] if index < len(old_versos) else {}
        after = new_versos[index] if index < len(new_versos) else {}
        rows += [
            _diff_row(f"Verso {index + 1}", r.label, before.get(r.code, ""), after.get(r.code, ""), deadline)
            for r in definition.part("verso")
        ]
    return rows


def _diff_row(part: str, label: str, old: str, new: str, deadline: Deadline | None = None) -> dict:
    old, new = services.normalise_text(old), services.normalise_text(new)
    changed = old != new
    segments = _word_diff(old, new, deadline) if changed else [("equal", new)]
    return {"part": part, "label": label, "changed": changed, "segments": segments}


WORDS = re.compile(r"\s+|\S+")


def _word_diff(old: str, new: str, deadline: Deadline | None = None) -> list[tuple[str, str]]:
    """``[(op, text)]`` with op in equal / del / ins; the template escapes the text and wraps it in <del>/<ins>.

    Words and runs of spaces are the tokens; passeport.textdiff aligns them in bounded time (see its docstring).
    """
    a, b = WORDS.findall(old), WORDS.findall(new)
    segments: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b, deadline):
        if tag == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(b[j1:j2])))
    return segments
