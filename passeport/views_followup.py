"""The teaching team's follow-up: comments on fiches, validation of activities, formative assessments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from passeport import selectors_formative
from passeport.forms_followup import FicheCommentForm, FormativeAssessmentForm
from passeport.permissions import get_activity_for_user, get_fiche_for_user, get_passeport_student_for_user
from passeport.services import followup


@login_required
@require_POST
def fiche_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fiche = get_fiche_for_user(request.user, pk, follow=True)
    form = FicheCommentForm(request.POST, fiche=fiche)
    url = reverse("passeport:fiche_edit", args=[pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Commentaire non enregistré : {error}")
        code = request.POST.get("rubric", "")
        valid_codes = {r.code for r in form.fiche_definition.rubrics}
        return redirect(url + (f"#rubric-{code}" if code in valid_codes else ""))
    data = form.cleaned_data
    followup.add_fiche_comment(
        fiche=fiche, author=request.user, rubric=data["rubric"], text=data["text"], verso=data["verso"]
    )
    label = form.fiche_definition.label(data["rubric"])
    messages.success(request, f"Commentaire ajouté sur la rubrique « {label} ».")
    return redirect(url + _anchor(data["rubric"], data["verso"]))


def _anchor(code: str, verso) -> str:
    """The editor's block ids: ``rubric-<code>`` on the recto and the first verso, ``-<order>`` after it."""
    return f"#rubric-{code}-{verso.order}" if verso is not None and verso.order > 1 else f"#rubric-{code}"


@login_required
@require_POST
def activity_validate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, follow=True)
    if request.POST.get("action") == "unvalidate":
        if followup.unvalidate_activity(activity=activity, actor=request.user):
            messages.success(request, "La validation en formation de cette activité a été retirée.")
        else:
            messages.info(request, "Cette activité n'était pas validée : rien n'a changé.")
    elif followup.validate_activity(activity=activity, actor=request.user):
        messages.success(request, "Activité validée en formation.")
    else:
        messages.info(request, "Cette activité était déjà validée en formation : rien n'a changé.")
    return redirect("passeport:activity_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def formative_create(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    student = get_passeport_student_for_user(request.user, student_pk, follow=True)
    choices = selectors_formative.formative_choices(student)
    initial = {"about": _preselected(request, choices)}
    form = FormativeAssessmentForm(
        request.POST or None,
        initial=initial,
        activities=choices.activities,
        fiches=choices.fiches,
        criteria=choices.criteria,
        levels=choices.levels,
    )
    if request.method == "POST" and form.is_valid():
        followup.create_formative_assessment(
            student=student,
            assessor=request.user,
            assessed_on=form.cleaned_data["assessed_on"],
            positions=form.positions(),
            activity=form.about_activity(),
            fiche=form.about_fiche(),
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, "Évaluation formative enregistrée.")
        return redirect("passeport:passeport", student_pk=student.pk)
    context = {"student": student, "form": form, "groups": choices.groups(form), "levels": choices.levels}
    return render(request, "passeport/formative_form.html", context)


def _preselected(request: HttpRequest, choices: selectors_formative.FormativeChoices) -> str:
    """``?activity=<id>`` or ``?fiche=<id>`` must name one of this student's: anything else is a 404."""
    for param, prefix, objects in (("activity", "activite", choices.activities), ("fiche", "fiche", choices.fiches)):
        raw = request.GET.get(param)
        if raw is None:
            continue
        if not raw.isdigit() or int(raw) not in {o.pk for o in objects}:
            raise Http404
        return f"{prefix}-{raw}"
    return ""
