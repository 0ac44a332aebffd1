"""The académie's harmonisation pages (issue 16). Read-only for the inspector, except their requests; the answer
page belongs to the commission's responsible teacher."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Academie, Establishment, Student
from accounts.permissions import staff_establishment_ids
from certification.models import EvaluationSheet, GridLine, MarkRange
from harmonisation import dispatches, exports, jury_pdf, permissions, selectors, services
from harmonisation.charts import strip_chart
from harmonisation.forms import AnswerForm, ReviewRequestForm
from lib import generations
from passeport.models import Evidence
from referentiel.models import Exam, ExamSession


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_inspector(request.user)
    academies = request.user.academie_memberships.select_related("academie").order_by("academie__name")
    context = {"academies": [m.academie for m in academies], "session_exams": selectors.session_exams()}
    return render(request, "harmonisation/index.html", context)


@login_required
def exam(request: AuthenticatedHttpRequest, academie: int, session: int, exam: int) -> HttpResponse:
    the_academie = permissions.get_academie_for_inspector(request.user, academie)
    the_session = get_object_or_404(ExamSession, pk=session)
    the_exam = get_object_or_404(Exam, pk=exam, version_id=the_session.version_id)
    shown = request.GET.get("etablissement", "")
    # One establishment's candidates at a time (2,400 links on one page would weigh 1 MB). Only an establishment of
    # the académie opens a list: any other value is the page without one, kept once (not once per value asked).
    shown_pk = int(shown) if shown.isdigit() and len(shown) < 19 else None
    if shown_pk is not None and not Establishment.objects.filter(pk=shown_pk, academie=the_academie).exists():
        shown_pk = None
    # The content is the same for every inspector of the académie and changes only when a commission records
    # something (lib.generations): 2,400 candidates are read and written again only then.
    body = generations.memo(
        (selectors.GENERATION,),
        f"harmonisation:{the_academie.pk}:{the_session.pk}:{the_exam.pk}:{shown_pk}",
        lambda: _exam_body(the_academie, the_session, the_exam, shown_pk),
    )
    return render(request, "harmonisation/exam.html", {"body": body, "session": the_session, "exam": the_exam})


def _exam_body(academie: Academie, session: ExamSession, exam: Exam, shown: int | None) -> str:
    data = selectors.harmonisation(academie, session, exam)
    context = {
        "data": data,
        "chart": strip_chart(data.rows, data.median),
        "shown": shown,
        # URLs built once, not reversed per candidate and per cell.
        "candidate_base": reverse("harmonisation:candidate", args=[0]).removesuffix("0/"),
        "ask_base": reverse("harmonisation:ask_profile", args=[0]).removesuffix("0/demande/"),
    }
    return render_to_string("harmonisation/exam_body.html", context)


@login_required
def candidate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    result = permissions.get_result_for_inspector(request.user, pk)
    services.log_candidate_access(actor=request.user, result=result)
    commission, student = result.commission, result.student
    sheet = EvaluationSheet.objects.filter(commission=commission, student=student).first()
    context = {
        "result": result,
        "code": student.candidate_number or f"R{result.pk}",
        "profile_key": selectors.profile_key_of(result),
        "lines": GridLine.objects.filter(grid__commission=commission, grid__student=student, grid__member=None)
        .select_related("criterion", "level")
        .order_by("criterion__pk"),
        "appraisals": sheet.appraisals.select_related("situation").order_by("situation__pk") if sheet else [],
        "evidence": Evidence.objects.filter(activity__student=student).values_list("original_name", flat=True),
        "ranges": MarkRange.objects.filter(commission=commission).order_by("low", "profile_key"),
        "form": ReviewRequestForm(),
    }
    return render(request, "harmonisation/candidate.html", context)


@login_required
@require_http_methods(["POST"])
def ask_candidate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    result = permissions.get_result_for_inspector(request.user, pk)
    return _ask(request, result.commission, student=result.student, back=("harmonisation:candidate", pk))


@login_required
@require_http_methods(["GET", "POST"])
def ask_profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = permissions.get_commission_for_inspector(request.user, pk)
    profile_key = (request.GET.get("profil") or request.POST.get("profil") or "").strip()[:200]
    if not profile_key:
        raise Http404
    if request.method == "POST":
        return _ask(request, commission, profile_key=profile_key, back=("harmonisation:ask_profile", pk))
    context = {"commission": commission, "profile_key": profile_key, "form": ReviewRequestForm()}
    return render(request, "harmonisation/ask_profile.html", context)


def _ask(
    request: AuthenticatedHttpRequest, commission, *, back: tuple, student: Student | None = None, profile_key: str = ""
) -> HttpResponse:
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de la demande.")
        if student is not None:
            return redirect(*back)
        return redirect(f"{reverse(back[0], args=[back[1]])}?{urlencode({'profil': profile_key})}")
    try:
        services.ask_review(
            actor=request.user,
            commission=commission,
            student=student,
            profile_key=profile_key,
            reason=form.cleaned_data["reason"],
        )
    except services.HarmonisationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Demande envoyée à la commission : sa ou son responsable la verra dans « À faire ».")
    academie = commission.cohort.establishment.academie_id
    return redirect("harmonisation:exam", academie, commission.session_id, commission.exam_id)


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    harmonisation_request = permissions.get_request_for_responsible(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_request(
                actor=request.user,
                request=harmonisation_request,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except services.HarmonisationRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "Réponse enregistrée : l'inspection la voit sur sa page d'harmonisation.")
            return redirect("certification:todo")
    context = {"item": harmonisation_request, "form": form}
    return render(request, "harmonisation/answer.html", context)


@login_required
def export(request: AuthenticatedHttpRequest, academie: int, session: int, fmt: str) -> HttpResponse:
    the_academie = permissions.get_academie_for_inspector(request.user, academie)
    the_session = get_object_or_404(ExamSession, pk=session)
    if fmt not in exports.FORMATS:
        raise Http404
    result = exports.export_marks(the_academie, the_session, fmt)
    services.log_export(actor=request.user, academie=the_academie, filename=result.filename)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@login_required
def sends(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The establishment's staff who may send marks: one line per exam and session, with its latest send."""
    if not staff_establishment_ids(request.user):
        raise Http404
    context = {"lines": dispatches.send_lines(request.user, permissions.sendable_establishment_ids(request.user))}
    return render(request, "harmonisation/sends.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def send(request: AuthenticatedHttpRequest, establishment: int, session: int, exam: int) -> HttpResponse:
    """The confirmation page (what will be sent, what holds it back, what changed since the latest send) and the
    send itself."""
    scope = permissions.get_send_scope(request.user, establishment, session, exam)
    if request.method == "POST":
        the_establishment, the_session, the_exam = scope
        try:
            services.send_marks(actor=request.user, establishment=the_establishment, session=the_session, exam=the_exam)
        except services.HarmonisationRefused as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Notes transmises à l'académie : le jury final lira cet envoi.")
        return redirect("harmonisation:send", establishment, session, exam)
    return render(request, "harmonisation/send.html", {"state": dispatches.send_state(*scope)})


@login_required
def jury_pv(request: AuthenticatedHttpRequest, academie: int, session: int, exam: int) -> HttpResponse:
    the_academie = permissions.get_academie_for_inspector(request.user, academie)
    the_session = get_object_or_404(ExamSession, pk=session)
    the_exam = get_object_or_404(Exam, pk=exam, version_id=the_session.version_id)
    document = jury_pdf.render_jury_pv(the_academie, the_session, the_exam)
    services.log_export(actor=request.user, academie=the_academie, filename=document.filename)
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.filename}"'
    return response
