"""« Et si… » questions: prepared per fiche sujet, and the establishment's reusable bank.

The questions serve the entretien évocateur and are the jury's only: members of the commission prepare them
(administrators read), the bank belongs to the establishment's teachers and administrators. A student, a
professional outside the bank's staff, anyone else: 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import staff_establishment_ids
from certification.commissions.forms import BankQuestionForm, QuestionForm
from certification.commissions.models import ParameterChange, Question, SubjectSheet
from certification.commissions.selectors.passages import candidate_release_at
from certification.commissions.services import questions as question_services
from certification.commissions.services.questions import QuestionError
from certification.commissions.services.subject_definition import latest_forms_session, subject_definition
from certification.commissions.services.subjects import form_of, passage_of
from certification.permissions import (
    get_question_for_user,
    get_staff_establishment,
    get_subject_sheet_for_user,
    member_of,
    require_member,
)


def _labelled(questions, labels: dict[str, str]) -> list:
    """The questions with the label of the rubric they aim at (``rubric_label``), for the templates."""
    out = list(questions)
    for question in out:
        question.rubric_label = labels.get(question.rubric, question.rubric)
    return out


def _questions_page(request, sheet: SubjectSheet, form: QuestionForm) -> HttpResponse:
    changes = list(ParameterChange.objects.filter(sheet=sheet))
    changed_rubrics = [change.rubric for change in changes]
    in_bank_staff = sheet.commission.cohort.establishment_id in staff_establishment_ids(request.user)
    subject = form_of(sheet.commission)
    passage = passage_of(sheet)
    labels = dict(subject.rubric_choices())
    context = {
        "sheet": sheet,
        "commission": sheet.commission,
        "student": sheet.student,
        "member": member_of(request.user, sheet.commission),
        "changes": [(change, subject.part(change.part).rubric(change.rubric)) for change in changes],
        "suggestions": question_services.suggestions_for(sheet),
        "bank": _labelled(question_services.bank_for(sheet.commission.cohort.establishment, changed_rubrics), labels)
        if in_bank_staff
        else None,
        "changed_rubrics": set(changed_rubrics),
        "prepared": _labelled(sheet.questions.all(), labels),
        "form": form,
        "passage": passage,
        "release_at": candidate_release_at(passage) if passage else None,
    }
    return render(request, "certification/commissions/subjects/subject_questions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def subject_questions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = get_subject_sheet_for_user(request.user, pk, write=request.method == "POST")
    choices = form_of(sheet.commission).rubric_choices()
    in_bank_staff = sheet.commission.cohort.establishment_id in staff_establishment_ids(request.user)
    if request.method == "GET":
        return _questions_page(request, sheet, QuestionForm(rubric_choices=choices, bank=in_bank_staff))
    require_member(request.user, sheet.commission)
    if request.POST.get("action") == "remove":
        return _remove(request, sheet)
    form = QuestionForm(request.POST, rubric_choices=choices, bank=in_bank_staff)
    if not form.is_valid():
        return _questions_page(request, sheet, form)
    try:
        _add(request, sheet, form.cleaned_data, in_bank_staff)
    except QuestionError as refusal:
        form.add_error(None, refusal.message)
        return _questions_page(request, sheet, form)
    return redirect("certification:subject_questions", pk=sheet.pk)


def _add(request, sheet: SubjectSheet, data: dict, in_bank_staff: bool) -> None:
    establishment = sheet.commission.cohort.establishment
    source = None
    if data.get("source") and in_bank_staff:
        source = Question.objects.filter(pk=data["source"], establishment=establishment, archived=False).first()
    question_services.add_question(
        sheet=sheet, text=data["text"], rubric=data["rubric"], source=source, actor=request.user
    )
    messages.success(request, "Question ajoutée à la liste préparée pour cette fiche sujet.")
    if data.get("to_bank"):
        try:
            question_services.add_to_bank(
                establishment=establishment,
                text=data["text"],
                rubric=data["rubric"],
                actor=request.user,
                forms_session=sheet.commission.session.forms_session,
            )
        except QuestionError as refusal:
            messages.info(request, refusal.message)
        else:
            messages.success(request, "Question ajoutée aussi à la banque de l'établissement.")


def _remove(request, sheet: SubjectSheet) -> HttpResponse:
    try:
        question_services.remove_question(
            sheet=sheet, question_pk=int(request.POST.get("question") or 0), actor=request.user
        )
    except (QuestionError, ValueError) as refusal:
        messages.error(request, getattr(refusal, "message", "Question inconnue."))
    else:
        messages.success(request, "Question retirée de la liste préparée.")
    return redirect("certification:subject_questions", pk=sheet.pk)


@login_required
@require_http_methods(["GET", "POST"])
def question_bank(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    establishment = get_staff_establishment(request.user, pk)
    choices = subject_definition(latest_forms_session()).rubric_choices()
    form = BankQuestionForm(request.POST or None, rubric_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.add_to_bank(
                establishment=establishment,
                text=form.cleaned_data["text"],
                rubric=form.cleaned_data["rubric"],
                actor=request.user,
            )
        except QuestionError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Question ajoutée à la banque de l'établissement.")
            return redirect("certification:question_bank", pk=establishment.pk)
    context = {
        "establishment": establishment,
        "questions": _labelled(question_services.bank_for(establishment), dict(choices)),
        "form": form,
    }
    return render(request, "certification/commissions/subjects/question_bank.html", context)


@login_required
@require_POST
def question_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk)
    question_services.archive_question(question=question, actor=request.user)
    messages.success(request, "Question retirée de la banque ; les listes déjà préparées la gardent.")
    return redirect("certification:question_bank", pk=question.establishment_id)
