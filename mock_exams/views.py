"""Pages of the CCF blanc: the teaching team's (list, creation, planning, fiche sujet, jury grid, publication) and
the student's (their published blanc grid and the jury's comment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from lib.refusals import Refused
from mock_exams import permissions, presenters, services
from mock_exams.forms import MockExamCreateForm, MockGridForm, PlanningForm, SubjectSheetForm
from mock_exams.situations import grid_competencies, levels_of

REFILLED = "Fiche sujet préremplie depuis la fiche choisie : modifiez les paramètres."


@login_required
def mock_exam_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_staff(request.user)
    mock_exams = permissions.mock_exams_for_user(request.user).order_by("-held_on", "-pk")
    return render(
        request,
        "mock_exams/list.html",
        {"mock_exams": mock_exams, "can_create": permissions.teachable_cohorts(request.user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mock_exam_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_staff(request.user)
    form = MockExamCreateForm(request.POST or None, cohorts=permissions.teachable_cohorts(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mock_exam = services.create_mock_exam(
                cohort=data["cohort"], situation=data["choice"], held_on=data["held_on"], actor=request.user
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Épreuve blanche créée : planifiez les passages et rédigez les fiches sujets.")
            return redirect("mock_exams:detail", pk=mock_exam.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "mock_exams/create.html", {"form": form}, status=status)


def _candidates(mock_exam):
    return list(mock_exam.candidates.select_related("student__user", "fiche__kind").order_by("starts_at", "pk"))


@login_required
def mock_exam_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mock_exam = permissions.get_mock_exam_for_user(request.user, pk)
    return _detail(request, mock_exam, PlanningForm(candidates=_candidates(mock_exam)))


def _detail(request: AuthenticatedHttpRequest, mock_exam, form: PlanningForm, status: int = 200) -> HttpResponse:
    context = {
        "mock_exam": mock_exam,
        "form": form,
        "can_manage": mock_exam.cohort.teachers.filter(pk=request.user.pk).exists(),
        "has_subject": bool(presenters.subject_rubrics(mock_exam)),
    }
    return render(request, "mock_exams/detail.html", context, status=status)


@login_required
@require_POST
def mock_exam_planning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mock_exam = permissions.get_mock_exam_for_user(request.user, pk, manage=True)
    form = PlanningForm(request.POST, candidates=_candidates(mock_exam))
    if not form.is_valid():
        messages.error(request, "Planning non enregistré : corrigez les dates signalées.")
        return _detail(request, mock_exam, form, status=400)
    try:
        changed = services.plan_passages(mock_exam=mock_exam, times=form.times(), actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Planning enregistré ({changed} passage(s) modifié(s)).")
    return redirect("mock_exams:detail", pk=pk)


def _candidate(request: AuthenticatedHttpRequest, pk: int, candidate_pk: int):
    """The team reads a candidate's fiche sujet and grid; only the class's teachers send them."""
    if request.method == "POST":
        return permissions.get_candidate_for_user(request.user, pk, candidate_pk, manage=True)
    return permissions.get_candidate_for_user(request.user, pk, candidate_pk)


@login_required
@require_http_methods(["GET", "POST"])
def mock_subject(request: AuthenticatedHttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    candidate = _candidate(request, pk, candidate_pk)
    rubrics = presenters.subject_rubrics(candidate.mock_exam)
    fiches = presenters.student_fiches(candidate)
    form = SubjectSheetForm(request.POST or None, candidate=candidate, fiches=fiches, rubrics=rubrics)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                refilled = services.save_subject(
                    candidate=candidate,
                    fiche=form.chosen(),
                    texts=form.texts(),
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except Refused as refusal:
                messages.error(request, refusal.message)
                status = 409
            else:
                if refilled:
                    messages.success(
                        request, "Fiche sujet préremplie depuis la fiche choisie : modifiez les paramètres."
                    )
                else:
                    messages.success(request, "Fiche sujet blanche enregistrée.")
                return redirect("mock_exams:subject", pk=pk, candidate_pk=candidate_pk)
        else:
            status = 400
    context = {
        "candidate": candidate,
        "mock_exam": candidate.mock_exam,
        "form": form,
        "rows": presenters.subject_rows(candidate),
        "has_subject": bool(rubrics),
    }
    return render(request, "mock_exams/subject.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mock_grid(request: AuthenticatedHttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    candidate = _candidate(request, pk, candidate_pk)
    mock_exam = candidate.mock_exam
    form = MockGridForm(
        request.POST or None,
        candidate=candidate,
        competencies=grid_competencies(mock_exam.exam, presenters.candidate_orders(candidate)),
        levels=levels_of(mock_exam.exam),
        current=presenters.current_levels(candidate),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_grid(
                    candidate=candidate,
                    levels=form.positions(),
                    comment=form.cleaned_data["comment"].strip(),
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except Refused as refusal:
                messages.error(request, refusal.message)
                status = 409
            else:
                messages.success(request, "Grille blanche enregistrée.")
                return redirect("mock_exams:grid", pk=pk, candidate_pk=candidate_pk)
        else:
            status = 400
    context = {"candidate": candidate, "mock_exam": mock_exam, "form": form}
    return render(request, "mock_exams/grid.html", context, status=status)


@login_required
@require_POST
def mock_exam_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mock_exam = permissions.get_mock_exam_for_user(request.user, pk, manage=True)
    copied = services.publish_mock_exam(mock_exam=mock_exam, actor=request.user)
    if copied is None:
        messages.info(request, "Cette épreuve blanche était déjà publiée : rien n'a changé.")
    else:
        messages.success(
            request,
            f"Épreuve blanche publiée : les étudiant·es voient leur grille blanche ; {copied} positionnement(s) "
            "ajouté(s) au passeport (« CCF blanc »).",
        )
    return redirect("mock_exams:detail", pk=pk)


@login_required
def my_mock_exams(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_student(request.user)
    candidacies = permissions.own_candidacies(request.user).order_by("-mock_exam__held_on")
    return render(request, "mock_exams/my_list.html", {"candidacies": candidacies})


@login_required
def my_mock_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = permissions.get_own_candidacy(request.user, pk)
    context = {
        "candidate": candidate,
        "mock_exam": candidate.mock_exam,
        "blocks": presenters.grid_blocks(candidate),
        "subject_rows": presenters.subject_rows(candidate),
    }
    return render(request, "mock_exams/my_result.html", context)
